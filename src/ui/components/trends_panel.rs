//! Trends beside the topic graph, for dated corpora (computed at build time): papers per topic
//! over time as sparklines, the topics and phrases growing fastest in the latest weeks, and
//! "new since" links that filter the results by date.

use leptos::prelude::*;

use super::topic_chip::topic_view;
use super::view_link::ViewLink;
use crate::engine::topics::trends::Trends;
use crate::ui::{with_engine, Ctx};
use crate::viewstate::{format_date, ViewState};

/// Top topics shown, fastest growing first.
const SHOWN_TOPICS: usize = 12;

/// What the panel shows, read from the loaded topic model.
#[derive(Clone, PartialEq)]
struct TrendsModel {
    unit: &'static str,
    first: u32,
    last: u32,
    recent_from: u32,
    /// (topic, label, counts per period, recent papers, growth ratio).
    topics: Vec<(u32, String, Vec<u32>, u32, f32)>,
    /// (phrase, recent papers, earlier papers).
    phrases: Vec<(String, u32, u32)>,
}

fn read_model() -> Option<TrendsModel> {
    with_engine(|engine| {
        let model = engine.index.topics.as_ref()?;
        let t: &Trends = model.trends.as_ref()?;
        let (recent_total, before_total) = t.totals_recent_and_before();
        let mut topics: Vec<(u32, String, Vec<u32>, u32, f32)> = (0..model.top_count())
            .filter_map(|i| {
                let (r, b) = t.recent_and_before(i);
                let g = Trends::growth(r, recent_total, b, before_total);
                (r + b > 0).then(|| (i as u32, model.label(i as u32), t.counts[i].clone(), r, g))
            })
            .collect();
        crate::engine::sort::sort_list(&mut topics, |a, b| b.4.total_cmp(&a.4).then(a.0.cmp(&b.0)));
        topics.truncate(SHOWN_TOPICS);
        let phrases =
            t.rising.iter().filter_map(|&(k, r, b)| Some((model.phrases.get(k as usize)?.clone(), r, b))).collect();
        Some(TrendsModel {
            unit: if t.weekly { "week" } else { "month" },
            first: *t.periods.first()?,
            last: *t.periods.last()?,
            recent_from: t.periods[t.recent_from],
            topics,
            phrases,
        })
    })
    .flatten()
}

/// A sparkline of counts (an SVG line scaled to its own maximum).
#[component]
fn Sparkline(counts: Vec<u32>, unit: &'static str) -> impl IntoView {
    let max = counts.iter().copied().max().unwrap_or(0).max(1);
    let n = counts.len().max(2);
    let points: Vec<String> =
        counts.iter().enumerate().map(|(i, &c)| format!("{},{}", i * 100 / (n - 1), 20 - c * 18 / max)).collect();
    let shown: Vec<String> = counts.iter().rev().take(12).rev().map(u32::to_string).collect();
    let label = format!("Papers per {unit}, latest {}: {}", shown.len(), shown.join(", "));
    view! {
        <svg class="spark" viewBox="0 0 100 21" preserveAspectRatio="none" role="img" aria-label=label>
            <polyline points=points.join(" ")/>
        </svg>
    }
}

/// The trends panel; nothing for corpora without dates.
#[component]
pub fn TrendsPanel() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let model = Memo::new(move |_| {
        ctx.extras.track();
        read_model()
    });
    move || {
        let m = model.get()?;
        let since = |from: u32| {
            let mut next = ctx.view.get_untracked().without_notes();
            next.filters.date_from = Some(from);
            next.paper = None;
            next.shown = 0;
            next
        };
        let recent_weeks = if m.unit == "week" { "Last 4 weeks" } else { "Last 3 months" };
        let latest = if m.unit == "week" { "This week" } else { "This month" };
        Some(view! {
            <section class="trends" aria-labelledby="trends-title">
                <h2 id="trends-title">"Trends"</h2>
                <p class="trends-span">
                    {format!("Papers per {}, {} to {}; recent: since {}.", m.unit, format_date(m.first), format_date(m.last), format_date(m.recent_from))}
                </p>
                <div class="since" role="group" aria-label="New since">
                    <span class="label">"New since"</span>
                    <ViewLink target=since(m.last) text=format!("{latest} ({})", format_date(m.last))/>
                    <ViewLink target=since(m.recent_from) text=format!("{recent_weeks} ({})", format_date(m.recent_from))/>
                </div>
                <div class="trends-cols">
                    <div>
                        <h3 id="rising-topics">"Topics, fastest growing first"</h3>
                        <ol class="rising" aria-labelledby="rising-topics">
                            {m.topics
                                .into_iter()
                                .map(|(t, label, counts, recent, growth)| {
                                    let target = topic_view(&ctx, t);
                                    view! {
                                        <li>
                                            <ViewLink target=target text=label/>
                                            <Sparkline counts=counts unit=m.unit/>
                                            <span class="growth">{format!("{recent} recent · share ×{}.{}", (growth * 10.0).round() as u32 / 10, (growth * 10.0).round() as u32 % 10)}</span>
                                        </li>
                                    }
                                })
                                .collect_view()}
                        </ol>
                    </div>
                    {(!m.phrases.is_empty()).then(|| view! {
                        <div>
                            <h3 id="rising-phrases">"Rising phrases"</h3>
                            <ol class="rising" aria-labelledby="rising-phrases">
                                {m.phrases
                                    .into_iter()
                                    .map(|(phrase, recent, before)| {
                                        let target = ViewState { q: format!("\"{phrase}\""), ..ViewState::default() };
                                        view! {
                                            <li>
                                                <ViewLink target=target text=phrase/>
                                                <span class="growth">{format!("{recent} recent, {before} before")}</span>
                                            </li>
                                        }
                                    })
                                    .collect_view()}
                            </ol>
                        </div>
                    })}
                </div>
            </section>
        })
    }
}

//! The line above the results: how many, for what, how fast; notices about the query and the
//! link; the active filters (each removable, with clear-all) and the sort order.

use crate::engine::corpus::LinkKind;
use crate::engine::search::{FacetCounts, Sort};
use crate::viewstate::{format_date, ViewState};
use leptos::prelude::*;

use crate::ui::model::ResultsModel;
use crate::ui::{Ctx, Load};

/// An active filter: its label and the view without it.
fn active_filters(v: &ViewState) -> Vec<(String, ViewState)> {
    let mut out = Vec::new();
    let without = |f: &dyn Fn(&mut ViewState)| {
        let mut next = v.without_notes();
        f(&mut next);
        next.shown = 0;
        next
    };
    for (i, c) in v.filters.categories.iter().enumerate() {
        out.push((
            format!("Category: {c}"),
            without(&|n: &mut ViewState| {
                n.filters.categories.remove(i);
            }),
        ));
    }
    for (i, m) in v.filters.months.iter().enumerate() {
        out.push((
            format!("Month: {m}"),
            without(&|n: &mut ViewState| {
                n.filters.months.remove(i);
            }),
        ));
    }
    for (i, l) in v.filters.listed.iter().enumerate() {
        out.push((
            format!("Listed: {l}"),
            without(&|n: &mut ViewState| {
                n.filters.listed.remove(i);
            }),
        ));
    }
    for (i, a) in v.filters.authors.iter().enumerate() {
        out.push((
            format!("Author: {a}"),
            without(&|n: &mut ViewState| {
                n.filters.authors.remove(i);
            }),
        ));
    }
    for (i, k) in v.filters.links.iter().enumerate() {
        out.push((
            format!("Has {}", link_name(*k)),
            without(&|n: &mut ViewState| {
                n.filters.links.remove(i);
            }),
        ));
    }
    if let Some(d) = v.filters.date_from {
        out.push((format!("From {}", format_date(d)), without(&|n: &mut ViewState| n.filters.date_from = None)));
    }
    if let Some(d) = v.filters.date_to {
        out.push((format!("To {}", format_date(d)), without(&|n: &mut ViewState| n.filters.date_to = None)));
    }
    out
}

/// A link kind's name in running text.
pub fn link_name(k: LinkKind) -> &'static str {
    match k {
        LinkKind::Code => "code",
        LinkKind::Dataset => "dataset",
        LinkKind::Model => "model",
        LinkKind::Demo => "demo",
        LinkKind::Page => "project page",
    }
}

/// The status line.
#[component]
pub fn StatusLine(
    /// The current results.
    results: Memo<ResultsModel>,
    /// Facet counts over them (the listing date of an unfiltered listing).
    facets: ReadSignal<FacetCounts>,
) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let summary = move || {
        let r = results.get();
        let papers = match ctx.load.get() {
            Load::Ready { papers, .. } => papers as usize,
            _ => 0,
        };
        let filtered = ctx.view.with(|v| !v.filters.is_empty());
        if r.fetching_index {
            return "Searching…".to_string();
        }
        if r.empty_query && !filtered {
            let listed = facets.with(|f| f.listed.first().map(|(l, _)| format!(", listed {l}")).unwrap_or_default());
            format!("{papers} papers{listed}")
        } else {
            let noun = if r.total == 1 { "result" } else { "results" };
            let q = ctx.view.with(|v| v.q.trim().to_string());
            let what = if q.is_empty() { String::new() } else { format!(" for “{q}”") };
            format!("{} {noun}{what} · {}", r.total, tenths(r.millis, "ms"))
        }
    };
    let notices = move || {
        let mut list = results.with(|r| r.notices.clone());
        let ignored = ctx.view.with(|v| v.ignored.clone());
        if !ignored.is_empty() {
            list.push(format!("Ignored in the link: {}.", ignored.join(", ")));
        }
        list
    };
    let chips = move || ctx.view.with(active_filters);
    let on_sort = move |ev: leptos::ev::Event| {
        let value = event_target_value(&ev);
        let mut next = ctx.view.get_untracked().without_notes();
        next.sort = Sort::from_name(&value).unwrap_or_default();
        next.shown = 0;
        ctx.navigate(next);
    };
    view! {
        <div class="status">
            <p id="status" class="count" aria-live="polite">{summary}</p>
            <label class="sort">
                "Sort "
                <select on:change=on_sort prop:value=move || ctx.view.with(|v| v.sort.name().to_string())>
                    <option value="relevance">"by relevance"</option>
                    <option value="newest">"newest first"</option>
                    <option value="oldest">"oldest first"</option>
                    <option value="title">"by title"</option>
                </select>
            </label>
        </div>
        <Show when=move || !chips().is_empty()>
            <div class="chips" role="group" aria-label="Active filters">
                {move || {
                    chips()
                        .into_iter()
                        .map(|(label, next)| {
                            let aria = format!("Remove filter {label}");
                            view! {
                                <button type="button" class="chip" aria-label=aria on:click=move |_| ctx.navigate(next.clone())>
                                    {label}
                                    <span aria-hidden="true">" ×"</span>
                                </button>
                            }
                        })
                        .collect_view()
                }}
                <button
                    type="button"
                    class="chip chip-clear"
                    on:click=move |_| {
                        let mut next = ctx.view.get_untracked().without_notes();
                        next.filters = Default::default();
                        next.shown = 0;
                        ctx.navigate(next);
                    }
                >
                    "Clear all filters"
                </button>
            </div>
        </Show>
        <Show when=move || !notices().is_empty()>
            <ul class="notices">{move || notices().into_iter().map(|n| view! { <li>{n}</li> }).collect_view()}</ul>
        </Show>
    }
}

/// A value with one decimal and its unit ("3.4 ms"), formatted through integers: float
/// formatting would add kilobytes to the wasm bundle for this one use.
pub fn tenths(value: f64, unit: &str) -> String {
    let t = (value.max(0.0) * 10.0).round() as u64;
    format!("{}.{} {unit}", t / 10, t % 10)
}

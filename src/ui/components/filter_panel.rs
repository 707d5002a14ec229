//! The filter panel: facet values with counts over the current results (listing date,
//! category, month, links, authors), combinable; each is a checkbox.

use crate::engine::corpus::LinkKind;
use crate::viewstate::ViewState;
use leptos::prelude::*;

use super::status_line::link_name;
use crate::ui::model::ResultsModel;
use crate::ui::Ctx;

/// Which filter list a facet edits.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Facet {
    Listed,
    Category,
    Month,
    Author,
}

fn list(v: &mut ViewState, f: Facet) -> &mut Vec<String> {
    match f {
        Facet::Listed => &mut v.filters.listed,
        Facet::Category => &mut v.filters.categories,
        Facet::Month => &mut v.filters.months,
        Facet::Author => &mut v.filters.authors,
    }
}

/// One group of checkboxes.
#[component]
fn FacetGroup(
    /// The group's legend.
    title: &'static str,
    /// Which filter it edits.
    facet: Facet,
    /// Values and counts.
    values: Signal<Vec<(String, u32)>>,
) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let rows = move || {
        let mut rows = values.get();
        // Selected values stay visible (with 0) so they can be unticked.
        let selected = ctx.view.with(|v| list(&mut v.clone(), facet).clone());
        for s in selected {
            if !rows.iter().any(|(v, _)| *v == s) {
                rows.push((s, 0));
            }
        }
        rows
    };
    let toggle = move |value: String| {
        let mut next = ctx.view.get_untracked().without_notes();
        let l = list(&mut next, facet);
        match l.iter().position(|x| *x == value) {
            Some(i) => {
                l.remove(i);
            }
            None => l.push(value),
        }
        next.shown = 0;
        ctx.navigate(next);
    };
    view! {
        <Show when=move || !rows().is_empty()>
            <fieldset class="facet">
                <legend>{title}</legend>
                <ul>
                    <For
                        each=move || {
                            let selected = ctx.view.with(|v| list(&mut v.clone(), facet).clone());
                            rows().into_iter().map(move |(value, count)| (selected.contains(&value), value, count)).collect::<Vec<_>>()
                        }
                        key=|row| row.clone()
                        children=move |(checked, value, count)| {
                            let v2 = value.clone();
                            view! {
                                <li>
                                    <label>
                                        <input type="checkbox" prop:checked=checked on:change=move |_| toggle(v2.clone())/>
                                        <span class="facet-value">{value}</span>
                                        <span class="facet-count">{count}</span>
                                    </label>
                                </li>
                            }
                        }
                    />
                </ul>
            </fieldset>
        </Show>
    }
}

/// Topics with counts over the results; a selected subtopic shows under its label.
#[component]
fn TopicFacet(
    /// The current results.
    results: Memo<ResultsModel>,
) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let rows = move || {
        ctx.extras.track();
        let top_level = |t: u32| {
            crate::ui::with_engine(|e| {
                e.index.topics.as_ref().and_then(|m| m.topics.get(t as usize)).is_some_and(|x| x.parent.is_none())
            })
            .unwrap_or(false)
        };
        let mut rows: Vec<(u32, u32)> =
            results.with(|r| r.facets.topics.iter().filter(|(t, _)| top_level(*t)).take(15).copied().collect());
        for t in ctx.view.with(|v| v.filters.topics.clone()) {
            if !rows.iter().any(|(x, _)| *x == t) {
                rows.push((t, 0));
            }
        }
        crate::ui::with_engine(|e| {
            let Some(m) = e.index.topics.as_ref() else { return Vec::new() };
            rows.into_iter().filter(|(t, _)| (*t as usize) < m.topics.len()).map(|(t, c)| (t, m.label(t), c)).collect()
        })
        .unwrap_or_default()
    };
    let toggle = move |t: u32| {
        let mut next = ctx.view.get_untracked().without_notes();
        match next.filters.topics.iter().position(|x| *x == t) {
            Some(i) => {
                next.filters.topics.remove(i);
            }
            None => next.filters.topics.push(t),
        }
        next.shown = 0;
        ctx.navigate(next);
    };
    view! {
        <Show when=move || !rows().is_empty()>
            <fieldset class="facet">
                <legend>"Topic"</legend>
                <ul>
                    {move || {
                        rows()
                            .into_iter()
                            .map(|(t, label, count)| {
                                let checked = ctx.view.with(|v| v.filters.topics.contains(&t));
                                view! {
                                    <li>
                                        <label>
                                            <input type="checkbox" prop:checked=checked on:change=move |_| toggle(t)/>
                                            <span class="facet-value">{label}</span>
                                            <span class="facet-count">{count}</span>
                                        </label>
                                    </li>
                                }
                            })
                            .collect_view()
                    }}
                </ul>
            </fieldset>
        </Show>
    }
}

/// The panel.
#[component]
pub fn FilterPanel(
    /// The current results (for facet counts).
    results: Memo<ResultsModel>,
) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let links = move || {
        let mut rows = results.with(|r| r.facets.links.clone());
        for k in ctx.view.with(|v| v.filters.links.clone()) {
            if !rows.iter().any(|(x, _)| *x == k) {
                rows.push((k, 0));
            }
        }
        rows
    };
    let toggle_link = move |k: LinkKind| {
        let mut next = ctx.view.get_untracked().without_notes();
        match next.filters.links.iter().position(|x| *x == k) {
            Some(i) => {
                next.filters.links.remove(i);
            }
            None => next.filters.links.push(k),
        }
        next.shown = 0;
        ctx.navigate(next);
    };
    // Open beside the results on wide screens; folded above them on phones.
    let wide =
        web_sys::window().and_then(|w| w.match_media("(min-width: 761px)").ok().flatten()).is_none_or(|m| m.matches());
    view! {
        <aside class="filters" aria-label="Filters">
            <details class="filters-details" open=wide>
            <summary class="filters-title">"Filters"</summary>
            <Show when=move || !links().is_empty()>
                <fieldset class="facet">
                    <legend>"Links"</legend>
                    <ul>
                        {move || {
                            links()
                                .into_iter()
                                .map(|(k, count)| {
                                    let checked = ctx.view.with(|v| v.filters.links.contains(&k));
                                    view! {
                                        <li>
                                            <label>
                                                <input type="checkbox" prop:checked=checked on:change=move |_| toggle_link(k)/>
                                                <span class="facet-value">{format!("Has {}", link_name(k))}</span>
                                                <span class="facet-count">{count}</span>
                                            </label>
                                        </li>
                                    }
                                })
                                .collect_view()
                        }}
                    </ul>
                </fieldset>
            </Show>
            <TopicFacet results=results/>
            <FacetGroup title="Listing date" facet=Facet::Listed values=Signal::derive(move || results.with(|r| r.facets.listed.clone()))/>
            <FacetGroup title="Category" facet=Facet::Category values=Signal::derive(move || results.with(|r| r.facets.categories.iter().take(15).cloned().collect()))/>
            <FacetGroup title="Month" facet=Facet::Month values=Signal::derive(move || results.with(|r| r.facets.months.clone()))/>
            <FacetGroup title="Author" facet=Facet::Author values=Signal::derive(move || results.with(|r| r.facets.authors.iter().take(12).cloned().collect()))/>
            </details>
        </aside>
    }
}

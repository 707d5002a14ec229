//! The filter panel: facet values with counts over the current results (links, topic,
//! listing date, category, month, authors), combinable; each is a checkbox. One checkbox-list
//! component serves every facet: each facet only says how to read and toggle its values in
//! the view state, which keeps the wasm bundle small.

use crate::engine::corpus::LinkKind;
use crate::viewstate::ViewState;
use leptos::prelude::*;

use super::status_line::link_name;
use crate::engine::search::FacetCounts;
use crate::ui::{with_engine, Ctx};

/// Which filter a facet edits.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Facet {
    Links,
    Topic,
    Listed,
    Category,
    Month,
    Author,
}

impl Facet {
    /// The values selected in a view, as strings.
    fn selected(self, v: &ViewState) -> Vec<String> {
        match self {
            Facet::Links => v.filters.links.iter().map(|k| k.name().to_string()).collect(),
            Facet::Topic => v.filters.topics.iter().map(u32::to_string).collect(),
            Facet::Listed => v.filters.listed.clone(),
            Facet::Category => v.filters.categories.clone(),
            Facet::Month => v.filters.months.clone(),
            Facet::Author => v.filters.authors.clone(),
        }
    }

    /// Adds or removes a value.
    fn toggle(self, v: &mut ViewState, value: &str) {
        fn flip<T: PartialEq>(list: &mut Vec<T>, x: T) {
            match list.iter().position(|y| *y == x) {
                Some(i) => {
                    list.remove(i);
                }
                None => list.push(x),
            }
        }
        match self {
            Facet::Links => {
                if let Some(&k) = LinkKind::ALL.iter().find(|k| k.name() == value) {
                    flip(&mut v.filters.links, k);
                }
            }
            Facet::Topic => {
                if let Ok(t) = value.parse() {
                    flip(&mut v.filters.topics, t);
                }
            }
            Facet::Listed => flip(&mut v.filters.listed, value.to_string()),
            Facet::Category => flip(&mut v.filters.categories, value.to_string()),
            Facet::Month => flip(&mut v.filters.months, value.to_string()),
            Facet::Author => flip(&mut v.filters.authors, value.to_string()),
        }
    }

    /// How a value reads on screen.
    fn label(self, value: &str) -> String {
        match self {
            Facet::Links => {
                let kind = LinkKind::ALL.iter().find(|k| k.name() == value);
                format!("Has {}", kind.map_or(value, |&k| link_name(k)))
            }
            Facet::Topic => value
                .parse()
                .ok()
                .and_then(|t| with_engine(|e| e.index.topics.as_ref().map(|m| m.label(t))).flatten())
                .unwrap_or_else(|| format!("Topic {value}")),
            _ => value.to_string(),
        }
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
        let selected = ctx.view.with(|v| facet.selected(v));
        let mut rows = values.get();
        // Selected values stay visible (with 0) so they can be unticked.
        for s in &selected {
            if !rows.iter().any(|(v, _)| v == s) {
                rows.push((s.clone(), 0));
            }
        }
        rows.into_iter().map(|(value, _)| (selected.contains(&value), facet.label(&value), value)).collect::<Vec<_>>()
    };
    // A row is keyed by its value (and state), not its count: while typing changes only the
    // counts, the rows stay and only their numbers are rewritten.
    let count_of = move |value: &str| values.with(|v| v.iter().find(|(x, _)| x == value).map_or(0, |(_, c)| *c));
    let toggle = move |value: String| {
        let mut next = ctx.view.get_untracked().without_notes();
        facet.toggle(&mut next, &value);
        next.shown = 0;
        ctx.navigate(next);
    };
    view! {
        <Show when=move || !rows().is_empty()>
            <fieldset class="facet">
                <legend>{title}</legend>
                <ul>
                    <For
                        each=rows
                        key=|row| row.clone()
                        children=move |(checked, label, value)| {
                            let counted = value.clone();
                            view! {
                                <li>
                                    <label>
                                        <input type="checkbox" prop:checked=checked on:change=move |_| toggle(value.clone())/>
                                        <span class="facet-value">{label}</span>
                                        <span class="facet-count">{move || count_of(&counted)}</span>
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

/// The panel.
#[component]
pub fn FilterPanel(
    /// Facet counts over the current results (a frame behind them).
    facets: ReadSignal<FacetCounts>,
) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let links = move || facets.with(|f| f.links.iter().map(|&(k, c)| (k.name().to_string(), c)).collect());
    // Top topics only (subtopic counts are for the graph); labels come from the model.
    let topics = move || {
        ctx.extras.track();
        let top_level = with_engine(|e| e.index.topics.as_ref().map(|m| m.top_count() as u32)).flatten().unwrap_or(0);
        facets.with(|f| {
            f.topics.iter().filter(|(t, _)| *t < top_level).take(15).map(|&(t, c)| (t.to_string(), c)).collect()
        })
    };
    // Open beside the results on wide screens; folded above them on phones.
    let wide =
        web_sys::window().and_then(|w| w.match_media("(min-width: 761px)").ok().flatten()).is_none_or(|m| m.matches());
    view! {
        <aside class="filters" aria-label="Filters">
            <details class="filters-details" open=wide>
            <summary class="filters-title">"Filters"</summary>
            <FacetGroup title="Links" facet=Facet::Links values=Signal::derive(links)/>
            <FacetGroup title="Topic" facet=Facet::Topic values=Signal::derive(topics)/>
            <FacetGroup title="Listing date" facet=Facet::Listed values=Signal::derive(move || facets.with(|f| f.listed.clone()))/>
            <FacetGroup title="Category" facet=Facet::Category values=Signal::derive(move || facets.with(|f| f.categories.iter().take(15).cloned().collect()))/>
            <FacetGroup title="Month" facet=Facet::Month values=Signal::derive(move || facets.with(|f| f.months.clone()))/>
            <FacetGroup title="Author" facet=Facet::Author values=Signal::derive(move || facets.with(|f| f.authors.iter().take(12).cloned().collect()))/>
            </details>
        </aside>
    }
}

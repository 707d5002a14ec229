//! The result list (or the listing itself for an empty query), "Show more", and the
//! zero-result view.

use leptos::prelude::*;

use super::perf;
use super::result_item::ResultItem;
use super::zero_results::ZeroResults;
use crate::ui::model::{Item, ResultsModel};
use crate::ui::Ctx;

/// The list.
#[component]
pub fn ResultList(
    /// The current results.
    results: Memo<ResultsModel>,
) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    // While a query is typed, a keystroke's frame renders the first screenful of rows and the
    // rest of the page follows in the task after it: half the rows to build before the
    // results can be painted. (Filters, sorts and "Show more" keep the query, and render
    // every row at once.)
    let whole_page_for = RwSignal::new(ctx.view.with_untracked(|v| v.q.clone()));
    Effect::new(move |_| {
        // Results count as painted once their first rows are (not while those rows' papers
        // or a phrase's positions are being fetched; the rest of the page follows).
        if results.with(|r| r.pending_first == 0 && !r.needs_positions && !r.fetching_index) {
            perf::results_rendered();
        }
        let q = ctx.view.with_untracked(|v| v.q.clone());
        if whole_page_for.with_untracked(|w| *w != q) {
            request_animation_frame(move || {
                set_timeout(
                    move || {
                        // (Only for the query still shown: keys may come faster than frames.)
                        if ctx.view.try_with_untracked(|v| v.q == q) == Some(true) {
                            whole_page_for.try_set(q);
                        }
                    },
                    std::time::Duration::ZERO,
                )
            });
        }
    });
    let rows = move || {
        let whole = ctx.view.with(|v| whole_page_for.with(|w| *w == v.q));
        let n = if whole { usize::MAX } else { crate::ui::model::FIRST_ROWS };
        results.with(|r| r.items.iter().take(n).map(|i| i.doc).collect::<Vec<_>>())
    };
    let more = move |_| {
        let mut next = ctx.view.get_untracked().without_notes();
        next.shown = next.shown() + crate::viewstate::PAGE;
        ctx.refine(next);
    };
    let label = move || if results.with(|r| r.empty_query) { "Papers in listing order" } else { "Results" };
    view! {
        <Show
            when=move || results.with(|r| r.total > 0 || r.fetching_index)
            fallback=move || view! { <ZeroResults results=results/> }
        >
            <Show when=move || results.with(|r| r.fetching_index)>
                <p class="loading-more" role="status">"Searching…"</p>
            </Show>
            <ol class="results" aria-label=label>
                // Keyed by paper: a row stays while its paper does (see `ResultItem`).
                <For
                    each=rows
                    key=|doc| *doc
                    children=move |doc| {
                        let item = Memo::new(move |last: Option<&Item>| {
                            results
                                .with(|r| r.items.iter().find(|i| i.doc == doc).cloned())
                                .or_else(|| last.cloned())
                                .unwrap_or_default()
                        });
                        view! { <ResultItem item=item/> }
                    }
                />
            </ol>
            <Show when=move || results.with(|r| r.pending > 0)>
                <p class="loading-more" role="status">"Loading papers…"</p>
            </Show>
            <Show when=move || results.with(|r| r.pending == 0 && r.total > r.items.len())>
                <button type="button" class="button more" on:click=more>
                    {move || results.with(|r| format!("Show more ({} of {} shown)", r.items.len(), r.total))}
                </button>
            </Show>
        </Show>
    }
}

//! The page below the header: the loading or error state, then either the open paper or the
//! filters beside the results (with the topic graph or paper map above them when chosen).

use leptos::prelude::*;

use super::export_menu::ExportMenu;
use super::filter_panel::FilterPanel;
use super::load_state::LoadState;
use super::paper_map::PaperMap;
use super::paper_view::PaperView;
use super::reading_list::ReadingListView;
use super::result_list::ResultList;
use super::status_line::StatusLine;
use super::trends_panel::TrendsPanel;
use super::view_tabs::ViewTabs;
use crate::engine::search::FacetCounts;
use crate::ui::model::{self, ResultsModel};
use crate::ui::{Ctx, Load};
use crate::viewstate::View;

/// Most results one export holds (the first, in the current order).
const MAX_EXPORTED: usize = 1_000;

/// Everything below the header.
#[component]
pub fn AppBody() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let ready = move || matches!(ctx.load.get(), Load::Ready { .. });
    // One search per view change; reading `extras` reruns it when positions arrive.
    let results: Memo<ResultsModel> = Memo::new(move |_| {
        if !ready() {
            return ResultsModel::default();
        }
        ctx.extras.track();
        ctx.view.with(model::results).unwrap_or_default()
    });
    // Facet counts follow the results one frame later: a keystroke's frame paints the results
    // without waiting for them (they cost about as much as the search itself on a large result
    // set), and they are counted in the task after it, only for the latest results when keys
    // come faster than frames.
    let facets = RwSignal::new(FacetCounts::default());
    let generation = StoredValue::new(0u64);
    Effect::new(move |_| {
        ctx.extras.track();
        let matching = results.with(|r| r.matching.clone());
        generation.update_value(|g| *g += 1);
        let mine = generation.get_value();
        request_animation_frame(move || {
            set_timeout(
                move || {
                    if generation.try_get_value() != Some(mine) {
                        return;
                    }
                    // (Each facet's list is keyed by value, so setting equal counts again
                    // changes no element.)
                    facets.try_set(model::facets(&matching));
                },
                std::time::Duration::ZERO,
            )
        });
    });
    let facets = facets.read_only();
    // Once every paper of the page is shown, the next page's are fetched ahead (large indexes).
    Effect::new(move |_| {
        if results.with(|r| r.pending == 0 && !r.fetching_index && !r.items.is_empty() && r.total > r.items.len()) {
            crate::ui::prefetch::next_page(ctx.view.get_untracked());
        }
    });
    let paper_open = move || ctx.view.with(|v| v.paper.is_some());
    let reading = move || ctx.view.with(|v| v.view == View::Reading);
    // The current results, up to a bound, for "Export results".
    let result_ids =
        Callback::new(move |()| ctx.view.with_untracked(|v| model::result_docs(v, MAX_EXPORTED)).unwrap_or_default());
    let results_pane = move || {
        view! {
            <div class="columns">
                <FilterPanel facets=facets/>
                <main id="main" class="results-pane" aria-labelledby="status">
                    <ViewTabs/>
                    {move || match ctx.view.with(|v| v.view) {
                        View::Topics => Some(view! { <PaperMap results=results facets=facets mode=View::Topics/> <TrendsPanel/> }.into_any()),
                        View::Map => Some(view! { <PaperMap results=results facets=facets mode=View::Map/> }.into_any()),
                        View::List | View::Reading => None,
                    }}
                    <StatusLine results=results facets=facets/>
                    <Show when=move || results.with(|r| r.total > 0)>
                        <ExportMenu label="Export results" file_stem="papersift-results" items=result_ids/>
                    </Show>
                    <ResultList results=results/>
                </main>
            </div>
        }
    };
    view! {
        <Show when=ready fallback=|| view! { <LoadState/> }>
            <Show
                when=paper_open
                fallback=move || {
                    view! {
                        <Show when=reading fallback=results_pane>
                            <main id="main" class="reading-pane" aria-labelledby="reading-title">
                                <ViewTabs/>
                                <ReadingListView/>
                            </main>
                        </Show>
                    }
                }
            >
                <main id="main" class="paper-pane">
                    <PaperView/>
                </main>
            </Show>
        </Show>
    }
}

//! The page below the header: the loading or error state, then either the open paper or the
//! filters beside the results (with the topic graph or paper map above them when chosen).

use leptos::prelude::*;

use super::filter_panel::FilterPanel;
use super::load_state::LoadState;
use super::paper_map::PaperMap;
use super::paper_view::PaperView;
use super::result_list::ResultList;
use super::status_line::StatusLine;
use super::view_tabs::ViewTabs;
use crate::ui::model::{self, ResultsModel};
use crate::ui::{Ctx, Load};
use crate::viewstate::View;

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
    let paper_open = move || ctx.view.with(|v| v.paper.is_some());
    view! {
        <Show when=ready fallback=|| view! { <LoadState/> }>
            <Show
                when=paper_open
                fallback=move || {
                    view! {
                        <div class="columns">
                            <FilterPanel results=results/>
                            <main id="main" class="results-pane" aria-labelledby="status">
                                <ViewTabs/>
                                {move || match ctx.view.with(|v| v.view) {
                                    View::Topics => Some(view! { <PaperMap results=results mode=View::Topics/> }.into_any()),
                                    View::Map => Some(view! { <PaperMap results=results mode=View::Map/> }.into_any()),
                                    View::List => None,
                                }}
                                <StatusLine results=results/>
                                <ResultList results=results/>
                            </main>
                        </div>
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

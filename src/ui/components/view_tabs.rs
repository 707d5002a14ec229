//! Switches between the result list, the topic graph and the paper map (each a link, so
//! a view can be opened in a new tab and back returns to the previous one). Shown only when
//! the index has topics.

use leptos::prelude::*;

use super::result_item::modified;
use crate::ui::{url, with_engine, Ctx};
use crate::viewstate::View;

fn view_label(v: View) -> &'static str {
    match v {
        View::List => "List",
        View::Topics => "Topic graph",
        View::Map => "Paper map",
    }
}

/// The view switcher.
#[component]
pub fn ViewTabs() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let has_topics = move || {
        ctx.extras.track();
        with_engine(|e| e.index.has_topics()).unwrap_or(false)
    };
    view! {
        <Show when=has_topics>
            <nav class="view-tabs" aria-label="Views">
                {View::ALL
                    .into_iter()
                    .map(|v| {
                        let target = move || {
                            let mut next = ctx.view.get().without_notes();
                            next.view = v;
                            next.paper = None;
                            next
                        };
                        let current = move || ctx.view.with(|s| s.view == v);
                        view! {
                            <a
                                class="view-tab"
                                href=move || url::href(&target())
                                aria-current=move || current().then_some("page")
                                on:click=move |ev| {
                                    if !modified(&ev) {
                                        ev.prevent_default();
                                        ctx.navigate(target());
                                    }
                                }
                            >{view_label(v)}</a>
                        }
                    })
                    .collect_view()}
            </nav>
        </Show>
    }
}

//! Switches between the result list, the topic graph, the paper map and the reading list
//! (each a link, so a view can be opened in a new tab and back returns to the previous one).
//! The topic views are offered only when the index has topics.

use leptos::prelude::*;

use super::result_item::modified;
use crate::ui::{url, with_engine, Ctx};
use crate::viewstate::View;

fn view_label(v: View) -> &'static str {
    match v {
        View::List => "List",
        View::Topics => "Topic graph",
        View::Map => "Paper map",
        View::Reading => "Reading list",
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
        <nav class="view-tabs" aria-label="Views">
            {View::ALL
                .into_iter()
                .map(|v| {
                    let target = move || {
                        let mut next = ctx.view.get().without_notes();
                        next.view = v;
                        next.paper = None;
                        // Leaving a shared list leaves its link behind.
                        if v != View::Reading {
                            next.list.clear();
                        }
                        next
                    };
                    let current = move || ctx.view.with(|s| s.view == v);
                    let shown = move || v == View::Reading || v == View::List || has_topics();
                    let label = move || match v {
                        View::Reading => format!("{} ({})", view_label(v), ctx.reading.with(|l| l.len())),
                        _ => view_label(v).to_string(),
                    };
                    view! {
                        <Show when=shown>
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
                            >{label}</a>
                        </Show>
                    }
                })
                .collect_view()}
        </nav>
    }
}

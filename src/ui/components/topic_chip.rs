//! A topic chip: the topic's label as a link that filters the results to that topic (a new
//! history step, so back undoes it).

use leptos::prelude::*;

use super::result_item::modified;
use crate::ui::{url, Ctx};
use crate::viewstate::ViewState;

/// The view filtered to one topic (replacing any topic filter), from the list.
pub fn topic_view(ctx: &Ctx, topic: u32) -> ViewState {
    topic_view_of(&ctx.view.get_untracked(), topic)
}

/// `view` filtered to one topic (replacing any topic filter).
pub fn topic_view_of(view: &ViewState, topic: u32) -> ViewState {
    let mut next = view.without_notes();
    next.filters.topics = vec![topic];
    next.paper = None;
    next.shown = 0;
    next
}

/// A chip linking to a topic. Its address follows the current view (a result row outlives
/// keystrokes), and a click goes to the view as it is then.
#[component]
pub fn TopicChip(
    /// Topic id.
    topic: u32,
    /// Its label.
    label: String,
) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let href = move || ctx.view.with(|v| url::href(&topic_view_of(v, topic)));
    let title = format!("Show papers in the topic “{label}”");
    view! {
        <a class="topic-chip" href=href title=title on:click=move |ev| {
            if !modified(&ev) {
                ev.prevent_default();
                ctx.navigate(topic_view(&ctx, topic));
            }
        }>{label}</a>
    }
}

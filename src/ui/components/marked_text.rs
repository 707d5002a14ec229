//! Text with highlighted matches: the engine gives byte ranges, rendered here as `<mark>`
//! elements around text nodes (text only: nothing in a paper can inject markup).

use crate::engine::search::Marked;
use leptos::prelude::*;

/// Renders marked text.
#[component]
pub fn MarkedText(marked: Marked) -> impl IntoView {
    marked
        .pieces()
        .into_iter()
        .map(|(text, hit)| {
            let text = text.to_string();
            if hit {
                view! { <mark>{text}</mark> }.into_any()
            } else {
                text.into_any()
            }
        })
        .collect_view()
}

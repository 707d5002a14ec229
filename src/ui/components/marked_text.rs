//! Text with highlighted matches. The engine gives byte ranges; they are rendered as one
//! escaped HTML string with `<mark>` elements (see `Marked::to_html`), so a result costs one
//! DOM call instead of one per piece — per keystroke, for every result shown. Nothing from a
//! paper is ever inserted unescaped.

use leptos::prelude::*;

use crate::engine::search::Marked;

/// Renders marked text.
#[component]
pub fn MarkedText(
    /// The text and its matched ranges.
    marked: Marked,
) -> impl IntoView {
    view! { <span inner_html=marked.to_html()></span> }
}

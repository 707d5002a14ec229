//! Text with highlighted matches. The engine gives byte ranges; they are rendered as one
//! escaped HTML string with `<mark>` elements (see `Marked::to_html`), so a result costs one
//! DOM call instead of one per piece — per keystroke, for every result shown. Nothing from a
//! paper is ever inserted unescaped. A result row keeps its element across keystrokes and only
//! its HTML changes (when the marks do).

use leptos::prelude::*;

use crate::engine::search::Marked;

/// Renders marked text that follows a signal.
#[component]
pub fn MarkedText(
    /// The text and its matched ranges.
    #[prop(into)]
    marked: Signal<Marked>,
) -> impl IntoView {
    view! { <span inner_html=move || marked.with(Marked::to_html)></span> }
}

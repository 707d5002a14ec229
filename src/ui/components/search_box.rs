//! The search box: focused on load, one search per keystroke, `/` to come back to it.

use leptos::html::Input;
use leptos::prelude::*;

use super::perf;
use crate::ui::Ctx;

/// The id other components use to focus the box.
pub const SEARCH_ID: &str = "search";

/// Focuses the search box.
pub fn focus() {
    if let Some(el) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id(SEARCH_ID)) {
        use wasm_bindgen::JsCast;
        if let Ok(input) = el.dyn_into::<web_sys::HtmlInputElement>() {
            let _ = input.focus();
        }
    }
}

/// The search form.
#[component]
pub fn SearchBox() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let input = NodeRef::<Input>::new();
    Effect::new(move |_| {
        // Focus once on load, unless a paper view opened directly from a link.
        if let Some(el) = input.get() {
            if ctx.view.get_untracked().paper.is_none() {
                let _ = el.focus();
            }
        }
    });
    // The box shows the view's query, but is only written when they differ (back/forward, a
    // suggestion, Esc): writing the value the user just typed would reset the editor's state
    // and force a layout on every keystroke.
    Effect::new(move |_| {
        let q = ctx.view.with(|v| v.q.clone());
        if let Some(el) = input.get() {
            if el.value() != q {
                el.set_value(&q);
            }
        }
    });
    view! {
        <form class="search" role="search" on:submit=|ev| ev.prevent_default()>
            <label class="visually-hidden" for=SEARCH_ID>"Search papers"</label>
            <span class="search-icon" aria-hidden="true">"⌕"</span>
            <input
                id=SEARCH_ID
                node_ref=input
                type="search"
                autocomplete="off"
                spellcheck="false"
                placeholder="Search titles, abstracts, authors…"
                aria-describedby="search-help"
                on:input=move |ev| {
                    perf::input_started(ev.time_stamp());
                    ctx.type_query(event_target_value(&ev));
                }
            />
            // A hint for the `/` shortcut, shown only while the box is empty and unfocused.
            <kbd class="search-key" aria-hidden="true">"/"</kbd>
            <span id="search-help" class="visually-hidden">
                "Type to search as you go. Quotes for phrases, a minus to exclude, title:, author:, cat: to scope. Arrow keys move through results."
            </span>
        </form>
    }
}

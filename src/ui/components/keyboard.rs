//! Keyboard use from anywhere: `/` focuses the search box; ↓ and ↑ move through the results
//! (focus moves to each result's title link, so Enter opens it); Esc closes the paper view or
//! clears the search.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::search_box::{focus, SEARCH_ID};
use crate::ui::Ctx;

fn result_links() -> Vec<web_sys::HtmlElement> {
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else { return Vec::new() };
    let Ok(list) = doc.query_selector_all("a[data-result]") else { return Vec::new() };
    (0..list.length()).filter_map(|i| list.item(i)?.dyn_into::<web_sys::HtmlElement>().ok()).collect()
}

fn active_element() -> Option<web_sys::Element> {
    web_sys::window()?.document()?.active_element()
}

/// Installs the listener.
pub fn install(ctx: Ctx) {
    let _ = window_event_listener(leptos::ev::keydown, move |ev: web_sys::KeyboardEvent| {
        if ev.ctrl_key() || ev.meta_key() || ev.alt_key() {
            return;
        }
        let active = active_element();
        let tag = active.as_ref().map(|a| a.tag_name().to_ascii_lowercase()).unwrap_or_default();
        let in_search = active.as_ref().is_some_and(|a| a.id() == SEARCH_ID);
        let typing = matches!(tag.as_str(), "input" | "textarea" | "select") && !in_search;
        match ev.key().as_str() {
            "/" if !in_search && !typing => {
                ev.prevent_default();
                focus();
            }
            "Escape" => {
                let view = ctx.view.get_untracked();
                if view.paper.is_some() {
                    ev.prevent_default();
                    let mut next = view.without_notes();
                    next.paper = None;
                    ctx.navigate(next);
                } else if in_search && !view.q.is_empty() {
                    ev.prevent_default();
                    ctx.type_query(String::new());
                } else if !in_search {
                    focus();
                }
            }
            key @ ("ArrowDown" | "ArrowUp") if !typing => {
                let links = result_links();
                if links.is_empty() {
                    return;
                }
                let current = active.as_ref().and_then(|a| links.iter().position(|l| l.is_same_node(Some(a))));
                let next = match (key, current, in_search) {
                    ("ArrowDown", None, _) => Some(0),
                    ("ArrowDown", Some(i), _) => Some((i + 1).min(links.len() - 1)),
                    ("ArrowUp", Some(0), _) => None,
                    ("ArrowUp", Some(i), _) => Some(i - 1),
                    _ => return,
                };
                ev.prevent_default();
                match next {
                    Some(i) => {
                        let _ = links[i].focus();
                        let opts = web_sys::ScrollIntoViewOptions::new();
                        opts.set_block(web_sys::ScrollLogicalPosition::Nearest);
                        links[i].scroll_into_view_with_scroll_into_view_options(&opts);
                    }
                    None => focus(),
                }
            }
            _ => {}
        }
    });
}

//! The address bar: reads the view from `location.search`, writes it back with `pushState`
//! (a new step in history) or `replaceState` (typing refines the current step), and follows
//! back/forward. Only the query string changes, so the app works under any path.

use crate::viewstate::ViewState;

/// The view encoded in the current address.
pub fn current() -> ViewState {
    let search = web_sys::window().and_then(|w| w.location().search().ok()).unwrap_or_default();
    ViewState::from_query(&search)
}

/// The address of a view, relative to the page (`?q=…`, or `./` for the default view).
pub fn href(view: &ViewState) -> String {
    let q = view.to_query();
    if q.is_empty() {
        pathname()
    } else {
        q
    }
}

fn pathname() -> String {
    web_sys::window().and_then(|w| w.location().pathname().ok()).unwrap_or_else(|| "./".into())
}

/// Writes a view to the address bar.
pub fn write(view: &ViewState, push: bool) {
    let Some(history) = web_sys::window().and_then(|w| w.history().ok()) else { return };
    let url = href(view);
    let current = web_sys::window().and_then(|w| w.location().search().ok()).unwrap_or_default();
    if view.to_query() == current {
        return;
    }
    let result = if push {
        history.push_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url))
    } else {
        history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url))
    };
    if let Err(e) = result {
        web_sys::console::warn_1(&e);
    }
}

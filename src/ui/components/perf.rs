//! Timing marks for measuring the app in a browser: `papersift-first-results` when the first
//! results are painted, `window.__papersiftKeystrokes`, the input-to-paint delay of each
//! keystroke in milliseconds, `window.__papersiftRenderMs`, input to DOM updated, and
//! `window.__papersiftFrameMs`, input to the start of the frame that shows the results (at
//! most one frame interval when they made the first frame after the key; read by the
//! end-to-end tests and benchmarks).

use std::cell::Cell;

use wasm_bindgen::JsValue;

thread_local! {
    static INPUT_AT: Cell<Option<f64>> = const { Cell::new(None) };
    static FIRST_DONE: Cell<bool> = const { Cell::new(false) };
}

/// Whether the first results have been painted.
pub fn first_results_painted() -> bool {
    FIRST_DONE.with(|f| f.get())
}

/// Records the time stamp of an input event (ms since the time origin).
pub fn input_started(time_stamp: f64) {
    INPUT_AT.with(|t| t.set(Some(time_stamp)));
}

fn now() -> f64 {
    web_sys::window().and_then(|w| w.performance()).map_or(0.0, |p| p.now())
}

/// Call after results were rendered: records the input-to-DOM time now and, once the frame
/// is painted, the marks.
pub fn results_rendered() {
    if let Some(start) = INPUT_AT.with(|s| s.get()) {
        push("__papersiftRenderMs", now() - start);
    }
    // `frame_start`: when the animation frame that shows the new rows began.
    let painted = move |frame_start: f64| {
        // A task after the animation frame runs once the frame has been painted.
        leptos::prelude::set_timeout(
            move || {
                let t = now();
                if !FIRST_DONE.with(|f| f.replace(true)) {
                    if let Some(p) = web_sys::window().and_then(|w| w.performance()) {
                        let _ = p.mark("papersift-first-results");
                    }
                }
                if let Some(start) = INPUT_AT.with(|s| s.take()) {
                    push("__papersiftKeystrokes", t - start);
                    push("__papersiftFrameMs", frame_start - start);
                }
            },
            std::time::Duration::ZERO,
        )
    };
    let callback = wasm_bindgen::closure::Closure::once_into_js(painted);
    if let Some(w) = web_sys::window() {
        let _ = w.request_animation_frame(wasm_bindgen::JsCast::unchecked_ref(&callback));
    }
}

/// Appends a measurement to `window[name]` (an array, created on first use).
pub fn push(name: &str, ms: f64) {
    let Some(window) = web_sys::window() else { return };
    let key = JsValue::from_str(name);
    let list = js_sys::Reflect::get(&window, &key).ok().filter(|v| v.is_object()).unwrap_or_else(|| {
        let a = js_sys::Array::new();
        let _ = js_sys::Reflect::set(&window, &key, &a);
        a.into()
    });
    if let Ok(array) = wasm_bindgen::JsCast::dyn_into::<js_sys::Array>(list) {
        array.push(&JsValue::from_f64(ms));
    }
}

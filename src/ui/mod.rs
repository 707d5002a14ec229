//! The Leptos app (wasm32 only).

use leptos::prelude::*;

/// Mounts the app on `<body>`.
pub fn start() {
    console_error_panic_hook::set_once();
    mount_to_body(|| view! { <main><h1>"papersift"</h1></main> });
}

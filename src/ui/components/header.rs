//! The page header: the name of the collection, the search box and the theme switch.

use leptos::prelude::*;

use super::search_box::SearchBox;
use crate::ui::{Ctx, Load};

const THEME_KEY: &str = "papersift-theme";

fn storage() -> Option<web_sys::Storage> {
    web_sys::window().and_then(|w| w.local_storage().ok().flatten())
}

fn apply_theme(theme: &str) {
    if let Some(root) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.document_element()) {
        let _ = root.set_attribute("data-theme", theme);
    }
}

/// The theme in effect: the saved choice, else the system's.
fn initial_theme() -> String {
    let saved = storage().and_then(|s| s.get_item(THEME_KEY).ok().flatten()).filter(|t| t == "dark" || t == "light");
    saved.unwrap_or_else(|| {
        let dark = web_sys::window()
            .and_then(|w| w.match_media("(prefers-color-scheme: dark)").ok().flatten())
            .is_some_and(|m| m.matches());
        if dark { "dark" } else { "light" }.to_string()
    })
}

/// The banner.
#[component]
pub fn Header() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let theme = RwSignal::new(initial_theme());
    Effect::new(move |_| apply_theme(&theme.get()));
    let toggle = move |_| {
        let next = if theme.get_untracked() == "dark" { "light" } else { "dark" };
        if let Some(s) = storage() {
            let _ = s.set_item(THEME_KEY, next);
        }
        theme.set(next.to_string());
    };
    let home = move |ev: leptos::ev::MouseEvent| {
        if !(ev.ctrl_key() || ev.meta_key() || ev.shift_key()) {
            ev.prevent_default();
            ctx.navigate(Default::default());
        }
    };
    let collection = move || match ctx.load.get() {
        Load::Ready { title, .. } if !title.is_empty() => title,
        _ => "Paper explorer".to_string(),
    };
    view! {
        <header class="topbar">
            <div class="brand">
                <a class="logo" href="./" on:click=home aria-label="papersift home: the whole listing">
                    <span aria-hidden="true" class="logo-mark">"ps"</span>
                    <span class="logo-name">"papersift"</span>
                </a>
                <span class="collection">{collection}</span>
            </div>
            <SearchBox/>
            <button
                class="theme-toggle"
                type="button"
                on:click=toggle
                aria-pressed=move || (theme.get() == "dark").to_string()
                title="Switch between light and dark"
            >
                <span aria-hidden="true">{move || if theme.get() == "dark" { "☀" } else { "☾" }}</span>
                <span class="visually-hidden">"Dark theme"</span>
            </button>
        </header>
    }
}

//! The "Save" toggle that adds a paper to the reading list or takes it off (on result rows,
//! the paper view and shared lists).

use leptos::prelude::*;

use crate::ui::Ctx;

/// A toggle button: pressed when the paper is in the reading list.
#[component]
pub fn SaveButton(
    /// The paper's id.
    id: String,
    /// Its title (kept with the entry, and naming the button).
    title: String,
) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let key = id.clone();
    let saved = Memo::new(move |_| ctx.reading.with(|l| l.contains(&key)));
    let label = format!("Save {}", title.chars().take(80).collect::<String>());
    let toggle = move |_| {
        if saved.get_untracked() {
            ctx.edit_reading("Removed from the reading list", |l| l.remove(&id));
        } else {
            ctx.edit_reading("Saved to the reading list", |l| l.add(&id, &title));
        }
    };
    view! {
        <button
            type="button"
            class="save"
            aria-label=label
            aria-pressed=move || if saved.get() { "true" } else { "false" }
            on:click=toggle
        >
            {move || if saved.get() { "★ Saved" } else { "☆ Save" }}
        </button>
    }
}

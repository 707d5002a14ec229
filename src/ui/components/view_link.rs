//! A link to another view of the app: a real `href` (so it opens in a new tab and can be
//! copied) that, on a plain click, navigates in place as a new history step.

use leptos::prelude::*;

use super::result_item::modified;
use crate::ui::{url, Ctx};
use crate::viewstate::ViewState;

/// A link to `target`.
#[component]
pub fn ViewLink(
    /// The view the link opens.
    target: ViewState,
    /// The link text.
    text: String,
) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let href = url::href(&target);
    view! {
        <a href=href on:click=move |ev| {
            if !modified(&ev) {
                ev.prevent_default();
                ctx.navigate(target.clone());
            }
        }>{text}</a>
    }
}

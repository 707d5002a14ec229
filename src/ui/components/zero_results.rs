//! What shows when nothing matches: the suggested spelling, completions, and ways to widen the
//! search.

use leptos::prelude::*;

use crate::ui::model::ResultsModel;
use crate::ui::{url, Ctx};

/// The zero-result view.
#[component]
pub fn ZeroResults(
    /// The current (empty) results, for the suggestion.
    results: Memo<ResultsModel>,
) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let search_for = move |q: String| {
        let mut next = ctx.view.get_untracked().without_notes();
        next.q = q;
        next.shown = 0;
        next
    };
    let suggestion = move || results.with(|r| r.suggestion.clone());
    let filtered = move || ctx.view.with(|v| !v.filters.is_empty());
    view! {
        <div class="zero" role="region" aria-label="No results">
            <h2>"No papers match."</h2>
            {move || {
                suggestion()
                    .map(|s| {
                        let target = search_for(s.clone());
                        let href = url::href(&target);
                        view! {
                            <p class="suggestion">
                                "Did you mean "
                                <a href=href on:click=move |ev| { ev.prevent_default(); ctx.navigate(target.clone()); }>
                                    <strong>{s}</strong>
                                </a>
                                "?"
                            </p>
                        }
                    })
            }}
            <ul class="tips">
                <Show when=filtered>
                    <li>
                        <button type="button" class="linklike" on:click=move |_| {
                            let mut next = ctx.view.get_untracked().without_notes();
                            next.filters = Default::default();
                            ctx.navigate(next);
                        }>"Search without the filters"</button>
                    </li>
                </Show>
                <li>"Check the spelling, or use fewer or more general words."</li>
                <li>"Quotes search an exact phrase; remove them to match the words anywhere."</li>
            </ul>
        </div>
    }
}

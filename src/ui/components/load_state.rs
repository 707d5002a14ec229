//! What shows before the index is ready: a progress bar while loading, or a readable error
//! with a retry button — never a blank page.

use leptos::prelude::*;

use crate::ui::{retry, Ctx, Load};

fn kb(bytes: u64) -> String {
    if bytes >= 1 << 20 {
        super::status_line::tenths(bytes as f64 / (1 << 20) as f64, "MB")
    } else {
        format!("{} KB", bytes.div_ceil(1024))
    }
}

/// Loading progress or the load error.
#[component]
pub fn LoadState() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    move || match ctx.load.get() {
        Load::Loading(done, total) => {
            let percent = (done * 100).checked_div(total).unwrap_or(0).min(100);
            view! {
                <main id="main" class="load-state">
                    <p>"Loading the paper index…"</p>
                    <div
                        class="progress"
                        role="progressbar"
                        aria-label="Loading the paper index"
                        aria-valuemin="0"
                        aria-valuemax="100"
                        aria-valuenow=percent.to_string()
                    >
                        <div class="progress-bar" style:width=format!("{percent}%")></div>
                    </div>
                    <p class="muted">{if total > 0 { format!("{} of {}", kb(done), kb(total)) } else { String::new() }}</p>
                </main>
            }
            .into_any()
        }
        Load::Failed(title, detail) => view! {
            <main id="main" class="load-state">
                <div class="error" role="alert">
                    <h1>{title}</h1>
                    <p>{detail}</p>
                    <button type="button" class="button" on:click=move |_| retry(ctx)>"Retry"</button>
                </div>
            </main>
        }
        .into_any(),
        Load::Ready { .. } => ().into_any(),
    }
}

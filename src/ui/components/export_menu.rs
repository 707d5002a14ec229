//! Export buttons (BibTeX, CSV, JSON, Markdown) for a set of papers: the reading list or the
//! current results. The text is made in the browser and offered as a download.

use leptos::prelude::*;

use crate::exports::{export, Format, Item};
use crate::ui::{browser, load_docs, with_engine, Ctx};

/// One button per format.
#[component]
pub fn ExportMenu(
    /// What is exported ("Export list", "Export results").
    label: &'static str,
    /// File name before the extension.
    file_stem: &'static str,
    /// The papers, as (document number, note), when a button is pressed.
    items: Callback<(), Vec<(u32, String)>>,
) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let run = move |format: Format| {
        let chosen = items.run(());
        leptos::task::spawn_local(async move {
            // A chunked document store may not hold every paper yet: fetch them first.
            let docs: Vec<u32> = chosen.iter().map(|c| c.0).collect();
            if let Err(e) = load_docs(&docs).await {
                ctx.announce.set(format!("The export could not be made. {e}"));
                return;
            }
            let text = with_engine(|engine| {
                let papers: Vec<(crate::engine::corpus::Paper, String)> = chosen
                    .iter()
                    .filter_map(|(doc, note)| Some((engine.index.docs.get(*doc).ok()?, note.clone())))
                    .collect();
                let items: Vec<Item<'_>> = papers.iter().map(|(paper, note)| Item { paper, note }).collect();
                (items.len(), export(format, &items))
            });
            let Some((n, text)) = text else { return };
            let name = format!("{file_stem}.{}", format.extension());
            let done = browser::download(&name, format.mime(), &text);
            ctx.announce.set(if done {
                format!("Exported {n} papers as {}", format.label())
            } else {
                "The export could not be started".into()
            });
        });
    };
    view! {
        <div class="export" role="group" aria-label=label>
            <span class="export-label">{label}</span>
            {Format::ALL
                .into_iter()
                .map(|f| view! { <button type="button" class="button" on:click=move |_| run(f)>{f.label()}</button> })
                .collect_view()}
        </div>
    }
}

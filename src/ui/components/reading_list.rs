//! The reading list view (`view=reading`): the reader's own list, with notes, reordering,
//! removal, a share link, exports and printing; or, opened from a shared link (`list=`), that
//! list read-only, with a way to save its papers.

use leptos::prelude::*;

use super::export_menu::ExportMenu;
use super::paper_view::copy_text;
use super::result_item::paper_view;
use super::save_button::SaveButton;
use super::view_link::ViewLink;
use crate::readinglist::Entry;
use crate::ui::{want_docs, with_engine, Ctx};
use crate::viewstate::{View, ViewState};

/// A title for an id: the index's, else the one saved with the entry; and whether the index
/// has the paper.
/// (With a chunked document store the paper may still be on its way: it is asked for, and
/// the saved title stands in until it arrives.)
fn title_of(id: &str, saved: &str) -> (String, bool) {
    let found = with_engine(|e| {
        if e.index.id_pending(id) {
            // The id map's shard is on its way; the saved title stands in meanwhile.
            crate::ui::want_files(e.index.take_missing());
            return Some(if saved.is_empty() { id.to_string() } else { saved.to_string() });
        }
        let doc = e.doc_by_id(id)?;
        if !e.index.docs.is_loaded(doc) {
            want_docs([doc]);
            return Some(if saved.is_empty() { id.to_string() } else { saved.to_string() });
        }
        e.index.docs.get(doc).ok().map(|p| p.title)
    })
    .flatten();
    match found {
        Some(t) => (t, true),
        None if saved.is_empty() => (id.to_string(), false),
        None => (saved.to_string(), false),
    }
}

/// The papers of this index among (id, note) pairs, as (document number, note).
fn docs_of<'a>(entries: impl Iterator<Item = (&'a str, String)>) -> Vec<(u32, String)> {
    with_engine(|e| entries.filter_map(|(id, note)| Some((e.doc_by_id(id)?, note))).collect()).unwrap_or_default()
}

fn print_page() {
    if let Some(w) = web_sys::window() {
        let _ = w.print();
    }
}

/// A link opening a paper from the list.
fn paper_link(ctx: &Ctx, id: &str, title: String) -> impl IntoView {
    view! { <ViewLink target=paper_view(ctx, id) text=title/> }
}

/// One entry of the reader's own list.
#[component]
fn OwnEntry(entry: Entry, index: usize, count: usize) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let (title, present) = title_of(&entry.id, &entry.title);
    let id = entry.id.clone();
    let (up, down, remove, note_id) = (id.clone(), id.clone(), id.clone(), id.clone());
    let short: String = title.chars().take(80).collect();
    view! {
        <li class="reading-entry">
            <div class="reading-title">
                {if present {
                    paper_link(&ctx, &id, title.clone()).into_any()
                } else {
                    view! { <span>{title.clone()}" "<em class="missing">"(not in this index)"</em></span> }.into_any()
                }}
            </div>
            <div class="reading-tools">
                <input
                    type="text"
                    class="note"
                    maxlength="500"
                    placeholder="Add a note"
                    aria-label=format!("Note for {short}")
                    prop:value=entry.note.clone()
                    on:change=move |ev| {
                        let note = event_target_value(&ev);
                        ctx.edit_reading("Note saved", |l| l.set_note(&note_id, &note));
                    }
                />
                <button type="button" class="button" aria-label=format!("Move up {short}") disabled=index == 0
                    on:click=move |_| ctx.edit_reading("Moved up", |l| l.move_by(&up, -1))>"↑"</button>
                <button type="button" class="button" aria-label=format!("Move down {short}") disabled=index + 1 == count
                    on:click=move |_| ctx.edit_reading("Moved down", |l| l.move_by(&down, 1))>"↓"</button>
                <button type="button" class="button" aria-label=format!("Remove {short}")
                    on:click=move |_| ctx.edit_reading("Removed from the reading list", |l| l.remove(&remove))>"Remove"</button>
            </div>
        </li>
    }
}

/// The reader's own list.
#[component]
fn OwnList() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let share = move |_| {
        let ids: Vec<String> = ctx.reading.with_untracked(|l| l.entries.iter().map(|e| e.id.clone()).collect());
        let view = ViewState { view: View::Reading, list: ids, ..ViewState::default() };
        let location = web_sys::window().map(|w| w.location());
        let base = location
            .map(|l| format!("{}{}", l.origin().unwrap_or_default(), l.pathname().unwrap_or_default()))
            .unwrap_or_default();
        let link = format!("{base}{}", view.to_query());
        leptos::task::spawn_local(async move {
            let ok = copy_text(&link).await;
            ctx.announce.set(if ok { "Share link copied".into() } else { format!("Copy failed; the link is {link}") });
        });
    };
    let items = Callback::new(move |()| {
        ctx.reading.with_untracked(|l| docs_of(l.entries.iter().map(|e| (e.id.as_str(), e.note.clone()))))
    });
    view! {
        <section class="reading" aria-labelledby="reading-title">
            <h2 id="reading-title">{move || format!("Reading list ({})", ctx.reading.with(|l| l.len()))}</h2>
            <Show
                when=move || ctx.reading.with(|l| !l.is_empty())
                fallback=|| view! { <p class="reading-help">"Nothing saved yet. Press ☆ Save on any paper; the list stays in this browser."</p> }
            >
                <p class="reading-help">"Kept in this browser. Share it as a link, export it, or print it."</p>
                <ol class="reading-entries" aria-label="Saved papers">
                    {move || {
                        // Titles of papers fetched later (a chunked document store) fill in.
                        ctx.extras.track();
                        let entries = ctx.reading.get().entries;
                        let count = entries.len();
                        entries
                            .into_iter()
                            .enumerate()
                            .map(|(i, e)| view! { <OwnEntry entry=e index=i count=count/> })
                            .collect_view()
                    }}
                </ol>
                <div class="reading-actions">
                    <button type="button" class="button" on:click=share>"Copy share link"</button>
                    <button type="button" class="button" on:click=|_| print_page()>"Print"</button>
                    <ExportMenu label="Export list" file_stem="reading-list" items=items/>
                </div>
            </Show>
        </section>
    }
}

/// A list opened from a link: read-only.
#[component]
fn SharedList(ids: Vec<String>) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let count = ids.len();
    let rows: Vec<(String, String, bool)> = ids
        .iter()
        .map(|id| {
            let (title, present) = title_of(id, "");
            (id.clone(), title, present)
        })
        .collect();
    let for_save = rows.clone();
    let save_all = move |_| {
        let rows = for_save.clone();
        ctx.edit_reading("Saved to your reading list", move |l| {
            let mut changed = false;
            for (id, title, present) in &rows {
                changed |= *present && l.add(id, title);
            }
            changed
        });
    };
    let export_ids = ids.clone();
    let items = Callback::new(move |()| docs_of(export_ids.iter().map(|id| (id.as_str(), String::new()))));
    let mine = move |_| {
        ctx.navigate(ViewState { view: View::Reading, ..ViewState::default() });
    };
    view! {
        <section class="reading" aria-labelledby="reading-title">
            <h2 id="reading-title">{format!("Shared reading list ({count})")}</h2>
            <p class="reading-help">"Opened from a link, read-only: your own list changes only when you save papers from it."</p>
            <ol class="reading-entries" aria-label="Shared papers">
                {rows
                    .into_iter()
                    .map(|(id, title, present)| {
                        view! {
                            <li class="reading-entry">
                                {if present {
                                    view! {
                                        <div class="reading-title">{paper_link(&ctx, &id, title.clone())}</div>
                                        <SaveButton id=id title=title/>
                                    }
                                        .into_any()
                                } else {
                                    view! { <div class="reading-title">{id}" "<em class="missing">"(not in this index)"</em></div> }.into_any()
                                }}
                            </li>
                        }
                    })
                    .collect_view()}
            </ol>
            <div class="reading-actions">
                <button type="button" class="button" on:click=save_all>"Save all to my list"</button>
                <button type="button" class="button" on:click=mine>"My reading list"</button>
                <button type="button" class="button" on:click=|_| print_page()>"Print"</button>
                <ExportMenu label="Export list" file_stem="reading-list" items=items/>
            </div>
        </section>
    }
}

/// The reading list view.
#[component]
pub fn ReadingListView() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    move || {
        let shared = ctx.view.with(|v| v.list.clone());
        if shared.is_empty() {
            view! { <OwnList/> }.into_any()
        } else {
            // A shared list shows titles from the index: redrawn as their papers arrive.
            ctx.extras.track();
            view! { <SharedList ids=shared/> }.into_any()
        }
    }
}

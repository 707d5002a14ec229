//! The browser app: a Leptos (client-side rendered) explorer over the same engine the CLI uses.
//!
//! State lives in one [`ViewState`] signal mirrored in the address bar ([`url`]); results are a
//! memo of that state, computed synchronously by the engine (a few milliseconds), so every
//! keystroke renders its own results. The engine itself sits outside the reactive graph in a
//! thread-local (it is large and not `Send`); a `load` signal says whether it is there.
//! Components live one per file under [`components`].

mod api;
#[cfg(feature = "bench")]
pub mod bench;
pub mod browser;
pub mod components;
pub mod model;
pub mod pan_zoom;
mod prefetch;
pub mod url;

use std::cell::RefCell;

use crate::engine::index::format::FileKind;
use crate::engine::search::Engine;
use crate::viewstate::{View, ViewState};
use leptos::prelude::*;

thread_local! {
    static ENGINE: RefCell<Option<Engine>> = const { RefCell::new(None) };
    /// The app's context, for fetches started outside a component (see [`want_docs`]).
    static CTX: std::cell::Cell<Option<Ctx>> = const { std::cell::Cell::new(None) };
    /// Document chunks on their way, so a view asking again does not fetch them twice.
    static FETCHING: RefCell<std::collections::HashSet<String>> = RefCell::new(std::collections::HashSet::new());
}

/// Asks for the papers `docs` to be readable: with a chunked document store, fetches the
/// chunks they need (those neither loaded nor on their way), attaches them and bumps
/// [`Ctx::extras`] once they are in, so the views asking recompute. Does nothing when every
/// paper is at hand (one docs file, or chunks already loaded).
pub fn want_docs(docs: impl IntoIterator<Item = u32>) {
    let missing = with_engine(|e| e.index.docs.missing(docs)).unwrap_or_default();
    want_files(missing);
}

/// Fetches index files a view asked for (document chunks, dictionary shards, postings chunks:
/// those not on their way already), attaches them and bumps [`Ctx::extras`] once they are in,
/// so the views asking recompute.
pub fn want_files(missing: Vec<crate::engine::index::manifest::FileEntry>) {
    // Most calls (every keystroke over cached files) ask for nothing: no task for those.
    if !missing.is_empty() {
        leptos::task::spawn_local(fetch_files(missing, true));
    }
}

/// Fetches the files of `missing` not on their way already, attaches them and bumps
/// [`Ctx::extras`] (a view may be waiting for one of them); a failure is announced when
/// `announce` (a prefetch that fails costs nothing: the view needing the file asks again).
pub(crate) async fn fetch_files(missing: Vec<crate::engine::index::manifest::FileEntry>, announce: bool) {
    let new: Vec<_> =
        missing.into_iter().filter(|e| FETCHING.with(|f| f.borrow_mut().insert(e.name.clone()))).collect();
    let Some(ctx) = CTX.get() else { return };
    if new.is_empty() {
        return;
    }
    let result = fetch_chunks(&new).await;
    FETCHING.with(|f| new.iter().for_each(|e| _ = f.borrow_mut().remove(&e.name)));
    match result {
        Ok(()) => ctx.extras.update(|n| *n += 1),
        Err(e) if announce => ctx.announce.set(format!("{}: {}", e.title(), e.detail())),
        Err(_) => {}
    }
}

/// Whether any file is being fetched.
pub(crate) fn fetching() -> bool {
    FETCHING.with(|f| !f.borrow().is_empty())
}

/// Fetches chunks and shards in parallel and attaches them.
pub(crate) async fn fetch_chunks(entries: &[crate::engine::index::manifest::FileEntry]) -> Result<(), api::LoadError> {
    let fetched = futures::future::join_all(entries.iter().map(|e| api::fetch_bytes(&e.name, false))).await;
    for (entry, bytes) in entries.iter().zip(fetched) {
        let bytes = bytes?;
        let attached = ENGINE.with(|e| e.borrow_mut().as_mut().map(|engine| engine.index.attach_file(entry, bytes)));
        if let Some(Err(e)) = attached {
            return Err(e.into());
        }
    }
    Ok(())
}

/// Makes the papers `docs` readable, waiting for their chunks (for exports, which need them
/// all at once).
pub async fn load_docs(docs: &[u32]) -> Result<(), String> {
    let missing = with_engine(|e| e.index.docs.missing(docs.iter().copied())).unwrap_or_default();
    if missing.is_empty() {
        return Ok(());
    }
    fetch_chunks(&missing).await.map_err(|e| format!("{}: {}", e.title(), e.detail()))
}

/// Runs `f` with the engine, if it is loaded.
pub fn with_engine<R>(f: impl FnOnce(&Engine) -> R) -> Option<R> {
    ENGINE.with(|e| e.borrow().as_ref().map(f))
}

/// Where the index stands.
#[derive(Debug, Clone, PartialEq)]
pub enum Load {
    /// Fetching: bytes done of total (total 0 until the manifest is read).
    Loading(u64, u64),
    /// Ready to search.
    Ready {
        /// Papers in the index.
        papers: u32,
        /// The collection's title.
        title: String,
    },
    /// Failed, with a headline and what to do.
    Failed(String, String),
}

/// What every component can reach.
#[derive(Clone, Copy)]
pub struct Ctx {
    /// The current view (mirrored in the URL).
    pub view: RwSignal<ViewState>,
    /// The index's state.
    pub load: RwSignal<Load>,
    /// Bumped when a lazily loaded file (positions, topics, authors, document chunks) arrives,
    /// so results recompute.
    pub extras: RwSignal<u32>,
    /// Text for the polite live region ("Link copied").
    pub announce: RwSignal<String>,
    /// The reader's reading list (saved in `localStorage` on every change).
    pub reading: RwSignal<crate::readinglist::ReadingList>,
    /// Whether the current history entry was made by typing (further typing replaces it).
    typing: StoredValue<bool>,
    /// A pending address update from typing (written after a pause), with its view.
    url_timer: StoredValue<Option<(TimeoutHandle, ViewState)>>,
}

impl Ctx {
    /// Changes the reading list and saves it, saying so to screen readers.
    pub fn edit_reading(&self, what: &str, f: impl FnOnce(&mut crate::readinglist::ReadingList) -> bool) {
        let mut list = self.reading.get_untracked();
        if !f(&mut list) {
            return;
        }
        let saved = browser::save_reading_list(&list);
        self.reading.set(list);
        self.announce.set(if saved {
            what.to_string()
        } else {
            format!("{what} (for this visit only: the browser does not let this page store data)")
        });
    }

    /// Goes to a new view: a new history step.
    pub fn navigate(&self, next: ViewState) {
        self.flush_pending_url();
        self.typing.set_value(false);
        url::write(&next, true);
        self.view.set(next);
    }

    /// Changes the view without a history step (refinements such as "show more").
    pub fn refine(&self, next: ViewState) {
        self.flush_pending_url();
        url::write(&next, false);
        self.view.set(next);
    }

    /// A keystroke in the search box: the first one of a query starts a history step, later
    /// ones replace it, and the address is written after a short pause (browsers throttle
    /// history updates, and an address per keystroke helps no one).
    pub fn type_query(&self, q: String) {
        let mut next = self.view.get_untracked();
        next.q = q;
        next.paper = None;
        next.shown = 0;
        next.ignored.clear();
        let push = !self.typing.get_value();
        self.typing.set_value(true);
        self.view.set(next.clone());
        // The address waits for a pause in typing: a keystroke drops the update the last one
        // left pending (writing it would cost a `replaceState`, several milliseconds in
        // Chromium, on every key).
        self.cancel_pending_url();
        if push {
            url::write(&next, true);
        } else {
            let url_timer = self.url_timer;
            let pending = next.clone();
            let handle = set_timeout_with_handle(
                move || {
                    url_timer.set_value(None);
                    url::write(&pending, false);
                },
                std::time::Duration::from_millis(350),
            );
            if let Ok(h) = handle {
                self.url_timer.set_value(Some((h, next)));
            }
        }
    }

    /// Drops a pending typing update (a later one replaces it).
    fn cancel_pending_url(&self) {
        if let Some((h, _)) = self.url_timer.try_update_value(|t| t.take()).flatten() {
            h.clear();
        }
    }

    /// Writes a pending typing update now, so the step it belongs to is complete before the
    /// next one starts.
    fn flush_pending_url(&self) {
        if let Some((h, view)) = self.url_timer.try_update_value(|t| t.take()).flatten() {
            h.clear();
            url::write(&view, false);
        }
    }
}

/// Reports a panic on the page as well as in the console, so a crash is never a blank page.
fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        console_error_panic_hook::hook(info);
        let Some(doc) = web_sys::window().and_then(|w| w.document()) else { return };
        let Some(body) = doc.body() else { return };
        let div = doc.get_element_by_id("fatal").or_else(|| doc.create_element("div").ok());
        if let Some(div) = div {
            div.set_id("fatal");
            let _ = div.set_attribute("role", "alert");
            div.set_text_content(Some(&format!(
                "papersift stopped because of an internal error: {info}. Reload the page; if it happens again, please report it with this message."
            )));
            let _ = body.append_child(&div);
        }
    }));
}

/// Loads the index (and later the optional files) into the engine slot.
fn start_loading(ctx: Ctx) {
    ctx.load.set(Load::Loading(0, 0));
    leptos::task::spawn_local(async move {
        match api::load(move |done, total| ctx.load.set(Load::Loading(done, total))).await {
            Ok(index) => {
                let manifest = index.manifest.clone();
                let (papers, title) = (index.len(), manifest.title.clone());
                ENGINE.with(|e| *e.borrow_mut() = Some(Engine::new(index)));
                ctx.load.set(Load::Ready { papers, title });
                // Phrase search, topics and the author facet: fetched once the list is usable
                // (topics first when the view needs them).
                let wants_topics = ctx.view.with_untracked(|v| !v.filters.topics.is_empty() || v.view != View::List);
                let mut kinds = if wants_topics {
                    vec![FileKind::Topics, FileKind::Facets, FileKind::Positions, FileKind::Authors]
                } else {
                    vec![FileKind::Facets, FileKind::Positions, FileKind::Topics, FileKind::Authors]
                };
                // A large index (chunked papers) waits for a phrase query before fetching its
                // positions: megabytes that would otherwise compete with the papers shown. A
                // sharded one fetches its facets now too (a bundle has them already).
                let deferred = manifest.docs_per_chunk > 0;
                let facets_later = !manifest.splits.is_empty();
                kinds.retain(|&k| {
                    (manifest.file(k).is_some() || k == FileKind::Topics)
                        && !(deferred && k == FileKind::Positions)
                        && (k != FileKind::Facets || facets_later)
                });
                let list_first = ctx.view.with_untracked(|v| v.view == View::List && v.paper.is_none());
                if deferred && list_first && !wants_topics {
                    // The papers of the first results come first: topics and authors (megabytes
                    // at this size) wait until those are painted, or three seconds.
                    for _ in 0..60 {
                        let busy = FETCHING.with(|f| !f.borrow().is_empty());
                        if components::perf::first_results_painted() && !busy {
                            break;
                        }
                        pause(50).await;
                    }
                }
                for kind in kinds {
                    if kind == FileKind::Topics {
                        // The topic files a view would ask for first (see Index::topic_files_at_start).
                        let files = with_engine(|e| e.index.topic_files_at_start()).unwrap_or_default();
                        fetch_files(files, true).await;
                    } else {
                        load_extra(&manifest, kind).await;
                    }
                }
                prefetch::dictionary(&manifest).await;
            }
            Err(e) => ctx.load.set(Load::Failed(e.title().to_string(), e.detail())),
        }
    });
}

/// Waits `ms` milliseconds.
pub(crate) async fn pause(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(w) = web_sys::window() {
            let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

/// Fetches an optional file (positions, facets, authors) the manifest lists, unless loaded or
/// on its way, attaches it and bumps [`Ctx::extras`]; a failure is announced, the app goes on
/// without it.
async fn load_extra(manifest: &crate::engine::index::Manifest, kind: FileKind) {
    let loaded = with_engine(|e| match kind {
        FileKind::Facets => e.index.facets_loaded,
        FileKind::Positions => e.index.positions.is_some(),
        _ => e.index.authors.is_some(),
    });
    if loaded == Some(false) {
        fetch_files(manifest.file(kind).cloned().into_iter().collect(), true).await;
    }
}

/// Asks for the positions file (a phrase query needs it), when it is neither loaded nor on
/// its way.
pub fn want_positions() {
    let Some(manifest) = with_engine(|e| e.index.positions.is_none().then(|| e.index.manifest.clone())).flatten()
    else {
        return;
    };
    leptos::task::spawn_local(async move { load_extra(&manifest, FileKind::Positions).await });
}

/// Test hook: panics inside wasm, so the browser tests can check that a crash is reported on
/// the page (the panic hook's alert), not only in the console. (In the published app too:
/// those tests run against it.)
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn test_panic() {
    panic!("test_panic was called");
}

/// Mounts the app.
pub fn start() {
    install_panic_hook();
    mount_to_body(App);
}

#[component]
fn App() -> impl IntoView {
    let ctx = Ctx {
        view: RwSignal::new(url::current()),
        load: RwSignal::new(Load::Loading(0, 0)),
        extras: RwSignal::new(0),
        announce: RwSignal::new(String::new()),
        reading: RwSignal::new(browser::load_reading_list()),
        typing: StoredValue::new(false),
        url_timer: StoredValue::new(None),
    };
    provide_context(ctx);
    CTX.set(Some(ctx));
    start_loading(ctx);
    // Back and forward: read the address, do not write it.
    let _ = window_event_listener(leptos::ev::popstate, move |_| {
        ctx.typing.set_value(false);
        ctx.view.set(url::current());
    });
    // Another tab changed the reading list: take its version.
    let _ = window_event_listener(leptos::ev::storage, move |ev| {
        if ev.key().as_deref() == Some(crate::readinglist::STORAGE_KEY) {
            ctx.reading.set(browser::load_reading_list());
        }
    });
    components::keyboard::install(ctx);
    view! {
        <components::header::Header/>
        <components::app_body::AppBody/>
        <div class="visually-hidden" role="status" aria-live="polite" aria-atomic="true">{move || ctx.announce.get()}</div>
    }
}

/// Retries loading after a failure.
pub fn retry(ctx: Ctx) {
    ENGINE.with(|e| *e.borrow_mut() = None);
    start_loading(ctx);
}

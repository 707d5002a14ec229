//! Fetching ahead while the page is idle, for large (sharded) indexes: the dictionary shards
//! the next words typed most likely reach, and the papers behind "Show more". Each prefetch
//! waits until no other fetch is running, one file group at a time, so it never competes with
//! what a view is waiting for; none runs when the reader asked the browser to save data or is
//! on a 2G-class link.

use leptos::prelude::WithUntracked;

use crate::engine::index::Manifest;
use crate::viewstate::ViewState;

/// Raw bytes of dictionary shards fetched ahead after start-up: a handful of the heaviest
/// (about 40 KB each; 6 of the 67 shards at 75k papers).
const DICTIONARY_BUDGET: u64 = 256 * 1024;

/// How long the view must stay unchanged before its next page is fetched ahead (typing
/// changes it several times a second).
const SETTLE_MS: i32 = 800;

/// Whether the reader asked to save data, or the link is 2G-class (the Network Information
/// API, where the browser has it; where it does not, prefetching goes ahead).
fn saving_data() -> bool {
    let Some(window) = web_sys::window() else { return true };
    let Ok(connection) = js_sys::Reflect::get(&window.navigator(), &"connection".into()) else { return false };
    if !connection.is_object() {
        return false;
    }
    let field = |name: &str| js_sys::Reflect::get(&connection, &name.into()).ok();
    let save = field("saveData").and_then(|v| v.as_bool()).unwrap_or(false);
    let slow = field("effectiveType").and_then(|v| v.as_string()).is_some_and(|t| t.ends_with("2g"));
    save || slow
}

/// Waits until no fetch has been running for a moment (bounded: at most about 30 s).
async fn quiet() {
    for _ in 0..100 {
        super::pause(300).await;
        if !super::fetching() {
            return;
        }
    }
}

/// After start-up: the dictionary shards owning the most postings, heaviest first, up to
/// [`DICTIONARY_BUDGET`], one at a time while nothing else is fetched.
pub async fn dictionary(manifest: &Manifest) {
    if saving_data() {
        return;
    }
    let mut budget = DICTIONARY_BUDGET;
    for entry in manifest.lexicon_shards_by_weight() {
        if entry.bytes > budget {
            break;
        }
        budget -= entry.bytes;
        quiet().await;
        let missing = super::with_engine(|e| e.index.terms.missing_all().into_iter().any(|m| m.name == entry.name));
        if missing == Some(true) {
            super::fetch_files(vec![entry], false).await;
        }
    }
}

/// Once a view's results are all shown and it has stayed for [`SETTLE_MS`]: the papers of
/// its next page, so "Show more" shows them at once.
pub fn next_page(view: ViewState) {
    if saving_data() {
        return;
    }
    leptos::task::spawn_local(async move {
        super::pause(SETTLE_MS).await;
        let Some(ctx) = super::CTX.get() else { return };
        let unchanged = || ctx.view.try_with_untracked(|v| *v == view) == Some(true);
        if !unchanged() {
            return;
        }
        quiet().await;
        if unchanged() {
            super::fetch_files(super::model::next_page_files(&view), false).await;
        }
    });
}

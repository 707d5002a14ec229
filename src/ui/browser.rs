//! Browser services the app needs beyond the DOM tree: the reading list in `localStorage`
//! (kept in step across tabs by the `storage` event) and file downloads (a `Blob` behind an
//! object URL, so exports need no server).

use wasm_bindgen::JsCast;

use crate::readinglist::{ReadingList, STORAGE_KEY};

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// The saved reading list (empty when storage is unavailable or holds something unreadable).
pub fn load_reading_list() -> ReadingList {
    storage()
        .and_then(|s| s.get_item(STORAGE_KEY).ok().flatten())
        .map(|t| ReadingList::from_storage(&t))
        .unwrap_or_default()
}

/// Saves the reading list; false when the browser refuses (private mode, quota).
pub fn save_reading_list(list: &ReadingList) -> bool {
    storage().is_some_and(|s| s.set_item(STORAGE_KEY, &list.to_storage()).is_ok())
}

/// Offers `text` as a file download named `name`.
pub fn download(name: &str, mime: &str, text: &str) -> bool {
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else { return false };
    let parts = js_sys::Array::of1(&text.into());
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let Ok(blob) = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options) else { return false };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else { return false };
    let clicked = doc
        .create_element("a")
        .ok()
        .and_then(|a| {
            a.set_attribute("href", &url).ok()?;
            a.set_attribute("download", name).ok()?;
            a.dyn_into::<web_sys::HtmlElement>().ok()
        })
        .map(|a| a.click())
        .is_some();
    // Revoked after the click has started the download.
    let _ = leptos::prelude::set_timeout_with_handle(
        move || {
            let _ = web_sys::Url::revoke_object_url(&url);
        },
        std::time::Duration::from_secs(10),
    );
    clicked
}

//! Fetching the index: the manifest first (never from cache, it names the current files), then
//! the files a first search needs, in parallel, with progress; positions and the author facet
//! follow in the background. Every file is checked against the manifest (size, hash) and its
//! own framing before use, so a stale, truncated or tampered file is refused with a message.

use std::collections::HashMap;

use crate::engine::error::FormatError;
use crate::engine::index::manifest::{FileEntry, Manifest};
use crate::engine::index::Index;
use js_sys::Uint8Array;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{RequestCache, RequestInit, Response};

/// Where the index lives, relative to the page's base URL.
pub const INDEX_DIR: &str = "index/";

/// Why the index could not be loaded, worded for the reader of the page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoadError {
    /// No manifest at all.
    Missing(String),
    /// The network failed (offline, server down).
    Network(String),
    /// The server answered with an error status.
    Http {
        /// The file's URL.
        url: String,
        /// The HTTP status.
        status: u16,
    },
    /// A file failed a check.
    Format(String),
}

impl LoadError {
    /// The headline shown on the page.
    pub fn title(&self) -> &'static str {
        match self {
            LoadError::Missing(_) => "No paper index here yet",
            LoadError::Network(_) => "The index could not be reached",
            LoadError::Http { .. } => "The server refused a file of the index",
            LoadError::Format(_) => "The index is damaged or from another version",
        }
    }

    /// What happened and what to do.
    pub fn detail(&self) -> String {
        match self {
            LoadError::Missing(url) => format!(
                "{url} was not found. Build an index next to this page with `papersift build INPUT --out <site>/index`, then reload."
            ),
            LoadError::Network(e) => format!("{e}. Check the connection and retry."),
            LoadError::Http { url, status } => format!("{url} answered HTTP {status}. Retry, or ask the site owner to re-upload the index folder."),
            LoadError::Format(e) => e.clone(),
        }
    }
}

impl From<FormatError> for LoadError {
    fn from(e: FormatError) -> Self {
        LoadError::Format(e.to_string())
    }
}

fn index_url(name: &str) -> String {
    let base =
        web_sys::window().and_then(|w| w.document()).and_then(|d| d.base_uri().ok().flatten()).unwrap_or_default();
    match web_sys::Url::new_with_base(&format!("{INDEX_DIR}{name}"), &base) {
        Ok(u) => u.href(),
        Err(_) => format!("{INDEX_DIR}{name}"),
    }
}

/// Fetches one file's bytes.
pub async fn fetch_bytes(name: &str, fresh: bool) -> Result<Vec<u8>, LoadError> {
    let url = index_url(name);
    let window = web_sys::window().ok_or_else(|| LoadError::Network("no window".into()))?;
    let init = RequestInit::new();
    if fresh {
        init.set_cache(RequestCache::NoCache);
    }
    let response = JsFuture::from(window.fetch_with_str_and_init(&url, &init))
        .await
        .map_err(|e| LoadError::Network(format!("fetching {url} failed ({})", js_error(&e))))?;
    let response: Response = response.dyn_into().map_err(|_| LoadError::Network("not a response".into()))?;
    if response.status() == 404 && name == "manifest.json" {
        return Err(LoadError::Missing(url));
    }
    if !response.ok() {
        return Err(LoadError::Http { url, status: response.status() });
    }
    let buffer = response.array_buffer().map_err(|e| LoadError::Network(js_error(&e)))?;
    let buffer = JsFuture::from(buffer)
        .await
        .map_err(|e| LoadError::Network(format!("reading {url} failed ({})", js_error(&e))))?;
    Ok(Uint8Array::new(&buffer).to_vec())
}

fn js_error(e: &wasm_bindgen::JsValue) -> String {
    e.dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| e.as_string())
        .unwrap_or_else(|| "unknown error".into())
}

/// Loads everything a first search needs; `progress(done, total)` in bytes.
pub async fn load(progress: impl Fn(u64, u64)) -> Result<Index, LoadError> {
    let manifest_bytes = fetch_bytes("manifest.json", true).await?;
    let manifest = Manifest::parse(&manifest_bytes)?;
    let entries: Vec<FileEntry> = Index::startup_files(&manifest);
    let total: u64 = entries.iter().map(|e| e.bytes).sum();
    progress(0, total);
    let done = std::cell::Cell::new(0u64);
    let fetches = entries.iter().map(|e| {
        let (progress, done) = (&progress, &done);
        async move {
            let bytes = fetch_bytes(&e.name, false).await?;
            done.set(done.get() + bytes.len() as u64);
            progress(done.get(), total);
            Ok::<_, LoadError>((e.name.clone(), bytes))
        }
    });
    let mut files: HashMap<String, Vec<u8>> = HashMap::new();
    for r in futures::future::join_all(fetches).await {
        let (name, bytes) = r?;
        files.insert(name, bytes);
    }
    let index = Index::load(&manifest_bytes, |e| {
        files.remove(&e.name).ok_or_else(|| FormatError::MissingFile { file: e.name.clone() })
    })?;
    Ok(index)
}

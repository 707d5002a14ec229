//! The reading list: papers a reader saves, in their order, each with a short note. It lives
//! in the browser (`localStorage`, as versioned JSON) and travels as a link (`list=` holds the
//! ids). Entries keep the title they were saved with, so a list still reads after the index is
//! rebuilt without a paper; ids are the corpus ids, which rebuilds keep. Reading stored or
//! linked data is total: malformed, duplicate or oversized entries are dropped, never a panic.
//! Pure Rust, tested natively.

use serde::{Deserialize, Serialize};

/// Most papers in a list (and in a shared link).
pub const MAX_ENTRIES: usize = 500;
/// Longest note, in characters.
pub const MAX_NOTE_CHARS: usize = 500;
/// Longest id or title kept, in characters.
const MAX_FIELD_CHARS: usize = 1_000;
/// The `localStorage` key.
pub const STORAGE_KEY: &str = "papersift.reading-list";
/// Version of the stored JSON.
const STORAGE_VERSION: u32 = 1;

/// One saved paper.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// The paper's corpus id.
    pub id: String,
    /// Its title when saved (shown when the index no longer has the paper).
    #[serde(default)]
    pub title: String,
    /// The reader's note.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
}

/// The saved papers, in the reader's order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReadingList {
    /// Entries, first to read first.
    pub entries: Vec<Entry>,
}

#[derive(Serialize, Deserialize)]
struct Stored {
    version: u32,
    entries: Vec<serde_json::Value>,
}

/// Keeps printable text, at most `max` characters (line breaks become spaces).
fn clean(text: &str, max: usize) -> String {
    text.chars().map(|c| if c.is_control() { ' ' } else { c }).take(max).collect::<String>().trim().to_string()
}

impl ReadingList {
    /// Whether `id` is saved.
    pub fn contains(&self, id: &str) -> bool {
        self.entries.iter().any(|e| e.id == id)
    }

    /// Number of saved papers.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether nothing is saved.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Saves a paper at the end; false when already saved, invalid or the list is full.
    pub fn add(&mut self, id: &str, title: &str) -> bool {
        let id = clean(id, MAX_FIELD_CHARS);
        if id.is_empty() || self.contains(&id) || self.entries.len() >= MAX_ENTRIES {
            return false;
        }
        self.entries.push(Entry { id, title: clean(title, MAX_FIELD_CHARS), note: String::new() });
        true
    }

    /// Removes a paper; false when it was not saved.
    pub fn remove(&mut self, id: &str) -> bool {
        let before = self.entries.len();
        self.entries.retain(|e| e.id != id);
        self.entries.len() != before
    }

    /// Moves a paper `delta` places (negative: up), stopping at either end; false when it
    /// did not move.
    pub fn move_by(&mut self, id: &str, delta: isize) -> bool {
        let Some(from) = self.entries.iter().position(|e| e.id == id) else { return false };
        let to = from.saturating_add_signed(delta).min(self.entries.len() - 1);
        if to == from {
            return false;
        }
        let entry = self.entries.remove(from);
        self.entries.insert(to, entry);
        true
    }

    /// Sets a paper's note (cut to [`MAX_NOTE_CHARS`]); false when it is not saved.
    pub fn set_note(&mut self, id: &str, note: &str) -> bool {
        match self.entries.iter_mut().find(|e| e.id == id) {
            Some(e) => {
                e.note = clean(note, MAX_NOTE_CHARS);
                true
            }
            None => false,
        }
    }

    /// The list as stored in `localStorage`.
    pub fn to_storage(&self) -> String {
        let stored = Stored {
            version: STORAGE_VERSION,
            entries: self.entries.iter().filter_map(|e| serde_json::to_value(e).ok()).collect(),
        };
        serde_json::to_string(&stored).unwrap_or_default()
    }

    /// Reads a stored list; anything unreadable gives what could be read (possibly nothing).
    pub fn from_storage(text: &str) -> ReadingList {
        let Ok(stored) = serde_json::from_str::<Stored>(text) else { return ReadingList::default() };
        if stored.version != STORAGE_VERSION {
            return ReadingList::default();
        }
        let mut list = ReadingList::default();
        for value in stored.entries {
            let Ok(e) = serde_json::from_value::<Entry>(value) else { continue };
            if list.add(&e.id, &e.title) {
                list.set_note(&e.id, &e.note);
            }
        }
        list
    }

    /// The ids as one link parameter value: comma-separated, with `%` and `,` inside an id
    /// escaped (the link encoder escapes the rest).
    pub fn ids_param(&self) -> String {
        let ids: Vec<String> = self.entries.iter().map(|e| e.id.clone()).collect();
        ids_to_param(&ids)
    }

    /// Reads the ids of a `list=` value (duplicates and empty ids dropped, at most
    /// [`MAX_ENTRIES`]).
    pub fn parse_ids_param(value: &str) -> Vec<String> {
        let mut ids: Vec<String> = Vec::new();
        for raw in value.split(',') {
            let id = clean(&raw.replace("%2C", ",").replace("%2c", ",").replace("%25", "%"), MAX_FIELD_CHARS);
            if !id.is_empty() && !ids.contains(&id) && ids.len() < MAX_ENTRIES {
                ids.push(id);
            }
        }
        ids
    }
}

/// Ids as a `list=` value (see [`ReadingList::ids_param`]).
pub fn ids_to_param(ids: &[String]) -> String {
    ids.iter().map(|id| id.replace('%', "%25").replace(',', "%2C")).collect::<Vec<_>>().join(",")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list(ids: &[&str]) -> ReadingList {
        let mut l = ReadingList::default();
        for id in ids {
            assert!(l.add(id, &format!("Title of {id}")));
        }
        l
    }

    fn ids(l: &ReadingList) -> Vec<&str> {
        l.entries.iter().map(|e| e.id.as_str()).collect()
    }

    #[test]
    fn add_remove_and_reorder() {
        let mut l = list(&["a", "b", "c"]);
        assert!(!l.add("b", "again"), "no duplicates");
        assert!(!l.add("  ", "blank"), "no empty ids");
        assert!(l.move_by("c", -1));
        assert_eq!(ids(&l), ["a", "c", "b"]);
        assert!(l.move_by("a", 5), "moves stop at the end");
        assert_eq!(ids(&l), ["c", "b", "a"]);
        assert!(!l.move_by("c", -1), "already first");
        assert!(!l.move_by("zzz", 1));
        assert!(l.remove("b") && !l.remove("b"));
        assert_eq!(ids(&l), ["c", "a"]);
    }

    #[test]
    fn notes_are_cut_and_single_line() {
        let mut l = list(&["a"]);
        assert!(l.set_note("a", &format!("line one\nline two {}", "x".repeat(2000))));
        assert!(l.entries[0].note.starts_with("line one line two"));
        assert_eq!(l.entries[0].note.chars().count(), MAX_NOTE_CHARS);
        assert!(!l.set_note("missing", "x"));
    }

    #[test]
    fn the_list_is_bounded() {
        let mut l = ReadingList::default();
        for i in 0..MAX_ENTRIES + 10 {
            l.add(&i.to_string(), "");
        }
        assert_eq!(l.len(), MAX_ENTRIES);
    }

    #[test]
    fn storage_round_trips_and_tolerates_damage() {
        let mut l = list(&["2505.00001", "slug-with,comma", "Ünïcode 論文"]);
        l.set_note("2505.00001", "read §3 \"carefully\"");
        assert_eq!(ReadingList::from_storage(&l.to_storage()), l);
        for bad in ["", "null", "{", "[]", "{\"version\":2,\"entries\":[]}", "{\"version\":1,\"entries\":5}"] {
            assert!(ReadingList::from_storage(bad).is_empty(), "{bad}");
        }
        // Bad entries are skipped, good ones kept, duplicates dropped.
        let mixed =
            r#"{"version":1,"entries":[{"id":"a","note":"n"},{"title":"no id"},7,{"id":"a"},{"id":"b","title":"B"}]}"#;
        let read = ReadingList::from_storage(mixed);
        assert_eq!(ids(&read), ["a", "b"]);
        assert_eq!(read.entries[0].note, "n");
    }

    #[test]
    fn link_ids_round_trip_with_separators_in_ids() {
        let l = list(&["2505.00001", "a,b", "100%", "plain"]);
        let value = l.ids_param();
        assert_eq!(value, "2505.00001,a%2Cb,100%25,plain");
        assert_eq!(ReadingList::parse_ids_param(&value), ["2505.00001", "a,b", "100%", "plain"]);
        assert_eq!(ReadingList::parse_ids_param(",,x,,x,"), ["x"]);
        assert!(ReadingList::parse_ids_param(&"y,".repeat(2000)).len() == 1);
        let many: Vec<String> = (0..MAX_ENTRIES + 5).map(|i| i.to_string()).collect();
        assert_eq!(ReadingList::parse_ids_param(&many.join(",")).len(), MAX_ENTRIES);
    }
}

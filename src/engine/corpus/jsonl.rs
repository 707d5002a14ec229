//! Reads one JSON Lines record in the corpus format of `../shared/corpora`:
//! `{"id", "title", "abstract", "authors", "categories", "date", "url"}`, where only `title` and
//! `abstract` are required. Field types are checked one by one so the error says which field
//! is wrong and what it should be.

use serde_json::{Map, Value};

use crate::engine::corpus::RawPaper;
use crate::engine::error::InputProblem;

/// Parses one non-blank line of a `.jsonl` file.
pub fn parse_record(line: &str) -> Result<RawPaper, InputProblem> {
    let value: Value = serde_json::from_str(line).map_err(|e| InputProblem::InvalidJson(e.to_string()))?;
    let Value::Object(obj) = value else {
        return Err(InputProblem::NotAnObject(json_type(&value)));
    };
    let title = match obj.get("title") {
        None | Some(Value::Null) => return Err(InputProblem::EmptyTitle),
        Some(Value::String(s)) => s.clone(),
        Some(_) => return Err(wrong("title", "a string")),
    };
    if title.trim().is_empty() {
        return Err(InputProblem::EmptyTitle);
    }
    let abstract_text = match obj.get("abstract") {
        None | Some(Value::Null) => return Err(InputProblem::MissingAbstract),
        Some(Value::String(s)) => s.clone(),
        Some(_) => return Err(wrong("abstract", "a string")),
    };
    if abstract_text.trim().is_empty() {
        return Err(InputProblem::MissingAbstract);
    }
    let id = match obj.get("id") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) if !s.trim().is_empty() => Some(s.trim().to_string()),
        Some(Value::Number(n)) => Some(n.to_string()),
        Some(_) => return Err(wrong("id", "a non-empty string or a number")),
    };
    let date = match optional_string(&obj, "date")? {
        Some(d) => Some(normalise_date(&d).ok_or(wrong("date", "a date like 2025-03-18"))?),
        None => None,
    };
    Ok(RawPaper {
        id,
        title,
        abstract_text,
        authors: string_list(&obj, "authors", split_authors)?,
        categories: string_list(&obj, "categories", |s| s.split_whitespace().map(str::to_string).collect())?,
        date,
        url: optional_string(&obj, "url")?,
        // Not part of the shared corpus format; written by `papersift export papers` so a
        // converted listing keeps its listing dates.
        listed: optional_string(&obj, "listed")?,
        ..RawPaper::default()
    })
}

fn wrong(field: &'static str, expected: &'static str) -> InputProblem {
    InputProblem::WrongFieldType { field, expected }
}

fn json_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn optional_string(obj: &Map<String, Value>, field: &'static str) -> Result<Option<String>, InputProblem> {
    match obj.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.trim().to_string())),
        Some(_) => Err(wrong(field, "a string")),
    }
}

/// A list of strings, also accepted as one string split by `split`.
fn string_list(
    obj: &Map<String, Value>,
    field: &'static str,
    split: impl Fn(&str) -> Vec<String>,
) -> Result<Vec<String>, InputProblem> {
    match obj.get(field) {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::String(s)) => Ok(split(s)),
        Some(Value::Array(items)) => {
            let mut out = Vec::with_capacity(items.len());
            for item in items {
                match item {
                    Value::String(s) if !s.trim().is_empty() => out.push(s.trim().to_string()),
                    Value::String(_) => {}
                    _ => return Err(wrong(field, "a list of strings")),
                }
            }
            Ok(out)
        }
        Some(_) => Err(wrong(field, "a list of strings")),
    }
}

/// "A, B and C" → ["A", "B", "C"].
fn split_authors(s: &str) -> Vec<String> {
    s.split(',')
        .flat_map(|part| part.split(" and "))
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(str::to_string)
        .collect()
}

/// Accepts `YYYY-MM-DD` (optionally followed by a time) and `YYYY-MM`; returns the date part.
pub fn normalise_date(s: &str) -> Option<String> {
    let s = s.trim();
    let b = s.as_bytes();
    let digits = |r: std::ops::Range<usize>| b.get(r.clone()).is_some_and(|d| d.iter().all(u8::is_ascii_digit));
    if b.len() >= 7 && digits(0..4) && b[4] == b'-' && digits(5..7) {
        let month: u8 = s[5..7].parse().ok()?;
        if !(1..=12).contains(&month) {
            return None;
        }
        if b.len() >= 10 && b[7] == b'-' && digits(8..10) {
            let day: u8 = s[8..10].parse().ok()?;
            if !(1..=31).contains(&day) || (b.len() > 10 && !matches!(b[10], b'T' | b' ')) {
                return None;
            }
            return Some(s[..10].to_string());
        }
        if b.len() == 7 {
            return Some(s.to_string());
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_record() {
        let p = parse_record(r#"{"id":"2505.1","title":"T","abstract":"A.","authors":["X Y","Z"],"categories":["cs.CL","cs.AI"],"date":"2025-05-01","url":"https://arxiv.org/abs/2505.1"}"#).unwrap();
        assert_eq!(p.id.as_deref(), Some("2505.1"));
        assert_eq!(p.authors, vec!["X Y", "Z"]);
        assert_eq!(p.categories, vec!["cs.CL", "cs.AI"]);
        assert_eq!(p.date.as_deref(), Some("2025-05-01"));
    }

    #[test]
    fn minimal_record_and_lenient_forms() {
        let p = parse_record(r#"{"title":"T","abstract":"A","authors":"A B, C D and E F","id":42}"#).unwrap();
        assert_eq!(p.id.as_deref(), Some("42"));
        assert_eq!(p.authors, vec!["A B", "C D", "E F"]);
    }

    #[test]
    fn problems_are_specific() {
        assert_eq!(parse_record(r#"{"title":" ","abstract":"A"}"#), Err(InputProblem::EmptyTitle));
        assert_eq!(parse_record(r#"{"title":"T"}"#), Err(InputProblem::MissingAbstract));
        assert_eq!(parse_record(r#"{"title":"T","abstract":""}"#), Err(InputProblem::MissingAbstract));
        assert_eq!(parse_record("[1,2]"), Err(InputProblem::NotAnObject("an array")));
        assert!(matches!(parse_record("{not json"), Err(InputProblem::InvalidJson(_))));
        assert_eq!(
            parse_record(r#"{"title":"T","abstract":"A","authors":[1]}"#),
            Err(InputProblem::WrongFieldType { field: "authors", expected: "a list of strings" })
        );
        assert_eq!(
            parse_record(r#"{"title":"T","abstract":"A","date":"yesterday"}"#),
            Err(InputProblem::WrongFieldType { field: "date", expected: "a date like 2025-03-18" })
        );
    }

    #[test]
    fn dates() {
        assert_eq!(normalise_date("2025-03-18T10:00:00Z").as_deref(), Some("2025-03-18"));
        assert_eq!(normalise_date("2025-03").as_deref(), Some("2025-03"));
        assert_eq!(normalise_date("2025-13-01"), None);
        assert_eq!(normalise_date("2025-03-18x"), None);
        assert_eq!(normalise_date("Mar 14"), None);
    }
}

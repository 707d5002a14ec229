//! Unicode folding natively: every case of `tests/unicode_cases.json` (the same file
//! `tests/wasm.rs` checks in the browser, where the browser's `String.normalize` does the work).

use papersift::engine::corpus::slugify;
use papersift::engine::text::normalize;

#[test]
fn unicode_cases_fold_as_listed() {
    let cases: serde_json::Value = serde_json::from_str(include_str!("unicode_cases.json")).unwrap();
    let mut failures = Vec::new();
    for case in cases["words"].as_array().unwrap() {
        let (input, want) = (case["input"].as_str().unwrap(), case["normalized"].as_str().unwrap());
        if normalize(input) != want {
            failures.push(format!("normalize({input:?}) = {:?}, want {want:?} ({})", normalize(input), case["why"]));
        }
    }
    for case in cases["slugs"].as_array().unwrap() {
        let (input, want) = (case["input"].as_str().unwrap(), case["slug"].as_str().unwrap());
        if slugify(input) != want {
            failures.push(format!("slugify({input:?}) = {:?}, want {want:?} ({})", slugify(input), case["why"]));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

//! Bad input never panics: every problem is reported with the file, the line and what to fix,
//! and `--skip-invalid` builds from what is valid while listing what it skipped.

mod common;

use std::process::Command;

use papersift::engine::corpus::{read_inputs, ReadOptions};
use papersift::engine::error::{Error, InputProblem};

const GOOD: &str = r#"{"id":"ok-1","title":"A fine paper","abstract":"It has an abstract."}"#;

/// Reads one file and returns the located problems (path:line, problem).
fn problems(name: &str, bytes: &[u8]) -> Vec<(String, Option<usize>, InputProblem)> {
    let dir = common::temp_dir(&format!("bad-{}", name.replace('.', "-")));
    let path = common::write_file(&dir, name, bytes);
    match read_inputs(&[path], ReadOptions::default(), &mut |_, _| {}) {
        Err(Error::Inputs(errors)) => {
            errors.into_iter().map(|e| (e.path.rsplit('/').next().unwrap().to_string(), e.line, e.problem)).collect()
        }
        Err(other) => panic!("expected input errors, got {other}"),
        Ok(c) => panic!("expected errors, read {} papers", c.papers.len()),
    }
}

#[test]
fn empty_title_is_located() {
    let input = format!("{GOOD}\n{{\"title\":\"  \",\"abstract\":\"x\"}}\n");
    assert_eq!(problems("t.jsonl", input.as_bytes()), vec![("t.jsonl".into(), Some(2), InputProblem::EmptyTitle)]);
}

#[test]
fn missing_abstract_in_jsonl_and_in_a_listing() {
    let input = format!("{GOOD}\n\n{{\"title\":\"No abstract here\"}}\n");
    assert_eq!(problems("m.jsonl", input.as_bytes()), vec![("m.jsonl".into(), Some(3), InputProblem::MissingAbstract)]);
    let listing = "Mar 14\n\nA Title\n\nAn abstract that is long enough to be one.\n\nOrphan Title\n";
    assert_eq!(problems("m.txt", listing.as_bytes()), vec![("m.txt".into(), Some(7), InputProblem::MissingAbstract)]);
}

#[test]
fn invalid_json_is_located_with_the_parser_message() {
    let input = format!("{GOOD}\n{{\"title\": \"broken\", \n");
    let got = problems("j.jsonl", input.as_bytes());
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].1, Some(2));
    assert!(matches!(&got[0].2, InputProblem::InvalidJson(m) if m.contains("EOF")), "{:?}", got[0].2);
}

#[test]
fn invalid_utf8_is_located() {
    let mut input = format!("{GOOD}\n").into_bytes();
    input.extend_from_slice(b"{\"title\":\"caf\xe9\",\"abstract\":\"latin-1 bytes\"}\n");
    assert_eq!(problems("u.jsonl", &input), vec![("u.jsonl".into(), Some(2), InputProblem::InvalidUtf8 { byte: 13 })]);
}

#[test]
fn a_50_mb_single_line_is_refused_without_reading_it_into_memory() {
    let mut input = format!("{GOOD}\n").into_bytes();
    input.extend(std::iter::repeat_n(b'x', 50 << 20));
    input.extend_from_slice(format!("\n{GOOD}\n").as_bytes());
    let got = problems("big.jsonl", &input);
    assert_eq!(got, vec![("big.jsonl".into(), Some(2), InputProblem::LineTooLong { limit: 1 << 20 })]);
    let got = problems("big.txt", &input);
    assert_eq!(got[0].1, Some(2));
    assert_eq!(got[0].2, InputProblem::LineTooLong { limit: 1 << 20 });
}

#[test]
fn empty_files_are_reported() {
    assert_eq!(problems("e.jsonl", b""), vec![("e.jsonl".into(), Some(1), InputProblem::EmptyFile)]);
    assert_eq!(problems("e.txt", b"\n\n   \n"), vec![("e.txt".into(), Some(1), InputProblem::EmptyFile)]);
}

#[test]
fn wrong_field_types_name_the_field() {
    let input = r#"{"title":"T","abstract":"A","categories":{"a":1}}"#;
    assert_eq!(
        problems("f.jsonl", input.as_bytes()),
        vec![(
            "f.jsonl".into(),
            Some(1),
            InputProblem::WrongFieldType { field: "categories", expected: "a list of strings" }
        )]
    );
}

fn papersift(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_papersift")).args(args).output().expect("run papersift")
}

#[test]
fn cli_stops_with_located_errors_and_skip_invalid_reports_them() {
    let dir = common::temp_dir("cli-bad");
    let second = GOOD.replace("ok-1", "ok-2");
    let input = format!("{GOOD}\n{{\"title\":\"\",\"abstract\":\"x\"}}\nnot json\n{second}\n");
    let path = common::write_file(&dir, "mixed.jsonl", input.as_bytes());
    let out_dir = dir.join("index");
    let path_s = path.to_str().unwrap();
    let out_s = out_dir.to_str().unwrap();

    let out = papersift(&["build", path_s, "--out", out_s, "-q"]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("mixed.jsonl:2: empty title"), "{stderr}");
    assert!(stderr.contains("mixed.jsonl:3: invalid JSON"), "{stderr}");
    assert!(stderr.contains("--skip-invalid"), "the message says how to go on: {stderr}");
    assert!(!out_dir.join("manifest.json").exists(), "no index is written on error");

    let out = papersift(&["build", path_s, "--out", out_s, "-q", "--skip-invalid"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("2 papers"), "{stdout}");
    assert!(stdout.contains("skipped 2 invalid record(s)"), "{stdout}");
    assert!(stdout.contains("mixed.jsonl:2: empty title"), "{stdout}");
}

#[test]
fn cli_reports_missing_inputs_and_indexes_clearly() {
    let out = papersift(&["build", "/nonexistent/papers.jsonl", "--out", "/tmp/never", "-q"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("/nonexistent/papers.jsonl"));
    let out = papersift(&["search", "/nonexistent-index", "x"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("papersift build"), "says how to make an index");
}

//! The command line from the outside: build, search (text and JSON), stats, export, and that an
//! exported listing converts back into the same papers.

mod common;

use std::process::Command;

fn papersift(args: &[&str]) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_papersift")).args(args).current_dir(common::root()).output().unwrap();
    (out.status.success(), String::from_utf8_lossy(&out.stdout).into(), String::from_utf8_lossy(&out.stderr).into())
}

#[test]
fn build_search_stats_export_round_trip() {
    let dir = common::temp_dir("cli-seed");
    let index = dir.join("index");
    let index_s = index.to_str().unwrap();
    // No INPUT: the bundled seeds.
    let (ok, out, err) = papersift(&["build", "--out", index_s, "-q"]);
    assert!(ok, "{err}");
    assert!(out.contains("82 papers"), "{out}");
    for role in ["terms", "postings", "docs", "facets", "total", "time"] {
        assert!(out.contains(role), "the summary lists {role}: {out}");
    }

    let (ok, out, _) = papersift(&["search", index_s, "sub-1-bit compression", "--json", "--limit", "3"]);
    assert!(ok);
    let hits: Vec<serde_json::Value> = serde_json::from_str(&out).unwrap();
    assert_eq!(hits[0]["title"], "QMoE: Practical Sub-1-Bit Compression of Trillion-Parameter Models");
    assert!(hits.iter().all(|h| h["id"].is_string() && h["score"].is_number()));
    assert!(hits.windows(2).all(|w| w[0]["score"].as_f64() >= w[1]["score"].as_f64()), "best first");

    let (ok, out, _) = papersift(&["search", index_s, "-quantization quantized"]);
    assert!(ok, "a leading - is a query, not an option");
    assert!(out.contains("result(s)"));

    let (ok, out, _) = papersift(&["stats", index_s]);
    assert!(ok);
    assert!(out.contains("papers 82"), "{out}");
    let (ok, out, _) = papersift(&["stats", index_s, "--json"]);
    assert!(ok);
    let manifest: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(manifest["papers"], 82);

    // Export, rebuild from the export, and get the same papers back.
    let exported = dir.join("seed.jsonl");
    let (ok, _, err) = papersift(&["export", "papers", index_s, "--out", exported.to_str().unwrap()]);
    assert!(ok, "{err}");
    let first: serde_json::Value =
        serde_json::from_str(std::fs::read_to_string(&exported).unwrap().lines().next().unwrap()).unwrap();
    assert!(first["id"].is_string() && first["title"].is_string() && first["abstract"].is_string());
    let original = common::read(&[common::seed_dir()]);
    let again = common::read(&[exported]);
    assert_eq!(original.papers, again.papers);
}

/// An index built before the topic model was split into files (one `topics` file) still
/// exports exactly what the build that wrote it exported (stored beside it), and a fresh
/// build of the same papers, which writes the split files, exports the same again.
#[test]
fn a_whole_topics_file_of_an_older_build_exports_as_before() {
    let fixture = "tests/fixtures/index-v1-topics";
    let rebuilt = common::temp_dir("cli-topics-rebuilt");
    let rebuilt_s = rebuilt.to_str().unwrap();
    let corpus = common::temp_dir("cli-topics-corpus").join("papers.jsonl");
    let (ok, _, err) = papersift(&["export", "papers", fixture, "--out", corpus.to_str().unwrap()]);
    assert!(ok, "{err}");
    let (ok, _, err) = papersift(&["build", corpus.to_str().unwrap(), "--out", rebuilt_s, "-q"]);
    assert!(ok, "{err}");
    let manifest = std::fs::read_to_string(rebuilt.join("manifest.json")).unwrap();
    assert!(manifest.contains("\"topic-summary\"") && !manifest.contains("\"role\": \"topics\""), "{manifest}");
    for what in ["graph", "related"] {
        let expected = std::fs::read_to_string(common::root().join(fixture).join(format!("expected-{what}.json")));
        let expected = expected.unwrap();
        for dir in [fixture, rebuilt_s] {
            let (ok, out, err) = papersift(&["export", what, dir]);
            assert!(ok, "{err}");
            assert_eq!(out, expected, "export {what} of {dir}");
        }
    }
}

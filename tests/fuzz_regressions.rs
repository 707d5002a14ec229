//! Every input a fuzz target once crashed on, kept in `tests/fuzz-regressions/<target>/`,
//! replayed through the very function that target runs (`fuzz/fuzz_targets/targets.rs`), so a
//! fixed crash stays fixed without nightly or libFuzzer.

#[path = "../fuzz/fuzz_targets/targets.rs"]
mod targets;

use std::path::Path;

fn replay(target: &str, run: fn(&[u8])) -> usize {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz-regressions").join(target);
    let Ok(entries) = std::fs::read_dir(&dir) else { return 0 };
    let mut n = 0;
    for entry in entries {
        let path = entry.expect("a readable folder").path();
        let data = std::fs::read(&path).expect("a readable crasher");
        let outcome = std::panic::catch_unwind(|| run(&data));
        assert!(outcome.is_ok(), "{} crashes again", path.display());
        n += 1;
    }
    n
}

#[test]
fn fixed_crashes_stay_fixed() {
    let total = replay("listing", targets::run_listing)
        + replay("jsonl", targets::run_jsonl)
        + replay("index", targets::run_index)
        + replay("query", targets::run_query)
        + replay("url", targets::run_url);
    assert!(total >= 2, "the kept crashers were not found ({total})");
}

#[test]
fn targets_accept_their_seed_inputs() {
    // The targets themselves work on ordinary input: the real seed listing, a corpus line, a
    // query and a link (a broken helper would make every fuzz run vacuous).
    let seed = std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds/000_20ba33cf11c61712.txt")).unwrap();
    targets::run_listing(&seed[..4000]);
    targets::run_jsonl(
        br#"{"id":"x1","title":"Sub-1-bit quantization","abstract":"We quantize <script>alert(1)</script> weights."}"#,
    );
    targets::run_query(b"\x03\"scaling laws\" -pinn quanti*");
    targets::run_url(b"q=lora&cat=cs.LG&view=map&vp=0.5,0.5,2&n=40");
    targets::run_index(&[0x80]);
}

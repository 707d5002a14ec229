//! The bundled seed listing, read end to end: the parse a researcher relies on.

mod common;

use papersift::engine::corpus::LinkKind;

#[test]
fn all_82_papers_with_clean_titles_links_and_date() {
    let corpus = common::read(&[common::seed_dir()]);
    assert_eq!(corpus.papers.len(), 82, "the seed lists 82 papers");
    assert!(corpus.skipped.is_empty() && corpus.warnings.is_empty());

    let titles: Vec<&str> = corpus.papers.iter().map(|p| p.title.as_str()).collect();
    assert_eq!(titles[0], "Single Image BRDF Parameter Estimation with a Conditional Adversarial Network");
    assert!(
        titles.contains(&"Trans-LoRA: towards data-free Transferable Parameter Efficient Finetuning"),
        "LaTeX removed from the title"
    );
    assert!(titles.contains(&"QMoE: Practical Sub-1-Bit Compression of Trillion-Parameter Models"));
    assert_eq!(titles[81], "GradSign: Model Performance Inference with Theoretical Insights");
    assert!(titles.iter().all(|t| !t.contains('$') && !t.contains('\\')));

    // Every paper carries the listing's date, in the original order.
    assert!(corpus.papers.iter().all(|p| p.listed.as_deref() == Some("Mar 14")));

    // Ids are slugs, unique, and URL-safe.
    let mut ids: Vec<&str> = corpus.papers.iter().map(|p| p.id.as_str()).collect();
    assert!(ids.iter().all(|id| id.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')));
    let trans = corpus.papers.iter().find(|p| p.title.starts_with("Trans-LoRA")).unwrap();
    assert_eq!(trans.id, "trans-lora-towards-data-free-transferable-parameter-efficient-finetuning");
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), 82);
}

#[test]
fn links_are_repaired_and_classified() {
    let corpus = common::read(&[common::seed_dir()]);
    let links: Vec<(&str, LinkKind)> =
        corpus.papers.iter().flat_map(|p| p.links.iter().map(|l| (l.url.as_str(), l.kind))).collect();

    let eq = corpus.papers.iter().find(|p| p.title.starts_with("EQ-Net")).unwrap();
    assert_eq!(eq.links.len(), 1);
    assert_eq!(eq.links[0].url, "https://github.com/xuke225/EQ-Net");
    assert_eq!(eq.links[0].kind, LinkKind::Code);
    assert!(!eq.abstract_text.contains('{'), "markup debris is gone from the abstract");

    assert!(links.contains(&("https://github.com/NREL/pinnstripes", LinkKind::Code)));
    assert!(
        links.contains(&("https://huggingface.co/datasets/davidbrandfonbrener/color-filtered-c4", LinkKind::Dataset))
    );
    assert!(links.contains(&(
        "https://huggingface.co/collections/McGill-DMaS/dmas-llama-lite-6761d97ba903f82341954ceb",
        LinkKind::Model
    )));
    assert!(links.contains(&("https://kartik-3004.github.io/PETALface/", LinkKind::Page)));
    assert!(links.contains(&("https://github.com/McGill-DMaS/DMaS-LLaMa-Lite-Training-Code", LinkKind::Code)));
    // No link keeps trailing punctuation or brackets.
    for (url, _) in &links {
        assert!(!url.ends_with(['.', ')', ',', '}']), "{url}");
    }
    assert_eq!(links.len(), 21, "every link in the seed (21) is found once");
}

#[test]
fn inline_math_stays_readable() {
    let corpus = common::read(&[common::seed_dir()]);
    let annealing = corpus.papers.iter().find(|p| p.title == "Scaling Law with Learning Rate Annealing").unwrap();
    assert!(annealing.abstract_text.contains("L(s) = L_0 + Acdot S_1^-alpha"), "{}", &annealing.abstract_text[..300]);
    assert!(!annealing.abstract_text.contains('$'));
}

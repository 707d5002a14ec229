//! A topic model fitted on a sample of a streamed corpus, with every paper then placed in it
//! (`engine::topics::compute_streaming` past `TopicOptions::fit_sample`): papers outside the
//! sample land with their subject's papers, related papers come from the same topic, the
//! result does not depend on threads, the scratch files are gone afterwards, and a corpus
//! within the sample gets exactly the model of every paper.

mod common;

use papersift::engine::corpus::Paper;
use papersift::engine::topics::{compute, compute_streaming, TopicModel, TopicOptions};

/// Papers on `subjects` subjects, `per_subject` each, interleaved (paper `i` is on subject
/// `i % subjects`): each draws its words from its subject's 40 and a few shared ones, so a
/// good model puts every subject in a topic of its own.
fn corpus(subjects: usize, per_subject: usize) -> Vec<Paper> {
    let shared = ["method", "results", "approach", "data", "study", "model", "analysis", "paper"];
    let mut state = 0x2545_F491_4F6C_DD1Du64;
    let mut next = move |n: usize| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % n as u64) as usize
    };
    (0..subjects * per_subject)
        .map(|i| {
            let s = i % subjects;
            let word = |w: usize| {
                format!("{}{}", ["alpha", "beta", "gamma", "delta"][s], ["x", "y", "z", "w", "v"][w % 5])
                    + &"q".repeat(w / 5 + 1)
            };
            let mut words: Vec<String> = (0..30).map(|_| word(next(40))).collect();
            words.extend((0..6).map(|_| shared[next(shared.len())].to_string()));
            let title = format!("{} {} {}", word(next(40)), word(next(40)), word(next(40)));
            common::paper(&format!("p{i}"), &title, &(words.join(" ") + "."))
        })
        .collect()
}

fn streamed(papers: &[Paper], options: &TopicOptions, scratch: &std::path::Path) -> TopicModel {
    compute_streaming(papers.iter().cloned(), options, Some(scratch), || true).unwrap().unwrap()
}

/// The topic most papers of subject `s` have, and the share that have it.
fn majority(model: &TopicModel, subjects: usize, s: usize) -> (u32, f64) {
    let topics: Vec<u32> = model.papers.iter().skip(s).step_by(subjects).map(|p| p.topic).collect();
    let mut counts = std::collections::BTreeMap::new();
    topics.iter().for_each(|&t| *counts.entry(t).or_insert(0usize) += 1);
    let (&t, &c) = counts.iter().max_by_key(|&(&t, &c)| (c, std::cmp::Reverse(t))).unwrap();
    (t, c as f64 / topics.len() as f64)
}

#[test]
fn papers_outside_the_sample_join_their_subjects_topic_and_related_papers_share_it() {
    let (subjects, per_subject) = (3, 120);
    let papers = corpus(subjects, per_subject);
    let options = TopicOptions { topics: Some(3), related: 5, threads: 2, fit_sample: 90, ..TopicOptions::default() };
    let scratch = common::temp_dir("topic-sample").join("scratch");
    let model = streamed(&papers, &options, &scratch);
    assert!(!scratch.exists(), "the scratch folder is removed once the model is made");
    assert_eq!(model.papers.len(), papers.len(), "every paper is placed, not only the sample");

    // Three papers in four are outside the sample: each subject still has a topic of its own.
    let majorities: Vec<(u32, f64)> = (0..subjects).map(|s| majority(&model, subjects, s)).collect();
    for (s, &(_, share)) in majorities.iter().enumerate() {
        assert!(share >= 0.95, "subject {s}: only {share:.2} of its papers share its topic");
    }
    let mut distinct: Vec<u32> = majorities.iter().map(|m| m.0).collect();
    distinct.sort_unstable();
    distinct.dedup();
    assert_eq!(distinct.len(), subjects, "each subject its own topic: {majorities:?}");

    // Sizes count every paper.
    let top = model.top_count();
    let sizes: u32 = model.topics[..top].iter().map(|t| t.size).sum();
    assert_eq!(sizes as usize, papers.len());
    for (t, topic) in model.topics.iter().enumerate().take(top) {
        let members = model.papers.iter().filter(|p| p.topic == t as u32).count();
        assert_eq!(topic.size as usize, members, "topic {t}'s size");
    }

    // Related papers: never the paper itself, of its topic, best first, and on its subject.
    let mut on_subject = 0;
    let mut total = 0;
    for (d, p) in model.papers.iter().enumerate() {
        assert!(!p.related.is_empty() && p.related.len() <= 5, "paper {d}: {:?}", p.related);
        assert!(p.related.windows(2).all(|w| w[0].1 >= w[1].1), "paper {d}: best first");
        for &(o, _) in &p.related {
            assert_ne!(o as usize, d);
            assert_eq!(model.papers[o as usize].topic, p.topic, "paper {d}'s related paper {o}");
            on_subject += usize::from(o as usize % subjects == d % subjects);
            total += 1;
        }
        assert_eq!(p.memberships.first().map(|m| m.0), Some(p.topic), "paper {d}: its topic first");
        assert!(p.keyphrases.iter().all(|&k| (k as usize) < model.phrases.len()), "paper {d}'s keyphrases");
    }
    assert!(on_subject as f64 >= 0.95 * total as f64, "{on_subject} of {total} related papers on the subject");

    // Deterministic, and the same on one thread.
    assert_eq!(model, streamed(&papers, &options, &scratch));
    assert_eq!(model, streamed(&papers, &TopicOptions { threads: 1, ..options.clone() }, &scratch));
}

#[test]
fn subtopics_of_papers_outside_the_sample_belong_to_their_topic() {
    // Two subjects, each large enough in the sample (about 240 papers) to get subtopics.
    let papers = corpus(2, 400);
    let options = TopicOptions { topics: Some(2), threads: 2, fit_sample: 480, ..TopicOptions::default() };
    let model = streamed(&papers, &options, &common::temp_dir("topic-sample-sub").join("scratch"));
    let top = model.top_count();
    assert!(model.topics.len() > top, "the sample's topics have subtopics");
    for (d, p) in model.papers.iter().enumerate() {
        let sub = p.subtopic.unwrap_or_else(|| panic!("paper {d} has no subtopic"));
        assert_eq!(model.topics[sub as usize].parent, Some(p.topic), "paper {d}'s subtopic is in its topic");
    }
    for t in top..model.topics.len() {
        let members = model.papers.iter().filter(|p| p.subtopic == Some(t as u32)).count();
        assert_eq!(model.topics[t].size as usize, members, "subtopic {t}'s size counts every paper");
    }
    for s in 0..2 {
        assert!(majority(&model, 2, s).1 >= 0.95, "subject {s} in one topic");
    }
}

#[test]
fn a_corpus_within_the_sample_gets_the_model_of_every_paper() {
    let papers = corpus(3, 40);
    let options = TopicOptions { topics: Some(3), threads: 2, fit_sample: papers.len(), ..TopicOptions::default() };
    let scratch = common::temp_dir("topic-sample-none").join("scratch");
    assert_eq!(streamed(&papers, &options, &scratch), compute(&papers, &options));
    assert!(!scratch.exists(), "nothing is spilled");
}

/// Through a streamed build: a corpus past the sample gets a topic for every paper in its
/// index, and the topic scratch files are gone afterwards, whether the build ends well or its
/// input fails halfway.
#[test]
fn a_streamed_build_past_the_sample_leaves_no_scratch_files() {
    use papersift::engine::index::build::{build_streaming_into, SpillOptions};
    use papersift::engine::index::{BuildOptions, Index};
    let papers = corpus(3, 60);
    let root = common::temp_dir("topic-sample-build");
    let scratch = root.join("spill");
    let options = BuildOptions {
        topics: Some(TopicOptions { topics: Some(3), fit_sample: 50, ..TopicOptions::default() }),
        spill: Some(SpillOptions { dir: scratch.clone(), budget: 1 << 20 }),
        ..BuildOptions::default()
    };
    let out = root.join("index");
    build_streaming_into(&out, &options, |add| {
        papers.iter().cloned().for_each(add);
        Ok::<(), String>(())
    })
    .unwrap()
    .unwrap();
    let index = Index::open_dir(&out).unwrap();
    let model = index.topic_model().unwrap();
    assert_eq!(model.papers.len(), papers.len());
    assert!(majority(&model, 3, 0).1 >= 0.95);
    let left: Vec<_> = std::fs::read_dir(&root).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(left, vec![std::ffi::OsString::from("index")], "only the index is left");

    let failed = build_streaming_into(&root.join("other"), &options, |add| {
        papers.iter().take(120).cloned().for_each(add);
        Err("input.jsonl:121: not JSON".to_string())
    })
    .unwrap();
    assert!(failed.is_err());
    let mut left: Vec<_> = std::fs::read_dir(&root).unwrap().map(|e| e.unwrap().file_name()).collect();
    left.sort();
    assert_eq!(left, vec![std::ffi::OsString::from("index"), "other".into()], "no scratch after a failed build");
}

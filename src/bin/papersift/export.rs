//! `papersift export topics|related|graph`: the topic model as JSON, in the formats outside
//! scorers read (`../shared/bench/topics/score.py`: `{"paper id": topic}` and
//! `{"paper id": ["id", …]}`), papers in index order.

use std::io::Write;
use std::path::Path;

use anyhow::{bail, Context, Result};
use papersift::engine::index::Index;
use papersift::engine::topics::TopicModel;
use serde_json::{json, Value};

fn model(index: &Index) -> Result<TopicModel> {
    if !index.has_topics() {
        bail!("this index has no topics: rebuild it without --no-topics");
    }
    // (Every topic file is attached by `Index::open_dir`.)
    index.topic_model().context("the index's topic files are incomplete")
}

fn sink(out: Option<&Path>) -> Result<Box<dyn Write>> {
    Ok(match out {
        Some(p) => Box::new(std::io::BufWriter::new(
            std::fs::File::create(p).with_context(|| format!("creating {}", p.display()))?,
        )),
        None => Box::new(std::io::BufWriter::new(std::io::stdout().lock())),
    })
}

/// Writes an object of (key, value) pairs in the given order, one pair per line.
fn write_object(out: Option<&Path>, pairs: impl Iterator<Item = (String, Value)>) -> Result<()> {
    let mut w = sink(out)?;
    w.write_all(b"{")?;
    for (i, (k, v)) in pairs.enumerate() {
        w.write_all(if i == 0 { b"\n" } else { b",\n" })?;
        serde_json::to_writer(&mut w, &k)?;
        w.write_all(b": ")?;
        serde_json::to_writer(&mut w, &v)?;
    }
    w.write_all(b"\n}\n")?;
    w.flush()?;
    Ok(())
}

fn ids(index: &Index) -> Result<Vec<String>> {
    (0..index.len()).map(|d| Ok(index.docs.get(d)?.id)).collect()
}

/// `{"paper id": topic id}`: the primary top topic, or with `fine` the subtopic where one exists.
pub fn topics(index: &Index, fine: bool, out: Option<&Path>) -> Result<()> {
    let m = model(index)?;
    let ids = ids(index)?;
    write_object(
        out,
        ids.into_iter()
            .zip(&m.papers)
            .map(|(id, p)| (id, json!(if fine { p.subtopic.unwrap_or(p.topic) } else { p.topic }))),
    )
}

/// `{"paper id": ["related id", …]}`, best first.
pub fn related(index: &Index, out: Option<&Path>) -> Result<()> {
    let m = model(index)?;
    let ids = ids(index)?;
    write_object(
        out,
        ids.iter().zip(&m.papers).map(|(id, p)| {
            (id.clone(), json!(p.related.iter().map(|&(d, _)| ids[d as usize].as_str()).collect::<Vec<_>>()))
        }),
    )
}

/// Topics (with labels, keyphrases, sizes and map discs), edges and paper positions.
pub fn graph(index: &Index, out: Option<&Path>) -> Result<()> {
    let m = model(index)?;
    let ids = ids(index)?;
    let phrase = |p: &u32| m.phrases.get(*p as usize).cloned().unwrap_or_default();
    let coord = |v: u16| f64::from(v) / 65535.0;
    let topics: Vec<Value> = m
        .topics
        .iter()
        .enumerate()
        .map(|(i, t)| {
            json!({
                "id": i, "parent": t.parent, "label": m.label(i as u32),
                "labels": t.label.iter().map(phrase).collect::<Vec<_>>(),
                "keyphrases": t.keyphrases.iter().map(phrase).collect::<Vec<_>>(),
                "size": t.size, "x": coord(t.x), "y": coord(t.y), "radius": coord(t.radius),
            })
        })
        .collect();
    let edges: Vec<Value> = m
        .edges
        .iter()
        .map(|e| {
            json!({
                "source": e.a, "target": e.b, "weight": f64::from(e.weight) / 255.0,
                "shared_papers": e.shared_papers,
                "shared_phrases": e.shared_phrases.iter().map(phrase).collect::<Vec<_>>(),
            })
        })
        .collect();
    let papers: Vec<Value> = ids
        .iter()
        .zip(&m.papers)
        .map(|(id, p)| {
            json!({
                "id": id, "topic": p.topic, "subtopic": p.subtopic,
                "memberships": p.memberships.iter().map(|&(t, s)| json!([t, f64::from(s) / 255.0])).collect::<Vec<_>>(),
                "keyphrases": p.keyphrases.iter().map(phrase).collect::<Vec<_>>(),
                "x": coord(p.x), "y": coord(p.y),
            })
        })
        .collect();
    let trends = m.trends.as_ref().map(|t| {
        json!({
            "period": if t.weekly { "week" } else { "month" },
            "periods": t.periods.iter().map(|&d| papersift::viewstate::format_date(d)).collect::<Vec<_>>(),
            "recent_from": papersift::viewstate::format_date(t.periods[t.recent_from]),
            "totals": t.totals,
            "topics": t.counts,
            "rising": t.rising.iter().map(|&(k, r, b)| json!({ "phrase": phrase(&k), "recent": r, "before": b })).collect::<Vec<_>>(),
        })
    });
    let mut w = sink(out)?;
    serde_json::to_writer(&mut w, &json!({ "topics": topics, "edges": edges, "papers": papers, "trends": trends }))?;
    w.write_all(b"\n")?;
    w.flush()?;
    Ok(())
}

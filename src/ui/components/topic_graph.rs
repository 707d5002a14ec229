//! The topic graph (SVG): top topics as discs at their build-time positions, sized by papers
//! and shaded by how many match the current query and filters (non-matching topics dimmed),
//! edges weighted by shared papers and keyphrases. Zoom and pan with the wheel, a drag or the
//! buttons; subtopics appear inside their topic from 2× and their labels from 3×. Clicking a
//! topic (or Enter on it) filters the results below to it, in the URL.

use leptos::prelude::*;

use super::topic_chip::topic_view;
use crate::ui::model::ResultsModel;
use crate::ui::pan_zoom::{PanZoom, ZoomButtons};
use crate::ui::{with_engine, Ctx};

/// A node as drawn.
#[derive(Debug, Clone, PartialEq)]
struct Node {
    id: u32,
    sub: bool,
    label: String,
    size: u32,
    x: f64,
    y: f64,
    r: f64,
}

/// An edge as drawn: from (x, y), to (x, y), weight 0–1, papers strongly in both.
type EdgeLine = (f64, f64, f64, f64, f64, u32);

/// Nodes and edges of the model (positions in map units).
fn graph() -> (Vec<Node>, Vec<EdgeLine>) {
    with_engine(|e| {
        let Some(m) = e.index.topics.as_ref() else { return (Vec::new(), Vec::new()) };
        let unit = |v: u16| f64::from(v) / 65535.0;
        let nodes: Vec<Node> = m
            .topics
            .iter()
            .enumerate()
            .map(|(i, t)| Node {
                id: i as u32,
                sub: t.parent.is_some(),
                label: m.label(i as u32),
                size: t.size,
                x: unit(t.x),
                y: unit(t.y),
                r: unit(t.radius),
            })
            .collect();
        let edges = m
            .edges
            .iter()
            .filter_map(|ed| {
                let (a, b) = (nodes.get(ed.a as usize)?, nodes.get(ed.b as usize)?);
                Some((a.x, a.y, b.x, b.y, f64::from(ed.weight) / 255.0, ed.shared_papers))
            })
            .collect();
        (nodes, edges)
    })
    .unwrap_or_default()
}

/// The graph with its zoom buttons.
#[component]
pub fn TopicGraph(
    /// The current results (their topic counts shade the nodes).
    results: Memo<ResultsModel>,
) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let pz = PanZoom::new(ctx);
    let data = Memo::new(move |_| {
        ctx.extras.track();
        graph()
    });
    let svg = NodeRef::<leptos::svg::Svg>::new();
    let fraction = move |x: f64, y: f64| -> Option<(f64, f64, f64)> {
        let el = svg.get_untracked()?;
        let r = el.get_bounding_client_rect();
        Some(((x - r.left()) / r.width().max(1.0), (y - r.top()) / r.height().max(1.0), r.width()))
    };
    let on_wheel = move |ev: leptos::ev::WheelEvent| {
        ev.prevent_default();
        if let Some((fx, fy, _)) = fraction(f64::from(ev.client_x()), f64::from(ev.client_y())) {
            pz.zoom_at(ctx, (-ev.delta_y() / 300.0).exp(), fx, fy);
        }
    };
    let open_topic = move |t: u32| {
        let mut next = topic_view(&ctx, t);
        next.view = ctx.view.get_untracked().view;
        next.viewport = ctx.view.get_untracked().viewport;
        ctx.navigate(next);
    };
    let view_box = move || {
        let (left, top, side) = PanZoom::window(pz.live.get());
        format!("{left:.5} {top:.5} {side:.5} {side:.5}")
    };
    let zoom = move || pz.live.get().scale();
    let matches = move |id: u32| results.with(|r| r.facets.topics.iter().find(|(t, _)| *t == id).map_or(0, |c| c.1));
    let selected = move |id: u32| ctx.view.with(|v| v.filters.topics.contains(&id));
    view! {
        <section class="graph-view" aria-label="Topic graph">
            <p class="view-help">"Topics of the collection, sized by papers; shaded by papers matching your search. Click a topic to list its papers; scroll or drag to explore."</p>
            <svg
                node_ref=svg
                class="topic-graph"
                role="group"
                aria-label="Topic graph"
                viewBox=view_box
                preserveAspectRatio="xMidYMid meet"
                on:wheel=on_wheel
                on:pointerdown=move |ev| {
                    pz.start_drag(f64::from(ev.client_x()), f64::from(ev.client_y()));
                }
                on:pointermove=move |ev| {
                    if pz.dragging() {
                        if let Some((_, _, w)) = fraction(0.0, 0.0) {
                            pz.drag_to(f64::from(ev.client_x()), f64::from(ev.client_y()), w);
                        }
                    }
                }
                on:pointerup=move |_| {
                    pz.end_drag(ctx);
                }
                on:pointerleave=move |_| {
                    pz.end_drag(ctx);
                }
            >
                <g class="edges">
                    {move || {
                        let z = zoom();
                        data.with(|(_, edges)| {
                            edges
                                .iter()
                                .map(|&(x1, y1, x2, y2, w, shared)| {
                                    view! {
                                        <line x1=x1 y1=y1 x2=x2 y2=y2 stroke-width=(0.5 + 3.0 * w) / 400.0 / z>
                                            <title>{format!("{shared} papers strongly in both")}</title>
                                        </line>
                                    }
                                })
                                .collect_view()
                        })
                    }}
                </g>
                <g class="nodes">
                    {move || {
                        let z = zoom();
                        let any_query = results.with(|r| !r.empty_query) || ctx.view.with(|v| !v.filters.is_empty());
                        data.with(|(nodes, _)| {
                            nodes
                                .iter()
                                .filter(|n| !n.sub || z >= 2.0)
                                .map(|n| {
                                    let id = n.id;
                                    let m = matches(id);
                                    let share = if any_query { f64::from(m) / f64::from(n.size.max(1)) } else { 1.0 };
                                    let class = format!(
                                        "node{}{}{}",
                                        if n.sub { " sub" } else { "" },
                                        if any_query && m == 0 { " dim" } else { "" },
                                        if selected(id) { " selected" } else { "" }
                                    );
                                    // The matching share fills the disc from the centre.
                                    let inner = n.r * share.sqrt();
                                    let show_label = !n.sub || z >= 3.0;
                                    let font = if n.sub { 0.014 } else { 0.02 } / z;
                                    let aria = format!("{}: {} papers, {} matching", n.label, n.size, m);
                                    let tip = aria.clone();
                                    let label_lines = short_label(&n.label);
                                    view! {
                                        <g
                                            class=class
                                            role="button"
                                            tabindex="0"
                                            aria-label=aria
                                            on:click=move |_| open_topic(id)
                                            on:keydown=move |ev: leptos::ev::KeyboardEvent| {
                                                if ev.key() == "Enter" || ev.key() == " " {
                                                    ev.prevent_default();
                                                    open_topic(id);
                                                }
                                            }
                                        >
                                            <title>{tip}</title>
                                            <circle class="disc" cx=n.x cy=n.y r=n.r/>
                                            <circle class="match" cx=n.x cy=n.y r=inner/>
                                            {show_label.then(|| view! {
                                                <text x=n.x y=n.y font-size=font text-anchor="middle">
                                                    {label_lines.into_iter().enumerate().map(|(i, l)| view! {
                                                        <tspan x=n.x dy=if i == 0 { 0.0 } else { font * 1.15 }>{l}</tspan>
                                                    }).collect_view()}
                                                </text>
                                            })}
                                        </g>
                                    }
                                })
                                .collect_view()
                        })
                    }}
                </g>
            </svg>
            <ZoomButtons pz=pz/>
        </section>
    }
}

/// A label cut into at most two short lines for the disc ("scaling laws · learning rate" →
/// ["scaling laws", "learning rate"]).
fn short_label(label: &str) -> Vec<String> {
    label
        .split(" · ")
        .take(2)
        .map(|s| {
            if s.chars().count() > 28 {
                format!("{}…", s.chars().take(27).collect::<String>())
            } else {
                s.to_string()
            }
        })
        .collect()
}

//! The topic graph and the paper map, drawn on one canvas from the build-time layout.
//!
//! Topic graph: each top topic a disc sized by its papers, filled from the centre by the share
//! matching the current query and filters (topics without matches greyed), edges weighted by
//! shared papers and keyphrases; subtopics appear inside their topic from 2×, their labels
//! from 3×. A click on a topic filters the results to it (in the URL).
//!
//! Paper map: every paper a dot, coloured by topic; matches on top, the rest faded. Pixels
//! are written into one buffer and put once, so a frame is one pass over the papers at any
//! zoom: at low zoom dots merge into topic-coloured areas (the aggregate view), zoomed in only
//! visible ones are touched. A click opens the paper under the pointer.
//!
//! Both: the wheel, a drag or the buttons zoom and pan; hover names what is under the
//! pointer; frame times go to `window.__papersiftMapFrames` for the benchmarks, and the papers
//! each frame placed to `window.__papersiftMapDots` for the tests. Canvas rather
//! than SVG: one drawing routine instead of a DOM node per shape keeps the wasm bundle small
//! and 75k papers smooth. Keyboard users filter by topic in the filter panel.

use leptos::prelude::*;
use wasm_bindgen::{Clamped, JsCast};

use super::perf;
use super::result_item::paper_view;
use super::topic_chip::topic_view;
use crate::engine::search::FacetCounts;
use crate::ui::model::ResultsModel;
use crate::ui::pan_zoom::{PanZoom, ZoomButtons};
use crate::ui::{with_engine, Ctx};
use crate::viewstate::View;

/// A topic as drawn (map units).
#[derive(Debug, Clone, PartialEq)]
struct Disc {
    x: f64,
    y: f64,
    r: f64,
    /// The top topic it refines, for subtopics.
    parent: Option<u32>,
    label: String,
    size: u32,
}

/// What the canvas draws, prepared once per index.
#[derive(Debug, Clone, PartialEq, Default)]
struct MapData {
    /// Per paper: x, y (map units × 65535) and top topic.
    points: Vec<(u16, u16, u32)>,
    /// Topics, top topics first.
    discs: Vec<Disc>,
    /// Graph edges: (topic, topic, weight 0–1).
    edges: Vec<(u32, u32, f64)>,
}

/// What to draw in `mode`: the paper map needs every paper's position (its own file, fetched
/// when first drawn), the graph only the topic summary.
fn map_data(mode: View) -> MapData {
    with_engine(|e| {
        let points = if mode == View::Map {
            let points = e.index.paper_map().map(|map| {
                map.iter().zip(&e.index.topic_columns).map(|(&(x, y), &(t, _))| (x, y, t)).collect::<Vec<_>>()
            });
            // A sharded index fetches the map (and the summary) now; this recomputes then.
            crate::ui::want_files(e.index.take_missing());
            match points {
                Some(p) => p,
                None => return MapData::default(),
            }
        } else {
            e.index.want_topics();
            crate::ui::want_files(e.index.take_missing());
            Vec::new()
        };
        let Some(m) = e.index.topics.as_ref() else { return MapData::default() };
        let unit = |v: u16| f64::from(v) / 65535.0;
        MapData {
            points,
            discs: m
                .topics
                .iter()
                .enumerate()
                .map(|(i, t)| Disc {
                    x: unit(t.x),
                    y: unit(t.y),
                    r: unit(t.radius),
                    parent: t.parent,
                    label: m.label(i as u32),
                    size: t.size,
                })
                .collect(),
            edges: m.edges.iter().map(|e| (e.a, e.b, f64::from(e.weight) / 255.0)).collect(),
        }
    })
    .unwrap_or_default()
}

/// The topic under a map point: the innermost visible disc containing it.
fn disc_at(data: &MapData, mx: f64, my: f64, zoom: f64) -> Option<u32> {
    let mut best: Option<(f64, u32)> = None;
    for (i, d) in data.discs.iter().enumerate() {
        if d.parent.is_some() && zoom < 2.0 {
            continue;
        }
        let dist = ((d.x - mx).powi(2) + (d.y - my).powi(2)).sqrt();
        if dist <= d.r && best.is_none_or(|b| d.r < b.0) {
            best = Some((d.r, i as u32));
        }
    }
    best.map(|b| b.1)
}

/// A topic's colour: hues spread by the golden angle so neighbours differ.
fn topic_colour(t: u32, dark: bool) -> [u8; 3] {
    let hue = (t as f64 * 137.508) % 360.0;
    let (s, l) = if dark { (0.65, 0.62) } else { (0.6, 0.45) };
    hsl(hue, s, l)
}

fn hsl(h: f64, s: f64, l: f64) -> [u8; 3] {
    let c = (1.0 - (2.0 * l - 1.0).abs()) * s;
    let hp = h / 60.0;
    let x = c * (1.0 - (hp % 2.0 - 1.0).abs());
    let (r, g, b) = match hp as u32 {
        0 => (c, x, 0.0),
        1 => (x, c, 0.0),
        2 => (0.0, c, x),
        3 => (0.0, x, c),
        4 => (x, 0.0, c),
        _ => (c, 0.0, x),
    };
    let m = l - c / 2.0;
    [((r + m) * 255.0) as u8, ((g + m) * 255.0) as u8, ((b + m) * 255.0) as u8]
}

fn is_dark() -> bool {
    web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
        .and_then(|e| e.get_attribute("data-theme"))
        .is_some_and(|t| t == "dark")
}

/// What a frame shows besides the layout.
struct Frame<'a> {
    mode: View,
    /// Papers matching the view (`None`: all, or not needed).
    mask: Option<&'a [bool]>,
    /// Whether a query or filter narrows the view.
    filtering: bool,
    /// Matching papers per topic (top topics and subtopics).
    counts: &'a [(u32, u32)],
    /// Topics selected in the filters.
    selected: &'a [u32],
}

/// Draws one frame; returns its duration in milliseconds.
fn draw(
    canvas: &web_sys::HtmlCanvasElement,
    data: &MapData,
    frame: &Frame,
    vp: crate::viewstate::Viewport,
) -> Option<f64> {
    let mask = frame.mask;
    let perf = web_sys::window()?.performance()?;
    let started = perf.now();
    let ratio = web_sys::window()?.device_pixel_ratio().max(1.0);
    let css_w = f64::from(canvas.client_width()).max(1.0);
    let (w, h) = ((css_w * ratio) as u32, (css_w * ratio) as u32);
    if canvas.width() != w || canvas.height() != h {
        canvas.set_width(w);
        canvas.set_height(h);
    }
    let ctx2d: web_sys::CanvasRenderingContext2d = canvas.get_context("2d").ok()??.dyn_into().ok()?;
    let dark = is_dark();
    let bg: [u8; 3] = if dark { [0x1b, 0x1d, 0x22] } else { [0xff, 0xff, 0xff] };
    let faded: [u8; 3] = if dark { [0x3a, 0x3d, 0x45] } else { [0xd9, 0xdb, 0xe0] };
    let (left, top, side) = PanZoom::window(vp);
    let scale = f64::from(w) / side;
    // Integer formatting only (float formatting would grow the wasm bundle).
    let rgb = |c: [u8; 3], a: f64| {
        let a = (a.clamp(0.0, 1.0) * 100.0).round() as u32;
        format!("rgba({},{},{},{}.{:02})", c[0], c[1], c[2], a / 100, a % 100)
    };
    if frame.mode == View::Topics {
        ctx2d.set_fill_style_str(&rgb(bg, 1.0));
        ctx2d.fill_rect(0.0, 0.0, f64::from(w), f64::from(h));
        let to_screen = |x: f64, y: f64| ((x - left) * scale, (y - top) * scale);
        ctx2d.set_stroke_style_str(&rgb(faded, 1.0));
        for &(a, b, weight) in &data.edges {
            let (Some(da), Some(db)) = (data.discs.get(a as usize), data.discs.get(b as usize)) else { continue };
            let ((x1, y1), (x2, y2)) = (to_screen(da.x, da.y), to_screen(db.x, db.y));
            ctx2d.set_line_width((1.0 + 5.0 * weight) * ratio);
            ctx2d.begin_path();
            ctx2d.move_to(x1, y1);
            ctx2d.line_to(x2, y2);
            ctx2d.stroke();
        }
        let filtering = frame.filtering;
        for (i, d) in data.discs.iter().enumerate() {
            if d.parent.is_some() && vp.scale() < 2.0 {
                continue;
            }
            let id = i as u32;
            let (sx, sy) = to_screen(d.x, d.y);
            let r = d.r * scale;
            if sx + r < 0.0 || sy + r < 0.0 || sx - r > f64::from(w) || sy - r > f64::from(h) {
                continue;
            }
            let matched = frame.counts.iter().find(|c| c.0 == id).map_or(0, |c| c.1);
            let colour = topic_colour(d.parent.unwrap_or(id), dark);
            let base = if filtering && matched == 0 { faded } else { colour };
            ctx2d.begin_path();
            let _ = ctx2d.arc(sx, sy, r, 0.0, std::f64::consts::TAU);
            ctx2d.set_fill_style_str(&rgb(base, if d.parent.is_some() { 0.18 } else { 0.28 }));
            ctx2d.fill();
            // The share of the topic's papers that match fills it from the centre.
            let share = if filtering { f64::from(matched) / f64::from(d.size.max(1)) } else { 1.0 };
            if share > 0.0 && d.parent.is_none() {
                ctx2d.begin_path();
                let _ = ctx2d.arc(sx, sy, r * share.sqrt(), 0.0, std::f64::consts::TAU);
                ctx2d.set_fill_style_str(&rgb(colour, 0.75));
                ctx2d.fill();
            }
            if frame.selected.contains(&id) {
                ctx2d.set_line_width(3.0 * ratio);
                ctx2d.set_stroke_style_str(&rgb(colour, 1.0));
                ctx2d.begin_path();
                let _ = ctx2d.arc(sx, sy, r, 0.0, std::f64::consts::TAU);
                ctx2d.stroke();
            }
        }
    } else {
        let mut buf = vec![0u8; (w * h * 4) as usize];
        for px in buf.chunks_exact_mut(4) {
            px.copy_from_slice(&[bg[0], bg[1], bg[2], 255]);
        }
        plot(&mut buf, w, h, data, mask, dark, faded, (left, top, scale), ratio, vp.scale());
        let image = web_sys::ImageData::new_with_u8_clamped_array_and_sh(Clamped(&buf), w, h).ok()?;
        ctx2d.put_image_data(&image, 0.0, 0.0).ok()?;
    }
    // Labels: top topics always, subtopics once zoomed in.
    let text = if dark { "#e8e8ea" } else { "#1d1f24" };
    let halo = if dark { "rgba(27,29,34,0.85)" } else { "rgba(255,255,255,0.85)" };
    ctx2d.set_text_align("center");
    ctx2d.set_line_width(3.0 * ratio);
    ctx2d.set_stroke_style_str(halo);
    ctx2d.set_fill_style_str(text);
    let sub_from = if frame.mode == View::Topics { 3.0 } else { 2.5 };
    for d in &data.discs {
        let sub = d.parent.is_some();
        if sub && vp.scale() < sub_from {
            continue;
        }
        let (sx, sy) = ((d.x - left) * scale, (d.y - top) * scale);
        if sx < 0.0 || sy < 0.0 || sx > f64::from(w) || sy > f64::from(h) {
            continue;
        }
        let size = ((if sub { 11.0 } else { 13.0 }) * ratio).round() as u32;
        ctx2d.set_font(&format!("{}{size}px system-ui, sans-serif", if sub { "" } else { "600 " }));
        let lines: Vec<&str> =
            d.label.split(" · ").take(if frame.mode == View::Topics && !sub { 2 } else { 1 }).collect();
        for (i, line) in lines.iter().enumerate() {
            let y = sy + (i as f64) * f64::from(size) * 1.2;
            let _ = ctx2d.stroke_text(line, sx, y);
            let _ = ctx2d.fill_text(line, sx, y);
        }
    }
    Some(perf.now() - started)
}

/// Writes the paper dots into an RGBA buffer (`at` = left, top, pixels per map unit).
#[allow(clippy::too_many_arguments)]
fn plot(
    buf: &mut [u8],
    w: u32,
    h: u32,
    data: &MapData,
    mask: Option<&[bool]>,
    dark: bool,
    faded: [u8; 3],
    at: (f64, f64, f64),
    ratio: f64,
    zoom: f64,
) {
    let (left, top, scale) = at;
    // Dots sized by density (a few pixels on a small listing, one on 75k papers), growing
    // as the view zooms in.
    let density = (0.1 * f64::from(w) / ratio / (data.points.len().max(1) as f64).sqrt()).max(1.2);
    let dot = (density * (1.0 + zoom.log2() * 0.6) * ratio).round().clamp(1.0, 8.0) as i64;
    let mut palette: Vec<[u8; 3]> = Vec::new();
    let mut put = |x: u16, y: u16, colour: [u8; 3]| {
        let sx = ((f64::from(x) / 65535.0 - left) * scale) as i64;
        let sy = ((f64::from(y) / 65535.0 - top) * scale) as i64;
        if sx < -dot || sy < -dot || sx >= i64::from(w) || sy >= i64::from(h) {
            return;
        }
        for dy in 0..dot {
            let yy = sy + dy;
            if yy < 0 || yy >= i64::from(h) {
                continue;
            }
            for dx in 0..dot {
                let xx = sx + dx;
                if xx < 0 || xx >= i64::from(w) {
                    continue;
                }
                let i = ((yy as u32 * w + xx as u32) * 4) as usize;
                buf[i..i + 3].copy_from_slice(&colour);
            }
        }
    };
    // Faded papers first, so matches are never hidden under them.
    if let Some(mask) = mask {
        for (i, &(x, y, _)) in data.points.iter().enumerate() {
            if !mask.get(i).copied().unwrap_or(false) {
                put(x, y, faded);
            }
        }
    }
    for (i, &(x, y, t)) in data.points.iter().enumerate() {
        if mask.is_none_or(|m| m.get(i).copied().unwrap_or(false)) {
            while palette.len() <= t as usize {
                palette.push(topic_colour(palette.len() as u32, dark));
            }
            put(x, y, palette[t as usize]);
        }
    }
}

/// The topic graph or the paper map, with zoom buttons and a hover card.
#[component]
pub fn PaperMap(
    /// The current results (topic counts shade the graph).
    results: Memo<ResultsModel>,
    /// Facet counts over them (topic counts shade the graph).
    facets: ReadSignal<FacetCounts>,
    /// Which of the two to draw.
    mode: View,
) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let pz = PanZoom::new(ctx);
    let data = Memo::new(move |_| {
        ctx.extras.track();
        map_data(mode)
    });
    // The paper map marks every matching paper (the search's own set; the previous one
    // while a sharded index fetches what a new word needs); the graph only needs the counts.
    let mask = Memo::new(move |prev: Option<&Option<Vec<bool>>>| {
        if mode != View::Map {
            return None;
        }
        let everything = ctx.view.with(|v| v.q.trim().is_empty() && v.filters.is_empty());
        results.with(|r| {
            if r.fetching_index {
                return prev.cloned().flatten();
            }
            if everything {
                return None;
            }
            let n = with_engine(|e| e.index.len() as usize).unwrap_or(0);
            let mut mask = vec![false; n];
            for &d in r.matching.iter() {
                if let Some(m) = mask.get_mut(d as usize) {
                    *m = true;
                }
            }
            Some(mask)
        })
    });
    let canvas = NodeRef::<leptos::html::Canvas>::new();
    let hover: RwSignal<Option<(f64, f64, String)>> = RwSignal::new(None);
    // Redraw on any change, at most once per animation frame.
    let pending = StoredValue::new(false);
    let schedule = move || {
        if pending.get_value() {
            return;
        }
        pending.set_value(true);
        request_animation_frame(move || {
            // The view may have closed since the frame was asked for.
            if pending.try_set_value(false).is_some() {
                return;
            }
            let Some(c) = canvas.try_get_untracked().flatten() else { return };
            let Some(vp) = pz.live.try_get_untracked() else { return };
            let (filtering, selected) = ctx
                .view
                .with_untracked(|v| (!v.q.trim().is_empty() || !v.filters.is_empty(), v.filters.topics.clone()));
            let ms = data.try_with_untracked(|d| {
                mask.try_with_untracked(|m| {
                    facets.try_with_untracked(|f| {
                        let frame =
                            Frame { mode, mask: m.as_deref(), filtering, counts: &f.topics, selected: &selected };
                        draw(&c, d, &frame, vp).map(|ms| (ms, d.points.len()))
                    })
                })
            });
            if let Some((ms, dots)) = ms.flatten().flatten().flatten() {
                perf::push("__papersiftMapFrames", ms);
                perf::push("__papersiftMapDots", dots as f64);
            }
        });
    };
    Effect::new(move |_| {
        pz.live.track();
        data.track();
        mask.track();
        facets.track();
        canvas.track();
        schedule();
    });
    let resize = window_event_listener(leptos::ev::resize, move |_| schedule());
    on_cleanup(move || resize.remove());
    // Map coordinates of a pointer position (client coordinates), and a few pixels' reach.
    let map_point = move |x: f64, y: f64| -> Option<(f64, f64, f64)> {
        let c = canvas.get_untracked()?;
        let r = c.get_bounding_client_rect();
        let (fx, fy) = ((x - r.left()) / r.width().max(1.0), (y - r.top()) / r.height().max(1.0));
        let (left, top, side) = PanZoom::window(pz.live.get_untracked());
        Some((left + fx * side, top + fy * side, 6.0 / r.width().max(1.0) * side))
    };
    let paper_at = move |x: f64, y: f64| -> Option<u32> {
        let (mx, my, reach) = map_point(x, y)?;
        data.with_untracked(|d| {
            mask.with_untracked(|m| {
                let mut best: Option<(f64, u32)> = None;
                for (i, &(px, py, _)) in d.points.iter().enumerate() {
                    if m.as_ref().is_some_and(|m| !m.get(i).copied().unwrap_or(false)) {
                        continue;
                    }
                    let (dx, dy) = (f64::from(px) / 65535.0 - mx, f64::from(py) / 65535.0 - my);
                    let dist = dx * dx + dy * dy;
                    if dist <= reach * reach && best.is_none_or(|b| dist < b.0) {
                        best = Some((dist, i as u32));
                    }
                }
                best.map(|b| b.1)
            })
        })
    };
    let topic_at = move |x: f64, y: f64| -> Option<u32> {
        let (mx, my, _) = map_point(x, y)?;
        data.with_untracked(|d| disc_at(d, mx, my, pz.live.get_untracked().scale()))
    };
    // (A paper whose chunk of the document store is not fetched yet has no title until it
    // arrives; it is asked for, and the next pointer move shows it.)
    let title_of = |doc: u32| {
        with_engine(|e| {
            e.index.docs.get(doc).ok().map(|p| (p.id, p.title)).or_else(|| {
                crate::ui::want_docs([doc]);
                None
            })
        })
        .flatten()
    };
    let describe_topic = move |t: u32| {
        data.with_untracked(|d| d.discs.get(t as usize).map(|disc| (disc.label.clone(), disc.size))).map(
            |(label, size)| {
                let matched = facets.with_untracked(|f| f.topics.iter().find(|c| c.0 == t).map_or(0, |c| c.1));
                format!("{label} — {size} papers, {matched} matching")
            },
        )
    };
    let on_wheel = move |ev: leptos::ev::WheelEvent| {
        ev.prevent_default();
        let Some(c) = canvas.get_untracked() else { return };
        let r = c.get_bounding_client_rect();
        let (fx, fy) = (
            (f64::from(ev.client_x()) - r.left()) / r.width().max(1.0),
            (f64::from(ev.client_y()) - r.top()) / r.height().max(1.0),
        );
        pz.zoom_at(ctx, (-ev.delta_y() / 300.0).exp(), fx, fy);
    };
    let (label, help) = match mode {
        View::Topics => (
            "Topic graph",
            "Topics of the collection, sized by papers and filled by those matching your search; lines join related topics. Click a topic to list its papers; scroll or drag to explore.",
        ),
        _ => ("Paper map", "Every paper, placed by topic; papers matching your search are coloured. Hover to see a title, click to open it; scroll or drag to explore."),
    };
    view! {
        <section class="map-view" aria-label=label>
            <p class="view-help">{help}</p>
            <div class="map-frame">
                <canvas
                    node_ref=canvas
                    class="paper-map"
                    role="img"
                    aria-label=label
                    on:wheel=on_wheel
                    on:pointerdown=move |ev| pz.start_drag(f64::from(ev.client_x()), f64::from(ev.client_y()))
                    on:pointermove=move |ev| {
                        let (x, y) = (f64::from(ev.client_x()), f64::from(ev.client_y()));
                        if pz.dragging() {
                            if let Some(c) = canvas.get_untracked() {
                                pz.drag_to(x, y, c.get_bounding_client_rect().width());
                            }
                            return;
                        }
                        let under = if mode == View::Topics {
                            topic_at(x, y).and_then(describe_topic)
                        } else {
                            paper_at(x, y).and_then(title_of).map(|(_, t)| t)
                        };
                        let card = under.map(|t| {
                            let r = canvas.get_untracked().map(|c| c.get_bounding_client_rect());
                            let (ox, oy) = r.map_or((0.0, 0.0), |r| (r.left(), r.top()));
                            (x - ox, y - oy, t)
                        });
                        hover.set(card);
                    }
                    on:pointerleave=move |_| {
                        pz.end_drag(ctx);
                        hover.set(None);
                    }
                    on:pointerup=move |ev| {
                        let moved = pz.end_drag(ctx);
                        if moved {
                            return;
                        }
                        let (x, y) = (f64::from(ev.client_x()), f64::from(ev.client_y()));
                        if mode == View::Topics {
                            if let Some(t) = topic_at(x, y) {
                                let mut next = topic_view(&ctx, t);
                                next.view = View::Topics;
                                next.viewport = ctx.view.get_untracked().viewport;
                                ctx.navigate(next);
                            }
                        } else if let Some((id, _)) = paper_at(x, y).and_then(title_of) {
                            ctx.navigate(paper_view(&ctx, &id));
                        }
                    }
                ></canvas>
                {move || hover.get().map(|(x, y, t)| view! {
                    <div class="map-card" style:left=format!("{}px", (x + 12.0) as i32) style:top=format!("{}px", (y + 12.0) as i32)>{t}</div>
                })}
            </div>
            <ZoomButtons pz=pz/>
        </section>
    }
}

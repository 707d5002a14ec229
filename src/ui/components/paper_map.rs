//! The paper map (canvas): every paper a dot at its build-time position, coloured by topic;
//! papers matching the query and filters drawn on top, the rest faded. Drawing writes pixels
//! into one buffer and puts it once, so a frame costs one pass over the papers whatever the
//! zoom: at low zoom dots merge into topic-coloured areas (the aggregate view), and when zoomed
//! only the visible ones are touched. Topic labels on top; subtopic labels from 2.5×. Hover
//! names a paper, a click opens it, the wheel and a drag zoom and pan.

use leptos::prelude::*;
use wasm_bindgen::{Clamped, JsCast};

use super::perf;
use super::result_item::paper_view;
use crate::engine::search::Request;
use crate::ui::pan_zoom::{PanZoom, ZoomButtons};
use crate::ui::{with_engine, Ctx};

/// What the map draws, prepared once per index and per query.
#[derive(Debug, Clone, PartialEq, Default)]
struct MapData {
    /// Per paper: x, y (map units × 65535) and top topic.
    points: Vec<(u16, u16, u32)>,
    /// Topic labels: (x, y, label, is subtopic).
    labels: Vec<(f64, f64, String, bool)>,
}

fn map_data() -> MapData {
    with_engine(|e| {
        let Some(m) = e.index.topics.as_ref() else { return MapData::default() };
        let unit = |v: u16| f64::from(v) / 65535.0;
        MapData {
            points: m.papers.iter().map(|p| (p.x, p.y, p.topic)).collect(),
            labels: m
                .topics
                .iter()
                .enumerate()
                .map(|(i, t)| {
                    (
                        unit(t.x),
                        unit(t.y),
                        m.label(i as u32).split(" · ").next().unwrap_or("").to_string(),
                        t.parent.is_some(),
                    )
                })
                .collect(),
        }
    })
    .unwrap_or_default()
}

/// Papers matching the view's query and filters (`None`: all of them).
fn matching(view: &crate::viewstate::ViewState) -> Option<Vec<bool>> {
    if view.q.trim().is_empty() && view.filters.is_empty() {
        return None;
    }
    with_engine(|e| {
        let mut req = Request::new(&view.q);
        req.filters = view.filters.clone();
        req.limit = e.index.len() as usize;
        req.facets = false;
        let r = e.search(&req);
        let mut mask = vec![false; e.index.len() as usize];
        for h in r.hits {
            if let Some(m) = mask.get_mut(h.doc as usize) {
                *m = true;
            }
        }
        mask
    })
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

/// Draws one frame; returns its duration in milliseconds.
fn draw(
    canvas: &web_sys::HtmlCanvasElement,
    data: &MapData,
    mask: Option<&[bool]>,
    vp: crate::viewstate::Viewport,
) -> Option<f64> {
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
    let mut buf = vec![0u8; (w * h * 4) as usize];
    for px in buf.chunks_exact_mut(4) {
        px.copy_from_slice(&[bg[0], bg[1], bg[2], 255]);
    }
    let (left, top, side) = PanZoom::window(vp);
    let scale = f64::from(w) / side;
    let dot = ((1.2 + vp.scale().log2() * 0.8) * ratio).round().clamp(1.0, 6.0) as i64;
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
    let image = web_sys::ImageData::new_with_u8_clamped_array_and_sh(Clamped(&buf), w, h).ok()?;
    ctx2d.put_image_data(&image, 0.0, 0.0).ok()?;
    // Labels: top topics always, subtopics once zoomed in.
    let text = if dark { "#e8e8ea" } else { "#1d1f24" };
    let halo = if dark { "rgba(27,29,34,0.85)" } else { "rgba(255,255,255,0.85)" };
    ctx2d.set_text_align("center");
    ctx2d.set_line_width(3.0 * ratio);
    ctx2d.set_stroke_style_str(halo);
    ctx2d.set_fill_style_str(text);
    for (x, y, label, sub) in &data.labels {
        if *sub && vp.scale() < 2.5 {
            continue;
        }
        let (sx, sy) = ((x - left) * scale, (y - top) * scale);
        if sx < 0.0 || sy < 0.0 || sx > f64::from(w) || sy > f64::from(h) {
            continue;
        }
        let size = if *sub { 11.0 } else { 13.0 } * ratio;
        ctx2d.set_font(&format!("{}{size}px system-ui, sans-serif", if *sub { "" } else { "600 " }));
        let _ = ctx2d.stroke_text(label, sx, sy);
        let _ = ctx2d.fill_text(label, sx, sy);
    }
    Some(perf.now() - started)
}

/// The map with its zoom buttons and a hover card.
#[component]
pub fn PaperMap() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let pz = PanZoom::new(ctx);
    let data = Memo::new(move |_| {
        ctx.extras.track();
        map_data()
    });
    let mask = Memo::new(move |_| {
        ctx.extras.track();
        ctx.view.with(|v| {
            let mut v = v.without_notes();
            v.paper = None;
            matching(&v)
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
            pending.set_value(false);
            let Some(c) = canvas.get_untracked() else { return };
            let vp = pz.live.get_untracked();
            let ms = data.with_untracked(|d| mask.with_untracked(|m| draw(&c, d, m.as_deref(), vp)));
            if let Some(ms) = ms {
                perf::push("__papersiftMapFrames", ms);
            }
        });
    };
    Effect::new(move |_| {
        pz.live.track();
        data.track();
        mask.track();
        canvas.track();
        schedule();
    });
    let _ = window_event_listener(leptos::ev::resize, move |_| schedule());
    // The paper under a pointer position (client coordinates), within a few pixels.
    let paper_at = move |x: f64, y: f64| -> Option<u32> {
        let c = canvas.get_untracked()?;
        let r = c.get_bounding_client_rect();
        let (fx, fy) = ((x - r.left()) / r.width().max(1.0), (y - r.top()) / r.height().max(1.0));
        let (left, top, side) = PanZoom::window(pz.live.get_untracked());
        let (mx, my) = (left + fx * side, top + fy * side);
        let reach = 6.0 / r.width().max(1.0) * side;
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
    let title_of = |doc: u32| with_engine(|e| e.index.docs.get(doc).ok().map(|p| (p.id, p.title))).flatten();
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
    view! {
        <section class="map-view" aria-label="Paper map">
            <p class="view-help">"Every paper, placed by topic; papers matching your search are coloured. Hover to see a title, click to open it; scroll or drag to explore."</p>
            <div class="map-frame">
                <canvas
                    node_ref=canvas
                    class="paper-map"
                    role="img"
                    aria-label="Map of papers by topic"
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
                        let card = paper_at(x, y).and_then(title_of).map(|(_, t)| {
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
                        if !moved {
                            if let Some((id, _)) = paper_at(f64::from(ev.client_x()), f64::from(ev.client_y())).and_then(title_of) {
                                ctx.navigate(paper_view(&ctx, &id));
                            }
                        }
                    }
                ></canvas>
                {move || hover.get().map(|(x, y, t)| view! {
                    <div class="map-card" style=format!("left:{:.0}px;top:{:.0}px", x + 12.0, y + 12.0)>{t}</div>
                })}
            </div>
            <ZoomButtons pz=pz/>
        </section>
    }
}

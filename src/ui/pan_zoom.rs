//! Zoom and pan shared by the topic graph and the paper map: a live viewport signal that
//! follows the pointer and the wheel every frame, written to the address (without a history
//! step) once a gesture ends, so the URL always names what is on screen without flooding
//! history. Map units are 0–1 on both axes; the element shows a square of side 1/zoom.

use leptos::prelude::*;

use crate::ui::Ctx;
use crate::viewstate::Viewport;

/// Live viewport state for one view.
#[derive(Clone, Copy)]
pub struct PanZoom {
    /// What is on screen now (follows gestures).
    pub live: RwSignal<Viewport>,
    drag: StoredValue<Option<(f64, f64, Viewport)>>,
    moved: StoredValue<bool>,
    commit_timer: StoredValue<Option<TimeoutHandle>>,
}

impl PanZoom {
    /// Starts from the view's viewport and follows it when the view changes (back/forward).
    pub fn new(ctx: Ctx) -> PanZoom {
        let live = RwSignal::new(ctx.view.with_untracked(|v| v.viewport.unwrap_or_default()));
        Effect::new(move |_| {
            let vp = ctx.view.with(|v| v.viewport.unwrap_or_default());
            if live.get_untracked() != vp {
                live.set(vp);
            }
        });
        PanZoom {
            live,
            drag: StoredValue::new(None),
            moved: StoredValue::new(false),
            commit_timer: StoredValue::new(None),
        }
    }

    /// The square of map units on screen: (left, top, side).
    pub fn window(vp: Viewport) -> (f64, f64, f64) {
        let side = 1.0 / vp.scale();
        (vp.cx() - side / 2.0, vp.cy() - side / 2.0, side)
    }

    /// Writes the live viewport to the address once the gesture has settled.
    fn commit_later(&self, ctx: Ctx) {
        if let Some(h) = self.commit_timer.try_update_value(|t| t.take()).flatten() {
            h.clear();
        }
        let live = self.live;
        let timer = self.commit_timer;
        let handle = set_timeout_with_handle(
            move || {
                // Gone if the view closed meanwhile.
                if timer.try_set_value(None).is_some() {
                    return;
                }
                let Some(vp) = live.try_get_untracked() else { return };
                let mut next = ctx.view.get_untracked().without_notes();
                next.viewport = (vp != Viewport::default()).then_some(vp);
                if next != ctx.view.get_untracked().without_notes() {
                    ctx.refine(next);
                }
            },
            std::time::Duration::from_millis(250),
        );
        if let Ok(h) = handle {
            self.commit_timer.set_value(Some(h));
        }
    }

    /// Zooms by `factor` keeping the map point under (fx, fy) — fractions of the element's
    /// width and height — in place.
    pub fn zoom_at(&self, ctx: Ctx, factor: f64, fx: f64, fy: f64) {
        let vp = self.live.get_untracked();
        let (left, top, side) = Self::window(vp);
        let (mx, my) = (left + fx * side, top + fy * side);
        let zoom = (vp.scale() * factor).clamp(1.0, 64.0);
        let new_side = 1.0 / zoom;
        let (cx, cy) = (mx - fx * new_side + new_side / 2.0, my - fy * new_side + new_side / 2.0);
        self.live.set(Viewport::new(cx, cy, zoom));
        self.commit_later(ctx);
    }

    /// Resets to the whole map.
    pub fn reset(&self, ctx: Ctx) {
        self.live.set(Viewport::default());
        self.commit_later(ctx);
    }

    /// Pointer down at client (x, y).
    pub fn start_drag(&self, x: f64, y: f64) {
        self.drag.set_value(Some((x, y, self.live.get_untracked())));
        self.moved.set_value(false);
    }

    /// Pointer moved to client (x, y) over an element `width` pixels wide.
    pub fn drag_to(&self, x: f64, y: f64, width: f64) {
        let Some((x0, y0, start)) = self.drag.get_value() else { return };
        if (x - x0).abs() + (y - y0).abs() > 3.0 {
            self.moved.set_value(true);
        }
        let per_px = 1.0 / start.scale() / width.max(1.0);
        self.live.set(Viewport::new(start.cx() - (x - x0) * per_px, start.cy() - (y - y0) * per_px, start.scale()));
    }

    /// Pointer up: ends a drag; returns whether it moved (so it was no click).
    pub fn end_drag(&self, ctx: Ctx) -> bool {
        let was_drag = self.drag.try_update_value(|d| d.take()).flatten().is_some();
        let moved = self.moved.get_value();
        if was_drag && moved {
            self.commit_later(ctx);
        }
        moved
    }

    /// Whether a drag is in progress.
    pub fn dragging(&self) -> bool {
        self.drag.with_value(|d| d.is_some())
    }
}

/// The zoom buttons under a graph or map (keyboard and touch users cannot scroll-zoom).
#[component]
pub fn ZoomButtons(
    /// The view's pan-zoom state.
    pz: PanZoom,
) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    view! {
        <div class="zoom-buttons" role="group" aria-label="Zoom">
            <button type="button" class="button" aria-label="Zoom in" on:click=move |_| pz.zoom_at(ctx, 1.5, 0.5, 0.5)>"+"</button>
            <button type="button" class="button" aria-label="Zoom out" on:click=move |_| pz.zoom_at(ctx, 1.0 / 1.5, 0.5, 0.5)>"−"</button>
            <button type="button" class="button" on:click=move |_| pz.reset(ctx)>"Whole map"</button>
            <span class="zoom-level" aria-live="polite">{move || {
                let z = pz.live.get().zoom;
                format!("{}.{}×", z / 100, z % 100 / 10)
            }}</span>
        </div>
    }
}

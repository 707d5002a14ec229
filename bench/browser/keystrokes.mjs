// Per-keystroke latency, input event to results painted, in headless Chromium against a built
// site on 127.0.0.1 (for a sharded index: `cp dist/*.* SITE/ && ln -s INDEX_DIR SITE/index`).
// Types the same phrases three times, one key every 60 ms: the first pass fetches the
// dictionary shards, postings and papers each new word reaches (a keystroke that waits for
// them counts until its results are painted); the second runs with them cached; the third
// again, traced.
//
// "Painted" is the task after the next animation frame; "DOM updated" is when the result list
// has been rendered; "frame begun" is the time stamp of the animation frame that shows them:
// at most one frame interval (16.7 ms) after the key when the results made the first frame
// after it (the bench counts those), whatever that frame's paint then takes. "Painted" adds
// to the work the wait for the display's next frame (0–16.7 ms, however little work there
// was).
//
// The third pass runs under a Chromium trace (which slows it a little) that splits each
// keystroke's main-thread work (every task from the input event to the next keystroke) into
// script, style and layout, and paint.
//
//   node bench/browser/keystrokes.mjs [SITE]
import fs from 'node:fs';
import { openApp, typePhrases } from './typing.mjs';

const [site = 'dist'] = process.argv.slice(2);
const PHRASES = process.env.KEYSTROKE_PHRASES ? process.env.KEYSTROKE_PHRASES.split(',') : [
  'quantization of large language models',
  'scaling laws for neural machine translation',
  'physics informed neural networks',
  'diffusion models for image generation',
  'graph neural networks',
];

/** One frame interval of a 60 Hz display. */
const FRAME_MS = 1000 / 60;
const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] : NaN;
};
const fmt = (xs) => `median ${pct(xs, 50).toFixed(1)} ms, p95 ${pct(xs, 95).toFixed(1)} ms, max ${Math.max(...xs).toFixed(1)} ms over ${xs.length} keystrokes`;

const { browser, page, close } = await openApp(site);
const passes = [];
for (const pass of ['first pass (shards fetched as words are typed)', 'second pass (shards cached)', 'third pass (shards cached, under a trace)']) {
  const traced = passes.length === 2;
  if (traced) await browser.startTracing(page, { categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'toplevel'] });
  await page.evaluate(() => { window.__papersiftKeystrokes = []; window.__papersiftRenderMs = []; window.__papersiftFrameMs = []; });
  await typePhrases(page, PHRASES, 1500);
  const [keys, dom, frames] = await page.evaluate(() =>
    [window.__papersiftKeystrokes ?? [], window.__papersiftRenderMs ?? [], window.__papersiftFrameMs ?? []]);
  passes.push(keys);
  const firstFrame = frames.filter((ms) => ms <= FRAME_MS).length;
  console.log(`${pass}:\n  input to results painted: ${fmt(keys)}\n  input to DOM updated:     ${fmt(dom)}` +
    `\n  input to its frame begun: ${fmt(frames)}` +
    `\n  results in the first frame after the key: ${firstFrame} of ${frames.length} (${(100 * firstFrame / Math.max(1, frames.length)).toFixed(1)}%)`);
  if (traced) {
    const trace = await browser.stopTracing();
    if (process.env.KEYSTROKE_TRACE) fs.writeFileSync(process.env.KEYSTROKE_TRACE, trace);
    breakdown(JSON.parse(trace.toString()));
  }
}
await close();

/** Main-thread work per keystroke from a trace: the renderer's top-level tasks from each
 * `input` event's task up to the next one's (at most 1 s), split by what ran inside them. */
function breakdown(trace) {
  const events = trace.traceEvents ?? trace;
  const main = events.find((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain' &&
    events.some((x) => x.pid === e.pid && x.tid === e.tid && x.name === 'EventDispatch' && x.args?.data?.type === 'input'));
  if (!main) return console.log('  (no renderer main thread with input events in the trace)');
  const on = events.filter((e) => e.pid === main.pid && e.tid === main.tid && e.ph === 'X').sort((a, b) => a.ts - b.ts);
  // Top-level tasks (the scheduler's task events nest: the outermost ones only).
  const tasks = [];
  for (const e of on) {
    if ((e.name === 'RunTask' || e.name === 'ThreadControllerImpl::RunTask') && !(tasks.length && e.ts < tasks.at(-1).ts + tasks.at(-1).dur)) tasks.push(e);
  }
  const inputs = on.filter((e) => e.name === 'EventDispatch' && e.args?.data?.type === 'input').map((e) => e.ts);
  const kinds = {
    script: ['FunctionCall', 'EventDispatch', 'TimerFire', 'FireAnimationFrame', 'RunMicrotasks', 'v8.run'],
    'style+layout': ['UpdateLayoutTree', 'Layout', 'RecalculateStyles', 'HitTest'],
    paint: ['PrePaint', 'Paint', 'Layerize', 'Commit', 'UpdateLayer', 'CompositeLayers', 'PaintImage'],
  };
  const rows = { total: [], script: [], 'style+layout': [], paint: [] };
  for (let i = 0; i < inputs.length; i++) {
    const owner = tasks.findLast((t) => t.ts <= inputs[i]) ?? { ts: inputs[i] };
    const end = Math.min(inputs[i + 1] !== undefined ? (tasks.findLast((t) => t.ts <= inputs[i + 1])?.ts ?? inputs[i + 1]) : Infinity, owner.ts + 1e6);
    const inWindow = (e) => e.ts >= owner.ts && e.ts < end;
    rows.total.push(tasks.filter(inWindow).reduce((a, t) => a + t.dur, 0) / 1000);
    for (const [kind, names] of Object.entries(kinds)) {
      // Outermost events of the kind only (a FunctionCall inside an EventDispatch counts once).
      let covered = -1;
      let sum = 0;
      for (const e of on) {
        if (!inWindow(e) || !names.includes(e.name) || e.ts < covered) continue;
        sum += e.dur;
        covered = e.ts + e.dur;
      }
      rows[kind].push(sum / 1000);
    }
  }
  console.log(`  main-thread work per keystroke (trace of this pass, ${inputs.length} input events):`);
  for (const [k, xs] of Object.entries(rows)) console.log(`    ${k.padEnd(13)} ${fmt(xs)}`);
}

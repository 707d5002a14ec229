// Frame times of the topic graph and the paper map while panning and zooming, in headless
// Chromium, on an index of CORPUS (default: the seed in public/index).
//
//   node bench/browser/map-frames.mjs [CORPUS] [--limit N]
//
// The app in dist/ is copied next to a fresh index of the corpus (topics included) and served
// on 127.0.0.1. For each view (?view=topics, ?view=map, and the map with a query so matches
// are highlighted) the script zooms in with the wheel and drags across the canvas, then reads
// the app's own draw times (window.__papersiftMapFrames, one entry per frame drawn) and the
// intervals between animation frames during the gestures. Prints median / p95 / max of each.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { execFileSync } from 'node:child_process';
import { serve } from '../../tests/e2e/server.mjs';
import { launch } from '../../tests/e2e/browser.mjs';

const args = process.argv.slice(2);
const corpus = args.find((a, i) => !a.startsWith('--') && !args[i - 1]?.startsWith('--'));
const limit = args.includes('--limit') ? Number(args[args.indexOf('--limit') + 1]) : null;
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');

const site = fs.mkdtempSync(path.join(os.tmpdir(), 'papersift-frames-'));
fs.cpSync(path.join(root, 'dist'), site, { recursive: true });
if (corpus) {
  fs.rmSync(path.join(site, 'index'), { recursive: true, force: true });
  let input = path.resolve(corpus);
  if (limit) {
    const text = corpus.endsWith('.gz') ? zlib.gunzipSync(fs.readFileSync(corpus)).toString('utf8') : fs.readFileSync(corpus, 'utf8');
    input = path.join(site, 'corpus.jsonl');
    fs.writeFileSync(input, text.split('\n').slice(0, limit).join('\n') + '\n');
  }
  execFileSync(path.join(root, 'target/release/papersift'), ['build', input, '--out', path.join(site, 'index'), '-q'], { stdio: 'inherit' });
}
const papers = JSON.parse(fs.readFileSync(path.join(site, 'index', 'manifest.json'), 'utf8')).papers;

const stats = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const at = (q) => s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)] ?? NaN;
  return { n: s.length, median: at(0.5), p95: at(0.95), max: s.at(-1) ?? NaN };
};
const fmt = (st) => `median ${st.median.toFixed(2)} ms, p95 ${st.p95.toFixed(2)} ms, max ${st.max.toFixed(2)} ms (${st.n})`;

const server = await serve(site);
const browser = await launch();
const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
const page = await context.newPage();
console.log(`${papers} papers; headless Chromium, 1280×900`);
for (const [name, query] of [['topic graph', '?view=topics'], ['paper map', '?view=map'], ['paper map, query "learning"', '?view=map&q=learning']]) {
  await page.goto(server.url + query);
  await page.waitForFunction(() => (window.__papersiftMapFrames ?? []).length > 0, null, { timeout: 300000 });
  if (query.includes('view=map')) {
    // The map's positions are a file of their own, fetched when the map is first drawn: the
    // gestures wait until it has arrived and been drawn.
    await page.waitForFunction(() => performance.getEntriesByType('resource').some((r) => /\/(paper-map|topics)\./.test(r.name)), null, { timeout: 300000 });
    await page.waitForTimeout(500);
  }
  const canvas = await page.locator('canvas').boundingBox();
  const cx = canvas.x + canvas.width / 2;
  const cy = canvas.y + canvas.height / 2;
  await page.evaluate(() => {
    window.__papersiftMapFrames = [];
    window.__rafGaps = [];
    let last = performance.now();
    const tick = (t) => {
      window.__rafGaps.push(t - last);
      last = t;
      if (!window.__stopRaf) requestAnimationFrame(tick);
    };
    window.__stopRaf = false;
    requestAnimationFrame(tick);
  });
  await page.mouse.move(cx, cy);
  for (let i = 0; i < 12; i++) {
    await page.mouse.wheel(0, -120);
    await page.waitForTimeout(16);
  }
  await page.mouse.down();
  for (let i = 0; i < 40; i++) {
    await page.mouse.move(cx + Math.sin(i / 6) * 200, cy + Math.cos(i / 6) * 150);
    await page.waitForTimeout(16);
  }
  await page.mouse.up();
  for (let i = 0; i < 12; i++) {
    await page.mouse.wheel(0, 120);
    await page.waitForTimeout(16);
  }
  await page.waitForTimeout(300);
  const [draws, gaps] = await page.evaluate(() => {
    window.__stopRaf = true;
    return [window.__papersiftMapFrames, window.__rafGaps.slice(1)];
  });
  console.log(`${name.padEnd(28)} draw: ${fmt(stats(draws))}; frame interval: ${fmt(stats(gaps))}`);
}
await browser.close();
await server.close();
fs.rmSync(site, { recursive: true, force: true });

// Where the wasm engine spends a query's time: Chromium's sampling profiler around repeated
// `bench_query` calls, self time per function.
//
//   node bench/browser/profile.mjs DIST INDEX QUERY...
//
// DIST is a built app whose wasm keeps its function names: build one beside dist/ with
//   sed 's/data-wasm-opt="z"/data-wasm-opt="0" data-keep-debug/' index.html > /tmp/index-prof.html
// (or edit index.html temporarily) and `trunk build --release --features bench --dist
// /tmp/profdist` (the `bench` feature exports `bench_query`; the published app has none). Without
// wasm-opt the code is rustc's size-optimised output as is: close to the shipped build, and
// calls that the size profile leaves un-inlined show up by name. INDEX is a built index folder.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { serve } from '../../tests/e2e/server.mjs';
import { launch } from '../../tests/e2e/browser.mjs';

const [dist, index, ...queries] = process.argv.slice(2);
if (!dist || !index || !queries.length) {
  console.error('usage: node bench/browser/profile.mjs DIST INDEX QUERY...');
  process.exit(2);
}
const site = fs.mkdtempSync(path.join(os.tmpdir(), 'papersift-profile-'));
fs.cpSync(dist, site, { recursive: true });
fs.rmSync(path.join(site, 'index'), { recursive: true, force: true });
fs.cpSync(index, path.join(site, 'index'), { recursive: true });
const server = await serve(site, { headers: { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' } });
const browser = await launch();
try {
  const page = await browser.newPage();
  await page.goto(server.url);
  await page.waitForFunction(() => window.wasmBindings?.bench_ready?.(), null, { timeout: 300000 });
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 50 });
  for (const q of queries) {
    await page.evaluate((q) => window.wasmBindings.bench_query(q, false), q);
    await cdp.send('Profiler.start');
    await page.evaluate((q) => { for (let i = 0; i < 5; i++) window.wasmBindings.bench_query(q, false); }, q);
    const { profile } = await cdp.send('Profiler.stop');
    // Time per sampled node, then self time per function name.
    const perNode = new Map();
    profile.samples.forEach((id, i) => perNode.set(id, (perNode.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
    const perName = new Map();
    let total = 0;
    for (const n of profile.nodes) {
      const t = perNode.get(n.id) ?? 0;
      total += t;
      const name = n.callFrame.functionName || '(anonymous)';
      perName.set(name, (perName.get(name) ?? 0) + t);
    }
    console.log(`== ${q}`);
    for (const [name, t] of [...perName].sort((a, b) => b[1] - a[1]).slice(0, 18)) {
      console.log(`${((100 * t) / total).toFixed(1).padStart(5)}%  ${name.slice(0, 150)}`);
    }
  }
} finally {
  await browser.close();
  await server.close();
  fs.rmSync(site, { recursive: true, force: true });
}

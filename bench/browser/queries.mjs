// Query latency of the wasm engine in headless Chromium, per class of the peers' query set
// (../shared/bench/peers/queries.txt), beside the peers measured by ../shared/bench/peers in the
// same run on the same corpus.
//
//   node bench/browser/queries.mjs CORPUS [--limit N] [--peers minisearch,flexsearch,pagefind]
//                                  [--peers-dir DIR] [--no-peers] [--index DIR] [--queries FILE]
//
// CORPUS is a listing or JSON Lines file (the peers take the first N lines with --limit; the
// same prefix is indexed here). The app is built with its measurement hooks (`trunk build
// --release --features bench --dist target/dist-bench`, trunk on PATH as `./dev` installs it),
// copied next to a fresh index of the corpus and served on 127.0.0.1 with cross-origin isolation (5 µs timers, as the peers' page has).
// Each query is timed like the peers time theirs (a cold call, two warm-ups, then batches
// lasting at least 2 ms; the median batch): the search an instant-search box runs, returning
// the top 10 with id and title. On a sharded index each query's files are fetched before it is
// timed (`bench_prepare`), so the figures are of the search with its shards cached. Per class: median and p95 (nearest rank) of the per-query
// medians. Writes target/bench-queries-<corpus>.json.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { execFileSync } from 'node:child_process';
import { serve } from '../../tests/e2e/server.mjs';
import { launch } from '../../tests/e2e/browser.mjs';

const args = process.argv.slice(2);
const corpus = args.find((a) => !a.startsWith('--') && !args[args.indexOf(a) - 1]?.startsWith('--'));
const opt = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const limit = opt('--limit', null);
const peers = opt('--peers', 'minisearch,flexsearch,pagefind');
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const sharedPeers = path.resolve(root, '../shared/bench/peers');
const peersDir = opt('--peers-dir', path.join(os.tmpdir(), 'papersift-peers'));
if (!corpus) {
  console.error('usage: node bench/browser/queries.mjs CORPUS [--limit N] [--peers a,b] [--no-peers]');
  process.exit(2);
}

// The query set and its classes ("# frequent terms" heads each class).
const classes = [];
// --queries FILE times another query set in the same format (quick reruns of a few queries).
const queriesFile = opt('--queries', path.join(sharedPeers, 'queries.txt'));
for (const line of fs.readFileSync(queriesFile, 'utf8').split('\n')) {
  const t = line.trim();
  if (t.startsWith('# ') && !/^# (Fixed|Kinds|The same)/.test(t)) classes.push({ name: t.slice(2), queries: [] });
  else if (t && !t.startsWith('#')) classes.at(-1).queries.push(t);
}

// 1. A copy of the app, built with its measurement hooks (the `bench` feature, which the
// published app leaves out), with an index of the corpus (the first N papers with --limit).
const benchDist = path.join(root, 'target', 'dist-bench');
execFileSync('trunk', ['build', '--release', '--features', 'bench', '--dist', benchDist], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
const site = fs.mkdtempSync(path.join(os.tmpdir(), 'papersift-bench-'));
fs.cpSync(benchDist, site, { recursive: true });
fs.rmSync(path.join(site, 'index'), { recursive: true, force: true });
let input = path.resolve(corpus);
if (limit) {
  const text = corpus.endsWith('.gz') ? zlib.gunzipSync(fs.readFileSync(corpus)).toString('utf8') : fs.readFileSync(corpus, 'utf8');
  input = path.join(site, 'corpus.jsonl');
  fs.writeFileSync(input, text.split('\n').slice(0, Number(limit)).join('\n') + '\n');
}
// --index DIR reuses an index already built from the same corpus (for quick reruns).
const prebuilt = opt('--index', null);
if (prebuilt) fs.cpSync(prebuilt, path.join(site, 'index'), { recursive: true });
else execFileSync(path.join(root, 'target/release/papersift'), ['build', input, '--out', path.join(site, 'index'), '-q'], { stdio: 'inherit' });

// 2. papersift in the browser.
const server = await serve(site, { headers: { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' } });
const browser = await launch();
const page = await browser.newPage();
await page.goto(server.url);
await page.waitForFunction(() => window.wasmBindings?.bench_ready?.(), null, { timeout: 300000 });
const isolated = await page.evaluate(() => crossOriginIsolated);
const ours = {};
for (const c of classes) {
  for (const q of c.queries) {
    // A sharded index first fetches what the query reads (as the app would), so what is timed
    // is the search with its shards cached, like the peers' whole loaded index.
    if (!(await page.evaluate((q) => window.wasmBindings.bench_prepare(q), q))) console.error(`warning: ${q}: files still missing`);
    const [cold, median, total] = await page.evaluate((q) => Array.from(window.wasmBindings.bench_query(q, false)), q);
    const [, withFacets] = await page.evaluate((q) => Array.from(window.wasmBindings.bench_query(q, true)), q);
    ours[q] = { cold_us: cold, median_us: median, with_facets_us: withFacets, total };
  }
}
await browser.close();
await server.close();

// 3. The peers, same corpus, same run.
let peerResults = null;
if (!args.includes('--no-peers')) {
  fs.rmSync(peersDir, { recursive: true, force: true });
  fs.cpSync(sharedPeers, peersDir, { recursive: true, filter: (src) => !src.includes('/results/') });
  const name = `papersift-bench-${path.basename(corpus).replace(/\..*/, '')}${limit ? `-${limit}` : ''}`;
  // The peers read JSON Lines only: a plain-text listing goes through their own converter
  // first (given the .txt itself, run.sh finds no papers and times an empty index).
  let peerCorpus = path.resolve(corpus);
  if (!/\.jsonl(\.gz)?$/.test(corpus)) {
    peerCorpus = path.join(site, 'peers-corpus.jsonl');
    execFileSync('node', [path.join(peersDir, 'convert.mjs'), path.resolve(corpus), peerCorpus], { stdio: 'inherit' });
  }
  const peerArgs = [peerCorpus, '--peers', peers, '--name', name];
  if (limit) peerArgs.push('--limit', String(limit));
  execFileSync(path.join(peersDir, 'run.sh'), peerArgs, { stdio: 'inherit' });
  peerResults = JSON.parse(fs.readFileSync(path.join(peersDir, 'results', `${name}.json`), 'utf8'));
}

// 4. The table: median and p95 of per-query medians, per class and overall.
const nearest = (xs, p) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.max(0, Math.ceil(s.length * p) - 1))]; };
const fmt = (us) => (us === undefined ? '—' : us >= 1000 ? `${(us / 1000).toFixed(1)} ms` : `${us.toFixed(0)} µs`);
const systems = [['papersift', (q) => ours[q]?.median_us], ['papersift+facets', (q) => ours[q]?.with_facets_us]];
for (const peer of peers.split(',')) {
  const pq = peerResults?.peers?.[peer]?.measured?.per_query;
  if (pq) {
    const byQ = Object.fromEntries(pq.map((r) => [r.q, r.median_ms * 1000]));
    systems.push([peer, (q) => byQ[q]]);
  }
}
const rows = [...classes, { name: 'all queries', queries: classes.flatMap((c) => c.queries) }];
const report = { corpus, limit, cross_origin_isolated: isolated, per_query: ours, classes: {} };
console.log(`\nquery latency in headless Chromium, median / p95 of per-query medians (${corpus}${limit ? `, first ${limit}` : ''}; timers ${isolated ? 'isolated (5 µs)' : 'coarse'})`);
console.log(['class'.padEnd(28), ...systems.map(([n]) => n.padStart(22))].join(''));
for (const c of rows) {
  const cells = systems.map(([n, f]) => {
    const xs = c.queries.map(f).filter((x) => x !== undefined);
    if (!xs.length) return '—'.padStart(22);
    const m = nearest(xs, 0.5), p = nearest(xs, 0.95);
    (report.classes[c.name] ??= {})[n] = { median_us: m, p95_us: p };
    return `${fmt(m)} / ${fmt(p)}`.padStart(22);
  });
  console.log([c.name.padEnd(28), ...cells].join(''));
}
fs.mkdirSync(path.join(root, 'target'), { recursive: true });
const out = path.join(root, 'target', `bench-queries-${path.basename(corpus).replace(/\..*/, '')}${limit ? `-${limit}` : ''}.json`);
fs.writeFileSync(out, JSON.stringify(report, null, 2));
console.log(`wrote ${out}`);
fs.rmSync(site, { recursive: true, force: true });

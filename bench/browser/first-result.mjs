// Bytes and time to the first result, papersift beside Pagefind and MiniSearch, in headless
// Chromium with a cold cache, on loopback and under a throttled network (Chromium's DevTools
// protocol: 1.6 Mbit/s down, 750 kbit/s up, 150 ms latency per request, a slow 4G phone link).
//
//   node bench/browser/first-result.mjs SITE PEERS_DATA [--queries "model,grokking,quanti"]
//                                       [--profiles loopback,throttled] [--runs N]
//
// SITE is a built app with its index (`cp dist/*.* SITE/ && ln -s INDEX SITE/index`). PEERS_DATA
// is the folder where ../shared/bench/peers wrote one corpus's indexes (`.work/data/NAME`, with
// `pagefind/` and `minisearch.idx.json`; the MiniSearch page bundle is read from
// `../../bundles/minisearch.js` beside it), built from the same corpus. `bench/peers` rebuilds
// that folder on every run: run it from a copy of its own for this bench, e.g.
//   cp -r ../shared/bench/peers /tmp/peers-75k && /tmp/peers-75k/run.sh CORPUS --peers pagefind,minisearch --name arxiv
//   node bench/browser/first-result.mjs SITE /tmp/peers-75k/.work/data/arxiv
//
// Every file goes out brotli-encoded (quality 11, as a static host would serve it; Pagefind's
// own `.pf_*` files are gzip already and go as they are). Each run is a fresh browser context
// (empty cache) that opens the system's page for the query and waits until the first results
// are on screen (the task after the frame that shows them):
//   papersift  the app at `?q=QUERY` (app, manifest, start-up files, the query's shards and the
//              papers of its first ten rows, with snippets; the rest of the page follows);
//   Pagefind   its `pagefind.js` API (`init`, `search`, `data()` of the top 10: titles);
//   MiniSearch its library bundle and whole index (`loadJSON`, `search`, top 10 titles).
// Bytes are the bodies (as encoded on the wire, headers left out) of the page and of every
// response complete when the results were shown (Resource Timing); time is from navigation
// start. Pagefind runs with `noWorker: true` (its
// main-thread mode): the throttling is set on the page, and a worker's fetches would escape it.
// Prints the median over the runs and each system's ratio to papersift.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { serve } from '../../tests/e2e/server.mjs';
import { launch } from '../../tests/e2e/browser.mjs';

const args = process.argv.slice(2);
const opt = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const positional = args.filter((a, i) => !a.startsWith('--') && !args[i - 1]?.startsWith('--'));
const [siteArg, peersArg] = positional;
if (!siteArg || !peersArg) {
  console.error('usage: node bench/browser/first-result.mjs SITE PEERS_DATA [--queries a,b] [--profiles loopback,throttled] [--runs N]');
  process.exit(2);
}
const queries = opt('--queries', 'model,grokking,quanti,"large language models"').split(',');
const profiles = opt('--profiles', 'loopback,throttled').split(',');
const runs = Number(opt('--runs', '3'));
const NETWORKS = {
  loopback: null,
  throttled: { offline: false, latency: 150, downloadThroughput: 1.6e6 / 8, uploadThroughput: 750e3 / 8 },
};

// One served folder: the app, Pagefind's bundle, MiniSearch's bundle and index, two pages.
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'papersift-first-result-'));
const peersData = path.resolve(peersArg);
fs.symlinkSync(path.resolve(siteArg), path.join(root, 'papersift'));
fs.mkdirSync(path.join(root, 'pf'));
fs.symlinkSync(path.join(peersData, 'pagefind'), path.join(root, 'pf', 'pagefind'));
fs.mkdirSync(path.join(root, 'ms'));
fs.symlinkSync(path.join(peersData, 'minisearch.idx.json'), path.join(root, 'ms', 'index.json'));
fs.symlinkSync(path.join(peersData, '../../bundles/minisearch.js'), path.join(root, 'ms', 'minisearch.js'));

// Both peer pages end alike: the titles in a list, then the mark after the next frame.
const shown = `
function show(titles, total) {
  const ol = document.createElement('ol');
  for (const t of titles) { const li = document.createElement('li'); li.textContent = t; ol.append(li); }
  document.body.append(ol);
  requestAnimationFrame(() => setTimeout(() => { performance.mark('first-result'); window.TOTAL = total; }));
}
const q = new URLSearchParams(location.search).get('q');`;
fs.writeFileSync(path.join(root, 'ms', 'index.html'), `<!doctype html><meta charset="utf-8"><title>MiniSearch</title>
<script type="module">${shown}
const { default: adapter } = await import('./minisearch.js');
const index = adapter.load(await (await fetch('index.json')).text());
const hits = adapter.search(index, q);
show(hits.map((h) => h.title), hits.total);
</script>`);
fs.writeFileSync(path.join(root, 'pf', 'index.html'), `<!doctype html><meta charset="utf-8"><title>Pagefind</title>
<script type="module">${shown}
const pagefind = await import('./pagefind/pagefind.js');
const pf = pagefind.createInstance({ basePath: new URL('./pagefind/', location.href).pathname, noWorker: true });
await pf.init();
const r = await pf.search(q);
const data = await Promise.all(r.results.slice(0, 10).map((x) => x.data()));
show(data.map((d) => d.meta?.title ?? ''), r.results.length);
</script>`);

const SYSTEMS = [
  { name: 'papersift', url: (q) => `papersift/?q=${encodeURIComponent(q)}`, mark: 'papersift-first-results' },
  { name: 'Pagefind', url: (q) => `pf/?q=${encodeURIComponent(q)}`, mark: 'first-result' },
  // MiniSearch fetches its whole index whatever the query: timed for the first query only.
  { name: 'MiniSearch', url: (q) => `ms/?q=${encodeURIComponent(q)}`, mark: 'first-result', once: true },
];

const cache = path.join(os.tmpdir(), 'papersift-brotli-cache');
const server = await serve(root, { brotli: cache });
const browser = await launch();

/** One cold run: bytes on the wire and ms from navigation start to the first results shown. */
async function once(system, q, network) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  if (network) await cdp.send('Network.emulateNetworkConditions', network);
  const logged = server.log.length;
  if (process.env.FIRST_RESULT_DEBUG) {
    console.error(`${system.name} ${q} ${network ? 'throttled' : 'loopback'}`);
    page.on('console', (m) => console.error(`  console: ${m.text()}`));
    page.on('pageerror', (e) => console.error(`  page error: ${e}`));
    page.on('crash', () => console.error('  page crashed'));
  }
  try {
    await page.goto(server.url + system.url(q), { timeout: 600000 });
    await page.waitForFunction((m) => performance.getEntriesByName(m).length > 0, system.mark, { timeout: 600000, polling: 50 });
    // The page and every response that had arrived when the results were shown (what was
    // fetched after them, such as the app's facets, does not count), bodies as encoded on
    // the wire.
    const { ms, bytes, requests } = await page.evaluate((m) => {
      const at = performance.getEntriesByName(m)[0].startTime;
      const done = [...performance.getEntriesByType('navigation'), ...performance.getEntriesByType('resource')].filter((r) => r.responseEnd <= at);
      return { ms: at, bytes: done.reduce((a, r) => a + r.encodedBodySize, 0), requests: done.length };
    }, system.mark);
    if (process.env.FIRST_RESULT_DEBUG) for (const r of server.log.slice(logged).filter((r) => r.status !== 200)) console.error(`  ${r.status} ${r.path}`);
    return { ms, bytes, requests };
  } finally {
    await context.close();
  }
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
const secs = (ms) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`);
const results = {};
try {
  // A warm-up run of each page on loopback fills the server's brotli cache (not measured).
  for (const q of queries) for (const s of SYSTEMS) if (!s.once || q === queries[0]) await once(s, q, null);
  const measuredOnce = {};
  for (const profile of profiles) {
    console.log(`\n${profile}${NETWORKS[profile] ? ' (1.6 Mbit/s down, 150 ms per request)' : ' (127.0.0.1, no throttling)'}, cold cache, median of ${runs}`);
    console.log(`${'query'.padEnd(26)} ${'system'.padEnd(11)} ${'bytes'.padStart(11)} ${'ratio'.padStart(7)} ${'requests'.padStart(8)} ${'time'.padStart(9)} ${'ratio'.padStart(7)}`);
    for (const q of queries) {
      const rows = [];
      for (const s of SYSTEMS) {
        const key = `${profile} ${s.name}`;
        if (s.once && measuredOnce[key]) {
          rows.push({ ...measuredOnce[key], system: `${s.name}*` });
          continue;
        }
        const list = [];
        for (let i = 0; i < runs; i++) list.push(await once(s, q, NETWORKS[profile]));
        const row = { system: s.name, bytes: median(list.map((r) => r.bytes)), requests: median(list.map((r) => r.requests)), ms: median(list.map((r) => r.ms)) };
        if (s.once) measuredOnce[key] = row;
        rows.push(row);
      }
      const ours = rows[0];
      for (const r of rows) {
        console.log(`${q.padEnd(26)} ${r.system.padEnd(11)} ${kb(r.bytes).padStart(11)} ${`${(r.bytes / ours.bytes).toFixed(1)}×`.padStart(7)} ${String(r.requests).padStart(8)} ${secs(r.ms).padStart(9)} ${`${(r.ms / ours.ms).toFixed(1)}×`.padStart(7)}`);
      }
      results[`${profile} ${q}`] = rows;
    }
  }
  console.log(`\n* measured for the first query (MiniSearch loads its whole index for any query)`);
} finally {
  await browser.close();
  await server.close();
}
fs.mkdirSync('target', { recursive: true });
fs.writeFileSync('target/bench-first-result.json', JSON.stringify(results, null, 1));

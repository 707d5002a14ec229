// What the app costs to load, measured in headless Chromium against dist/ on 127.0.0.1:
// the app's own files (wasm + js + css) and every byte fetched before the first results are
// painted for a ?q= link, each as raw / gzip -9 / brotli q11. With a peers results file
// (../shared/bench/peers/results/seed.json from `run.sh … --peers pagefind`), Pagefind's
// default UI + wasm + index bytes for the same listing are printed beside them.
//
//   node bench/browser/first-load.mjs [DIST] [PEERS_RESULT.json] [QUERY]
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { serve } from '../../tests/e2e/server.mjs';
import { launch } from '../../tests/e2e/browser.mjs';

const [dist = 'dist', peersFile, query = 'quantization'] = process.argv.slice(2);

function sizes(bytes) {
  return {
    raw: bytes.length,
    gz: zlib.gzipSync(bytes, { level: 9 }).length,
    br: zlib.brotliCompressSync(bytes, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: bytes.length } }).length,
  };
}
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
const row = (name, s) => `${name.padEnd(44)} ${kb(s.raw).padStart(10)} ${kb(s.gz).padStart(10)} ${kb(s.br).padStart(10)}`;
const sum = (list) => list.reduce((a, s) => ({ raw: a.raw + s.raw, gz: a.gz + s.gz, br: a.br + s.br }), { raw: 0, gz: 0, br: 0 });

const app = fs.readdirSync(dist).filter((f) => /\.(wasm|js|css)$/.test(f));
console.log(`${'app files'.padEnd(44)} ${'raw'.padStart(10)} ${'gzip -9'.padStart(10)} ${'brotli 11'.padStart(10)}`);
const appSizes = app.map((f) => sizes(fs.readFileSync(path.join(dist, f))));
app.forEach((f, i) => console.log(row(f, appSizes[i])));
const appTotal = sum(appSizes);
console.log(row('app total (budget 300 KB brotli)', appTotal));

const server = await serve(dist);
const browser = await launch();
const page = await browser.newPage();
await page.goto(`${server.url}?q=${encodeURIComponent(query)}`);
await page.waitForFunction(() => performance.getEntriesByName('papersift-first-results').length > 0, null, { timeout: 30000 });
const painted = await page.evaluate(() => performance.getEntriesByName('papersift-first-results')[0].startTime);
const before = await page.evaluate(() => performance.getEntriesByType('resource').filter((r) => r.responseEnd <= performance.getEntriesByName('papersift-first-results')[0].startTime).map((r) => new URL(r.name).pathname));
await browser.close();
await server.close();

const fetched = ['/', ...new Set(before)].map((p) => (p === '/' ? 'index.html' : p.slice(1))).filter((p) => fs.existsSync(path.join(dist, p)));
console.log(`\nfetched before the first results were painted (${painted.toFixed(0)} ms after navigation start), ?q=${query}`);
const firstSizes = fetched.map((f) => sizes(fs.readFileSync(path.join(dist, f))));
fetched.forEach((f, i) => console.log(row(f.length > 44 ? `…${f.slice(-43)}` : f, firstSizes[i])));
const first = sum(firstSizes);
console.log(row('first load total (budget 400 KB brotli)', first));

const report = { app: appTotal, first_load: first, first_results_ms: painted, files: Object.fromEntries(fetched.map((f, i) => [f, firstSizes[i]])) };
if (peersFile && fs.existsSync(peersFile)) {
  const pf = JSON.parse(fs.readFileSync(peersFile, 'utf8')).peers.pagefind;
  const bundle = pf.bundle_bytes;
  // Bytes Pagefind's search fetched up to its first results (code + wasm + index + fragments),
  // as they weigh with brotli (pf_* files count as stored: Pagefind gzips them itself).
  const fetchedBr = pf.measured?.bytes_fetched?.compressed_to_first_results?.br;
  console.log(`\nPagefind ${pf.version} on the same listing (${path.basename(peersFile)}):`);
  console.log(row('default UI files (pagefind-ui js + css)', bundle.ui_files));
  console.log(`${'search code + index to first result (br)'.padEnd(44)} ${kb(fetchedBr ?? 0).padStart(32)}`);
  const pagefindFirst = bundle.ui_files.br + (fetchedBr ?? 0);
  console.log(`${'Pagefind default UI first load (br)'.padEnd(44)} ${kb(pagefindFirst).padStart(32)}`);
  console.log(`papersift / Pagefind (brotli): ${(first.br / pagefindFirst).toFixed(2)}`);
  report.pagefind = { ui: bundle.ui_files, search_to_first_result_br: fetchedBr, first_load_br: pagefindFirst };
}
fs.mkdirSync('target', { recursive: true });
fs.writeFileSync('target/first-load.json', JSON.stringify(report, null, 2));

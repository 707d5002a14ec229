// Bounded cost: pathological queries against a built index, timed natively with the CLI
// (`papersift search DIR QUERY --repeat 20`), with the notices each one produces. The bar (issue
// "reliability"): each answers within 50 ms on the 75k-paper corpus, or is cut with a notice.
//
//   cargo build --release && node bench/pathological.mjs DIR
import { execFileSync, spawnSync } from 'node:child_process';
import path from 'node:path';

const dir = process.argv[2];
if (!dir) {
  console.error('usage: node bench/pathological.mjs INDEX_DIR');
  process.exit(2);
}
const cli = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', 'target', 'release', 'papersift');

// The corpus's own vocabulary, so many-term queries really match (the terms dictionary).
const exported = execFileSync(cli, ['export', 'papers', dir], { maxBuffer: 1 << 30 }).toString();
const vocab = [...new Set(exported.slice(0, 3_000_000).toLowerCase().match(/[a-z]{4,12}/g))];
const pick = (n, step) => Array.from({ length: n }, (_, i) => vocab[(i * step) % vocab.length]);

const cases = [
  ['1,000 distinct words', pick(1000, 7).join(' ')],
  ['1,000 words joined by OR', pick(1000, 11).join(' OR ')],
  ['500 quoted two-word phrases', pick(1000, 13).reduce((acc, w, i, a) => (i % 2 ? acc : [...acc, `"${w} ${a[i + 1]}"`]), []).join(' ')],
  ['300 exclusions', 'model ' + pick(300, 17).map((w) => `-${w}`).join(' ')],
  ['a 60-letter typo word', 'quantizaton'.repeat(6).slice(0, 60)],
  ['ten long typo words', Array.from({ length: 10 }, (_, i) => `tranformerz${'abcdefghij'[i]}ationnetwrk`).join(' ')],
  ['a 2,000-letter word', 'q'.repeat(2000)],
  ['wildcard over everything: *', '*'],
  ['wildcard: *e*', '*e*'],
  ['wildcard: ?????*', '?????*'],
  ['single letter, as typed: a', 'a'],
  ['100 prefixes of two letters', Array.from({ length: 100 }, (_, i) => String.fromCharCode(97 + (i % 26)) + String.fromCharCode(97 + ((i * 7) % 26))).join(' ')],
  ['10,000 characters of punctuation', '"-*:()'.repeat(1700)],
];

console.log(`pathological queries on ${dir} (native, 20 runs each; the bar: 50 ms or a notice)\n`);
console.log('case'.padEnd(34) + 'chars'.padStart(8) + 'median'.padStart(11) + 'p95'.padStart(11) + '   results / notices');
let worst = 0;
for (const [name, q] of cases) {
  const run = spawnSync(cli, ['search', dir, q, '--repeat', '20', '--limit', '1'], { maxBuffer: 1 << 26 });
  const out = Buffer.concat([run.stdout, run.stderr]);
  const text = out.toString();
  const m = text.match(/median ([\d.]+) ms, p95 ([\d.]+) ms/);
  const total = (text.match(/(\d+) result\(s\)/) ?? [])[1] ?? '0';
  const notes = [...new Set([...text.matchAll(/^note: (.{0,70})/gm)].map((x) => x[1]))].slice(0, 2).join(' | ');
  const p95 = m ? Number(m[2]) : NaN;
  worst = Math.max(worst, p95);
  console.log(name.padEnd(34) + String(q.length).padStart(8) + `${m?.[1] ?? '?'} ms`.padStart(11) + `${m?.[2] ?? '?'} ms`.padStart(11) + `   ${total} / ${notes || '—'}`);
}
console.log(`\nworst p95: ${worst.toFixed(2)} ms`);

// A simulated large corpus for scale tests: the papers of a JSON Lines corpus repeated until
// there are N, each copy with a new id (`ID~rK`) and, so copies are not identical documents,
// the abstract's sentences rotated by K. Written as JSON Lines (gzip when OUT ends in .gz).
//
//   node bench/scale/repeat-corpus.mjs CORPUS.jsonl[.gz] N OUT.jsonl[.gz]
import fs from 'node:fs';
import zlib from 'node:zlib';

const [input, count, out] = process.argv.slice(2);
if (!input || !count || !out) {
  console.error('usage: node bench/scale/repeat-corpus.mjs CORPUS.jsonl[.gz] N OUT.jsonl[.gz]');
  process.exit(2);
}
const text = (input.endsWith('.gz') ? zlib.gunzipSync(fs.readFileSync(input)) : fs.readFileSync(input)).toString('utf8');
const papers = text.split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l));
const n = Number(count);
const sink = out.endsWith('.gz') ? zlib.createGzip({ level: 1 }) : null;
const file = fs.createWriteStream(out);
const stream = sink ?? file;
if (sink) sink.pipe(file);
const rotate = (s, k) => {
  const parts = s.split(/(?<=\. )/);
  const r = k % parts.length;
  return parts.slice(r).concat(parts.slice(0, r)).join('');
};
let written = 0;
for (let k = 0; written < n; k++) {
  for (const p of papers) {
    if (written >= n) break;
    const copy = k === 0 ? p : { ...p, id: `${p.id}~r${k}`, abstract: rotate(p.abstract ?? '', k) };
    if (!stream.write(JSON.stringify(copy) + '\n')) await new Promise((r) => stream.once('drain', r));
    written += 1;
  }
}
stream.end();
await new Promise((r) => file.on('finish', r));
console.log(`${written} papers (${papers.length} distinct, repeated) -> ${out}`);

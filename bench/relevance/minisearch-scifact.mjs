// MiniSearch on SciFact, for `papersift eval --run`: builds MiniSearch over the corpus with the
// options its README recommends for search-as-you-type (the same settings as
// ../shared/bench/peers: fields title + abstract, prefix, fuzzy 0.2, title boost 2), runs every
// query and writes {"query id": ["doc id", …top 100]} as JSON.
//
//   node bench/relevance/minisearch-scifact.mjs [COLLECTION_DIR] OUT.json
import fs from 'node:fs';
import zlib from 'node:zlib';
import path from 'node:path';
import MiniSearch from 'minisearch';

const args = process.argv.slice(2);
const out = args.pop();
const dir = args[0] ?? '../shared/corpora/scifact';
const jsonl = (file) =>
  zlib.gunzipSync(fs.readFileSync(path.join(dir, file))).toString('utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l));

const docs = jsonl('corpus.jsonl.gz');
const queries = jsonl('queries.jsonl.gz');
const options = { prefix: true, fuzzy: 0.2, boost: { title: 2 } };
const ms = new MiniSearch({ fields: ['title', 'abstract'], idField: 'id', searchOptions: options });
ms.addAll(docs);
const run = {};
for (const q of queries) {
  run[String(q._id)] = ms.search(q.text).slice(0, 100).map((r) => String(r.id));
}
fs.writeFileSync(out, JSON.stringify(run));
console.error(`minisearch ${MiniSearch.version ?? '7.2.0'}: ${docs.length} docs, ${queries.length} queries -> ${out}`);

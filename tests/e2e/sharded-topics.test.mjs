// A sharded index with topics: the topic model comes in files fetched by the views that need
// them. The summary (topics, labels, graph, each paper's topic) after the first results, for
// topic chips, the topic facet and the graph; the paper map only in the map view; and for an
// opened paper the one chunk of details (memberships, keyphrases, related papers) holding it.
// Built from the 200-paper sample with 2 KB chunks (a dozen detail chunks).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { ROOT, newPage, ready, servedApp, variant } from './helpers.mjs';

const SAMPLE = path.join(ROOT, '..', 'shared', 'corpora', 'sample.jsonl');
const BIN = path.join(ROOT, 'target', 'release', 'papersift');
let manifest;
let indexDir;
const run = servedApp(() =>
  variant('sharded-topics', (d) => {
    const out = path.join(d, 'index');
    fs.rmSync(out, { recursive: true, force: true });
    indexDir = out;
    execFileSync(BIN, ['build', SAMPLE, '--out', out, '-q', '--layout', 'sharded', '--docs-per-chunk', '16', '--shard-kb', '2'], { stdio: 'pipe' });
    manifest = JSON.parse(fs.readFileSync(path.join(out, 'manifest.json'), 'utf8'));
  }),
);

const cli = (...args) => execFileSync(BIN, args, { encoding: 'utf8', maxBuffer: 1 << 26 });

/** Records the roles of the index files the page fetches. */
function roleRequests(page) {
  const fetched = [];
  page.on('request', (r) => {
    const name = r.url().split('/').pop();
    if (name.endsWith('.bin')) fetched.push(name);
  });
  return {
    names: fetched,
    count: (role) => fetched.filter((n) => n.startsWith(`${role}.`)).length,
  };
}

const results = (page) => page.getByRole('list', { name: /Results|Papers in listing order/ });

test('sharded topics: the manifest lists a summary, a map and detail chunks instead of one topics file', () => {
  const roles = manifest.files.map((f) => f.role);
  assert.ok(!roles.includes('topics'));
  assert.equal(roles.filter((r) => r === 'topic-summary').length, 1);
  assert.equal(roles.filter((r) => r === 'paper-map').length, 1);
  const details = roles.filter((r) => r === 'topic-detail').length;
  assert.ok(details >= 4, `${details} detail chunks`);
  assert.equal(details, Math.ceil(manifest.papers / manifest.topic_detail_per_chunk));
});

test('sharded topics: results show topic chips from the summary alone', async () => {
  const page = await newPage(run.browser);
  const fetched = roleRequests(page);
  await page.goto(`${run.site.url}?q=learning`);
  await ready(page);
  const chip = results(page).locator('.topic-chip').first();
  await chip.waitFor({ timeout: 15000 });
  const labels = JSON.parse(cli('export', 'graph', indexDir)).topics.map((t) => t.label);
  assert.ok(labels.includes((await chip.innerText()).trim()), 'the chip shows a topic label of the build');
  // The topic facet counts come with it.
  await page.getByRole('group', { name: 'Topic' }).getByRole('checkbox').first().waitFor();
  await page.waitForTimeout(1000);
  assert.equal(fetched.count('topic-summary'), 1, 'the summary, once');
  assert.equal(fetched.count('paper-map'), 0, 'no map for the list');
  assert.equal(fetched.count('topic-detail'), 0, 'no paper details for the list');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('sharded topics: the graph needs only the summary; the map view fetches the map once', async () => {
  const page = await newPage(run.browser);
  const fetched = roleRequests(page);
  await page.goto(`${run.site.url}?view=topics`);
  await ready(page);
  await page.getByRole('img', { name: 'Topic graph' }).waitFor();
  await page.waitForFunction(() => (window.__papersiftMapFrames ?? []).length > 0, null, { timeout: 15000 });
  assert.equal(fetched.count('topic-summary'), 1);
  assert.equal(fetched.count('paper-map'), 0, 'the graph draws without the map');

  await page.getByRole('navigation', { name: 'Views' }).getByRole('link', { name: 'Paper map' }).click();
  await page.getByRole('img', { name: 'Paper map' }).waitFor();
  await page.waitForFunction(() => performance.getEntriesByType('resource').some((r) => r.name.includes('/paper-map.')), null, { timeout: 15000 });
  // The positions arrived and are drawn: a frame placed every paper (frames drawn before they
  // came placed none).
  const papers = manifest.papers;
  await page.waitForFunction((n) => (window.__papersiftMapDots ?? []).includes(n), papers, { timeout: 15000 });
  assert.equal(fetched.count('paper-map'), 1, 'the map, once');
  assert.equal(fetched.count('topic-detail'), 0);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('sharded topics: a paper link fetches the one detail chunk holding it and shows what the CLI exports', async () => {
  const ids = cli('export', 'papers', indexDir).trim().split('\n').map((l) => JSON.parse(l).id);
  const titles = new Map(cli('export', 'papers', indexDir).trim().split('\n').map((l) => JSON.parse(l)).map((p) => [p.id, p.title]));
  const graph = JSON.parse(cli('export', 'graph', indexDir));
  const related = JSON.parse(cli('export', 'related', indexDir));
  const doc = 150;
  const id = ids[doc];
  const chunk = manifest.files.filter((f) => f.role === 'topic-detail')[Math.floor(doc / manifest.topic_detail_per_chunk)].name;

  const page = await newPage(run.browser);
  const fetched = roleRequests(page);
  await page.goto(`${run.site.url}?paper=${encodeURIComponent(id)}`);
  await page.getByRole('heading', { level: 1 }).waitFor({ timeout: 15000 });
  assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), titles.get(id));
  const section = page.locator('section.related');
  const want = related[id].map((r) => titles.get(r));
  await page.waitForFunction((n) => document.querySelectorAll('section.related li a').length === n, want.length, { timeout: 15000 });
  assert.deepEqual(await section.getByRole('link').allTextContents(), want, 'related papers in the exported order');
  const keyphrases = graph.papers[doc].keyphrases;
  if (keyphrases.length > 0) {
    assert.deepEqual(await page.locator('.keyphrases .keyphrase').allTextContents(), keyphrases);
  }
  const topic = graph.topics[graph.papers[doc].subtopic ?? graph.papers[doc].topic].label;
  assert.equal((await page.locator('.paper-topics .topic-chip').first().innerText()).trim(), topic);
  assert.deepEqual(fetched.names.filter((n) => n.startsWith('topic-detail.')), [chunk], 'its own detail chunk, once');
  assert.equal(fetched.count('paper-map'), 0);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

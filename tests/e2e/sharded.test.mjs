// A sharded index (`papersift build --layout sharded`): the app fetches only the chunks of
// the papers it shows and the dictionary shards and postings chunks of the words searched,
// and every view that shows papers (results, an opened paper, its related papers, exports)
// fills in as they arrive. Built from the 200-paper sample with 16 papers per chunk (13
// chunks) and 2 KB dictionary shards and postings chunks (dozens of each).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { ROOT, newPage, ready, servedApp, variant } from './helpers.mjs';

const SAMPLE = path.join(ROOT, '..', 'shared', 'corpora', 'sample.jsonl');
const PER_CHUNK = 16;
let manifest;
let indexDir;
const BIN = path.join(ROOT, 'target', 'release', 'papersift');
const run = servedApp(() =>
  variant('sharded', (d) => {
    const out = path.join(d, 'index');
    fs.rmSync(out, { recursive: true, force: true });
    indexDir = out;
    execFileSync(BIN, ['build', SAMPLE, '--out', out, '-q', '--no-topics', '--layout', 'sharded', '--docs-per-chunk', String(PER_CHUNK), '--shard-kb', '2'], { stdio: 'pipe' });
    manifest = JSON.parse(fs.readFileSync(path.join(out, 'manifest.json'), 'utf8'));
  }),
);

const results = (page) => page.getByRole('list', { name: /Results|Papers in listing order/ });
const resultLinks = (page) => results(page).getByRole('heading').getByRole('link');

/** Records the names of the document chunks the page fetches. */
function chunkRequests(page) {
  const names = new Set();
  page.on('request', (r) => {
    const name = r.url().split('/').pop();
    if (name.startsWith('docs-chunk.')) names.add(name);
  });
  return names;
}

test('sharded: the manifest lists chunks and an id map in shards instead of one docs file', () => {
  assert.equal(manifest.docs_per_chunk, PER_CHUNK);
  const roles = manifest.files.map((f) => f.role);
  assert.ok(!roles.includes('docs') && !roles.includes('doc-ids'));
  assert.equal(roles.filter((r) => r === 'docs-chunk').length, Math.ceil(200 / PER_CHUNK));
  assert.ok(roles.filter((r) => r === 'doc-id-shard').length >= 2);
});

/** Records the roles of the index files the page fetches (`lexicon`, `postings-chunk`, …). */
function roleRequests(page) {
  const roles = [];
  page.on('request', (r) => {
    const name = r.url().split('/').pop();
    if (name.endsWith('.bin')) roles.push(name.split('.')[0]);
  });
  return roles;
}

test('sharded: start-up fetches no dictionary shard; a query fetches a few and answers as the CLI', async () => {
  const count = (role) => manifest.files.filter((f) => f.role === role).length;
  assert.ok(count('lexicon') >= 10 && count('postings-chunk') >= 10, `${count('lexicon')} shards, ${count('postings-chunk')} chunks`);
  assert.ok(!manifest.files.some((f) => ['terms', 'words', 'postings'].includes(f.role)));
  const page = await newPage(run.browser);
  const roles = roleRequests(page);
  await page.goto(run.site.url);
  await ready(page);
  await resultLinks(page).first().waitFor();
  const before = roles.filter((r) => r === 'lexicon' || r === 'postings-chunk');
  assert.deepEqual(before, [], 'the listing needs no dictionary');

  for (const q of ['graph neural', 'diffusoin', 'quanti']) {
    const cli = execFileSync(BIN, ['search', indexDir, q, '--limit', '1'], { encoding: 'utf8' });
    const expected = Number(cli.match(/^(\d+) result/m)[1]);
    const mark = roles.length;
    await page.getByRole('searchbox', { name: 'Search papers' }).fill(q);
    await page.waitForFunction((n) => (document.querySelector('#status')?.textContent ?? '').startsWith(`${n} result`), expected, { timeout: 15000 });
    await resultLinks(page).first().waitFor();
    const shards = roles.slice(mark).filter((r) => r === 'lexicon' || r === 'postings-chunk');
    assert.ok(shards.length >= 1 && shards.length <= (count('lexicon') + count('postings-chunk')) / 3, `${q}: ${shards.length} shards`);
    await page.waitForFunction((want) => new URL(location.href).searchParams.get('q') === want, q);
  }
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('sharded: results fetch only the chunks of the papers shown', async () => {
  const page = await newPage(run.browser);
  const fetched = chunkRequests(page);
  await page.goto(`${run.site.url}?q=diffusion`);
  await ready(page);
  await page.waitForFunction(() => document.querySelectorAll('ol.results h2 a, ol.results h3 a').length >= 10 && !document.querySelector('.loading-more'));
  const titles = await resultLinks(page).allTextContents();
  assert.ok(titles.length >= 10, titles.join(' | '));
  assert.ok(titles.every((t) => t.trim().length > 0));
  const total = manifest.files.filter((f) => f.role === 'docs-chunk').length;
  assert.ok(fetched.size >= 1 && fetched.size < total, `${fetched.size} of ${total} chunks fetched`);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('sharded: a paper link opens fresh, with its related papers', async () => {
  const page = await newPage(run.browser);
  await page.goto(`${run.site.url}?q=graph`);
  await ready(page);
  await resultLinks(page).first().waitFor();
  const title = await resultLinks(page).first().innerText();
  await resultLinks(page).first().click();
  await page.getByRole('heading', { level: 1 }).waitFor();
  const link = page.url();
  assert.ok(new URL(link).searchParams.get('paper'));

  const fresh = await newPage(run.browser);
  const fetched = chunkRequests(fresh);
  await fresh.goto(link);
  const heading = fresh.getByRole('heading', { level: 1 });
  await heading.waitFor({ timeout: 15000 });
  assert.equal(await heading.innerText(), title, 'the link restores the paper');
  // Its related papers come from other chunks, fetched too; their titles show.
  const related = fresh.getByRole('region', { name: 'Related papers' }).or(fresh.locator('section.related')).first();
  await related.getByRole('link').first().waitFor({ timeout: 15000 });
  assert.ok(fetched.size >= 1);
  assert.deepEqual(fresh.errors, []);
  await page.context().close();
  await fresh.context().close();
});

test('sharded: exporting results fetches every paper it needs', async () => {
  const page = await newPage(run.browser);
  await page.goto(`${run.site.url}?q=learning`);
  await ready(page);
  await resultLinks(page).first().waitFor();
  const total = Number((await page.locator('#status').innerText()).split(' ')[0]);
  assert.ok(total > 50, `${total} results`);
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('group', { name: 'Export results' }).getByRole('button', { name: 'JSON', exact: true }).click(),
  ]);
  const papers = JSON.parse(fs.readFileSync(await download.path(), 'utf8'));
  const list = Array.isArray(papers) ? papers : papers.papers ?? papers.items;
  assert.equal(list.length, total, 'every result, not only the fetched ones');
  assert.ok(list.every((p) => p.title && p.id), 'each with its id and title');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('sharded: position chunks are fetched only once a phrase is searched, then phrases are exact', async () => {
  const page = await newPage(run.browser);
  const positions = [];
  page.on('request', (r) => {
    if (r.url().split('/').pop().startsWith('positions')) positions.push(r.url());
  });
  await page.goto(`${run.site.url}?q=diffusion`);
  await ready(page);
  await resultLinks(page).first().waitFor();
  await page.waitForTimeout(1000);
  assert.equal(positions.length, 0, 'no positions for a word query');

  const phrase = '"language models"';
  const cli = execFileSync(BIN, ['search', indexDir, phrase, '--limit', '1'], { encoding: 'utf8' });
  const expected = Number(cli.match(/^(\d+) result/m)[1]);
  await page.getByRole('searchbox', { name: 'Search papers' }).fill(phrase);
  await page.waitForFunction((n) => (document.querySelector('#status')?.textContent ?? '').startsWith(`${n} result`), expected, { timeout: 15000 });
  const chunks = manifest.files.filter((f) => f.role === 'positions-chunk').length;
  assert.ok(!manifest.files.some((f) => f.role === 'positions'), 'no whole positions file');
  assert.ok(positions.length >= 1 && positions.length < chunks, `${positions.length} of ${chunks} position chunks`);
  assert.equal(new Set(positions).size, positions.length, 'each chunk fetched once');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('sharded: a link with a filter and a title order fetches the facets it needs and answers as the CLI', async () => {
  const cat = 'cs.LG';
  const cli = execFileSync(BIN, ['search', indexDir, 'learning', '--cat', cat, '--limit', '1'], { encoding: 'utf8' });
  const expected = Number(cli.match(/^(\d+) result/m)[1]);
  assert.ok(expected > 5, cli);
  const page = await newPage(run.browser);
  const roles = roleRequests(page);
  await page.goto(`${run.site.url}?q=learning&cat=${cat}&sort=title`);
  await ready(page);
  await page.waitForFunction((n) => (document.querySelector('#status')?.textContent ?? '').startsWith(`${n} result`), expected, { timeout: 15000 });
  await resultLinks(page).nth(2).waitFor();
  const titles = (await resultLinks(page).allTextContents()).slice(0, 5);
  const sorted = [...titles].sort((a, b) => a.localeCompare(b, 'en', { sensitivity: 'base' }));
  assert.deepEqual(titles.map((t) => t.toLowerCase()[0]), sorted.map((t) => t.toLowerCase()[0]), titles.join(' | '));
  assert.equal(roles.filter((r) => r === 'facets').length, 1, 'the facets, fetched once');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

/** The dictionary shards in the order the app prefetches them: by the postings bytes their
 * terms own (each postings chunk's bytes shared by the lists falling in each shard). */
function shardsByWeight() {
  const split = (role) => manifest.splits.find((s) => s.role === role);
  const files = (role) => manifest.files.filter((f) => f.role === role);
  const [lex, post] = [split('lexicon'), split('postings-chunk')];
  const end = (s, i) => s.starts[i + 1] ?? (s.total || manifest.terms);
  const chunks = files('postings-chunk');
  const weights = files('lexicon').map((shard, s) => {
    let w = 0;
    chunks.forEach((chunk, c) => {
      const overlap = Math.max(0, Math.min(end(post, c), end(lex, s)) - Math.max(post.starts[c], lex.starts[s]));
      w += Math.floor((chunk.bytes * overlap) / Math.max(1, end(post, c) - post.starts[c]));
    });
    return { name: shard.name, w, s };
  });
  return weights.sort((a, b) => b.w - a.w || a.s - b.s).map((x) => x.name);
}

test('sharded: while idle the app fetches the heaviest dictionary shards and the next page, so Show more needs no fetch', async () => {
  const page = await newPage(run.browser);
  const requested = [];
  page.on('request', (r) => requested.push(r.url().split('/').pop()));
  await page.goto(run.site.url);
  await ready(page);
  await page.waitForFunction(() => document.querySelectorAll('ol.results h2 a, ol.results h3 a').length === 20 && !document.querySelector('.loading-more'));
  // Rows 21-40 of the listing are in chunks 2 (papers 32-47) and 1; chunk 2 is not shown yet.
  const chunk = (i) => manifest.files.filter((f) => f.role === 'docs-chunk')[i].name;
  await page.waitForFunction((name) => performance.getEntriesByType('resource').some((r) => r.name.endsWith(name)), chunk(2), { timeout: 15000 });
  const order = shardsByWeight();
  await page.waitForFunction((name) => performance.getEntriesByType('resource').some((r) => r.name.endsWith(name)), order[0], { timeout: 15000 });
  const shards = requested.filter((n) => n.startsWith('lexicon.'));
  assert.equal(shards[0], order[0], 'the heaviest shard comes first');
  assert.deepEqual(shards, order.slice(0, shards.length), 'then the next heaviest, in order');
  assert.equal(new URL(page.url()).searchParams.get('q'), null, 'nothing was typed');

  const mark = requested.length;
  await page.getByRole('button', { name: /Show more/ }).click();
  await page.waitForFunction(() => document.querySelectorAll('ol.results h2 a, ol.results h3 a').length === 40);
  assert.deepEqual(requested.slice(mark).filter((n) => n.startsWith('docs-chunk.')), [], 'the next page was already there');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

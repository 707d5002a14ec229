// The reading list end to end: save from results and the paper view, reorder, annotate,
// survive a reload, share as a read-only link, export (BibTeX, CSV, JSON, Markdown) and print.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { ARTIFACTS, ROOT, newPage, ready, serve, servedApp, variant } from './helpers.mjs';

const run = servedApp();

const params = (page) => new URL(page.url()).searchParams;
const results = (page) => page.getByRole('list', { name: 'Results' });
const saved = (page) => page.getByRole('list', { name: 'Saved papers' });
const savedTitles = (page) => saved(page).getByRole('link').allInnerTexts();
const tab = (page) => page.getByRole('navigation', { name: 'Views' }).getByRole('link', { name: /^Reading list/ });

/** Saves the first `n` results of a query; returns their titles. */
async function saveResults(page, query, n) {
  await page.goto(`${run.site.url}?q=${encodeURIComponent(query)}`);
  await ready(page);
  const titles = (await results(page).getByRole('heading').getByRole('link').allInnerTexts()).slice(0, n);
  for (let i = 0; i < n; i++) {
    const button = results(page).getByRole('button', { name: /^Save / }).nth(i);
    assert.equal(await button.getAttribute('aria-pressed'), 'false');
    await button.click();
    assert.equal(await button.getAttribute('aria-pressed'), 'true');
  }
  return titles;
}

async function openReadingList(page) {
  await tab(page).click();
  await page.getByRole('heading', { name: /Reading list \(/ }).waitFor();
  assert.equal(params(page).get('view'), 'reading');
}

/** Clicks an export button and returns the downloaded file's name and text. */
async function exportAs(page, group, format) {
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('group', { name: group }).getByRole('button', { name: format, exact: true }).click(),
  ]);
  const file = await download.path();
  return { name: download.suggestedFilename(), text: fs.readFileSync(file, 'utf8') };
}

test('reading list: save, reorder, annotate, reload, remove', async () => {
  const page = await newPage(run.browser);
  const titles = await saveResults(page, 'quantization', 3);
  assert.match(await tab(page).innerText(), /Reading list \(3\)/);
  await openReadingList(page);
  assert.deepEqual(await savedTitles(page), titles, 'saved in the order pressed');

  // The third moves up one place; the first cannot move up.
  assert.ok(await saved(page).getByRole('button', { name: /^Move up / }).first().isDisabled());
  await saved(page).getByRole('button', { name: /^Move up / }).nth(2).click();
  await page.waitForFunction((t) => document.querySelector('[aria-label="Saved papers"] li:nth-child(2) a')?.textContent === t, titles[2]);
  const order = [titles[0], titles[2], titles[1]];
  assert.deepEqual(await savedTitles(page), order);

  const note = 'Read §3 first — “the 4-bit part”, 50% {sure}';
  const noteBox = saved(page).getByRole('textbox', { name: /^Note for / }).first();
  await noteBox.fill(note);
  await noteBox.press('Tab');
  await page.waitForFunction(() => localStorage.getItem('papersift.reading-list')?.includes('4-bit'));

  // Kept in the browser: a reload shows the same list, order and note.
  await page.reload();
  await page.getByRole('heading', { name: 'Reading list (3)' }).waitFor();
  assert.deepEqual(await savedTitles(page), order);
  assert.equal(await saved(page).getByRole('textbox', { name: /^Note for / }).first().inputValue(), note);

  await saved(page).getByRole('button', { name: /^Remove / }).last().click();
  await page.getByRole('heading', { name: 'Reading list (2)' }).waitFor();
  assert.deepEqual(await savedTitles(page), order.slice(0, 2));

  // The paper view has the same toggle.
  await saved(page).getByRole('link').first().click();
  const toggle = page.getByRole('button', { name: /^Save / });
  await toggle.waitFor();
  assert.equal(await toggle.getAttribute('aria-pressed'), 'true');
  await toggle.click();
  assert.equal(await toggle.getAttribute('aria-pressed'), 'false');
  const stored = await page.evaluate(() => JSON.parse(localStorage.getItem('papersift.reading-list')));
  assert.deepEqual(stored.entries.map((e) => e.title), [order[1]], 'unsaved from the paper view');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('reading list: a share link opens read-only anywhere', async () => {
  const page = await newPage(run.browser);
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
  const titles = await saveResults(page, 'lora', 3);
  await openReadingList(page);
  await page.getByRole('button', { name: 'Copy share link' }).click();
  await page.waitForFunction(() => document.querySelector('[role="status"]')?.textContent === 'Share link copied');
  const link = await page.evaluate(() => navigator.clipboard.readText());
  const shared = new URL(link);
  assert.equal(shared.searchParams.get('view'), 'reading');
  assert.equal(shared.searchParams.get('list').split(',').length, 3, link);

  // Someone else (a fresh browser profile) opens it.
  const other = await newPage(run.browser);
  await other.goto(link);
  await other.getByRole('heading', { name: 'Shared reading list (3)' }).waitFor();
  const list = other.getByRole('list', { name: 'Shared papers' });
  assert.deepEqual(await list.getByRole('heading').count(), 0);
  assert.deepEqual((await list.getByRole('link').allInnerTexts()), titles, 'same papers, same order');
  assert.match(await tab(other).innerText(), /\(0\)/, 'opening a shared list saves nothing');
  await other.getByRole('button', { name: 'Save all to my list' }).click();
  await other.waitForFunction(() => /\(3\)/.test([...document.querySelectorAll('nav a')].map((a) => a.textContent).join(' ')));
  await other.getByRole('button', { name: 'My reading list' }).click();
  await other.getByRole('heading', { name: 'Reading list (3)' }).waitFor();
  assert.ok(!params(other).has('list'), 'the own list has no list parameter');
  assert.deepEqual(await savedTitles(other), titles);
  // Back returns to the shared list.
  await other.goBack();
  await other.getByRole('heading', { name: 'Shared reading list (3)' }).waitFor();
  assert.deepEqual(page.errors, []);
  assert.deepEqual(other.errors, []);
  await other.context().close();
  await page.context().close();
});

test('exports: reading list and results in four formats; print view', async () => {
  const page = await newPage(run.browser);
  const titles = await saveResults(page, 'scaling laws', 2);
  await openReadingList(page);
  const noteBox = saved(page).getByRole('textbox', { name: /^Note for / }).first();
  await noteBox.fill('compare, "carefully"');
  await noteBox.press('Tab');

  const json = await exportAs(page, 'Export list', 'JSON');
  assert.equal(json.name, 'reading-list.json');
  const rows = JSON.parse(json.text);
  assert.deepEqual(rows.map((r) => r.title), titles);
  assert.equal(rows[0].note, 'compare, "carefully"');

  const csv = await exportAs(page, 'Export list', 'CSV');
  assert.equal(csv.name, 'reading-list.csv');
  assert.ok(csv.text.startsWith('\ufeffid,title,authors,date,categories,url,note\r\n'));
  assert.ok(csv.text.includes('"compare, ""carefully"""'), csv.text);
  assert.equal(csv.text.trim().split('\r\n').length, 3);

  const bib = await exportAs(page, 'Export list', 'BibTeX');
  assert.equal(bib.name, 'reading-list.bib');
  assert.equal((bib.text.match(/^@(article|misc)\{/gm) ?? []).length, 2, bib.text);
  assert.ok(bib.text.includes('annote = {compare, "carefully"}'), bib.text);

  const md = await exportAs(page, 'Export list', 'Markdown');
  assert.equal(md.name, 'reading-list.md');
  // Seed papers have no web address: titles in bold, not links.
  assert.equal(md.text, `1. **${titles[0]}** — Mar 14\n   > compare, "carefully"\n2. **${titles[1]}** — Mar 14\n`);

  // Print: the list alone, without the app's controls.
  await page.emulateMedia({ media: 'print' });
  assert.ok(await saved(page).isVisible());
  for (const hidden of [page.getByRole('searchbox', { name: 'Search papers' }), page.getByRole('navigation', { name: 'Views' }), page.getByRole('button', { name: 'Copy share link' })]) {
    assert.ok(!(await hidden.isVisible()), 'hidden in print');
  }
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS, 'reading-print.png'), fullPage: true });
  await page.emulateMedia({ media: 'screen' });

  // The current results, in their order.
  await page.goto(`${run.site.url}?q=quantization&sort=title`);
  await ready(page);
  const shown = await results(page).getByRole('heading').getByRole('link').allInnerTexts();
  const total = Number((await page.locator('#status').innerText()).split(' ')[0]);
  const all = JSON.parse((await exportAs(page, 'Export results', 'JSON')).text);
  assert.equal(all.length, total, 'every result, not only the shown page');
  assert.deepEqual(all.slice(0, shown.length).map((r) => r.title), shown);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('reading list: survives a rebuild of the index with the same ids', async () => {
  const dir = variant('rebuild', () => {});
  const own = await serve(dir);
  const page = await newPage(run.browser);
  await page.goto(`${own.url}?q=${encodeURIComponent('unlearning')}`);
  await ready(page);
  const titles = (await results(page).getByRole('heading').getByRole('link').allInnerTexts()).slice(0, 2);
  for (let i = 0; i < 2; i++) await results(page).getByRole('button', { name: /^Save / }).nth(i).click();
  const before = fs.readFileSync(path.join(dir, 'index', 'manifest.json'), 'utf8');
  // The site owner rebuilds the index (here without topics: every file changes).
  fs.rmSync(path.join(dir, 'index'), { recursive: true });
  execFileSync(path.join(ROOT, 'target', 'release', 'papersift'), ['build', path.join(ROOT, 'seeds'), '--no-topics', '--out', path.join(dir, 'index'), '-q'], { stdio: 'pipe' });
  assert.notEqual(fs.readFileSync(path.join(dir, 'index', 'manifest.json'), 'utf8'), before);
  await page.goto(`${own.url}?view=reading`);
  await page.getByRole('heading', { name: 'Reading list (2)' }).waitFor();
  assert.deepEqual(await savedTitles(page), titles, 'same papers, linked to the new index');
  await saved(page).getByRole('link').first().click();
  await page.getByRole('heading', { level: 1, name: titles[0] }).waitFor();
  assert.deepEqual(page.errors, []);
  await page.context().close();
  await own.close();
});

test('print: the result list without the app controls', async () => {
  const page = await newPage(run.browser);
  await page.goto(`${run.site.url}?q=pruning`);
  await ready(page);
  await page.emulateMedia({ media: 'print' });
  assert.ok(await results(page).isVisible());
  for (const hidden of [page.getByRole('searchbox', { name: 'Search papers' }), page.getByRole('group', { name: 'Export results' }), results(page).getByRole('button', { name: /^Save / }).first()]) {
    assert.ok(!(await hidden.isVisible()), 'hidden in print');
  }
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS, 'results-print.png'), fullPage: true });
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

// Trends of a dated corpus (../shared/corpora/sample.jsonl, 200 arXiv papers over 16 months):
// topics with sparklines ordered by growth, a topic link filters the results, "new since" filters by date.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { ROOT, newPage, ready, serve, servedApp, variant } from './helpers.mjs';

const SAMPLE = path.join(ROOT, '..', 'shared', 'corpora', 'sample.jsonl');
const run = servedApp(() =>
  variant('dated', (d) => {
    fs.rmSync(path.join(d, 'index'), { recursive: true, force: true });
    execFileSync(path.join(ROOT, 'target', 'release', 'papersift'), ['build', SAMPLE, '--out', path.join(d, 'index'), '-q'], { stdio: 'pipe' });
  }),
);

const params = (page) => new URL(page.url()).searchParams;

test('trends: topics with sparklines by growth, new-since filter', async () => {
  const page = await newPage(run.browser);
  await page.goto(`${run.site.url}?view=topics`);
  await ready(page);
  const panel = page.getByRole('region', { name: 'Trends' });
  await panel.waitFor({ timeout: 15000 });
  assert.match(await panel.innerText(), /Papers per week, 2025-\d\d-\d\d to 2026-\d\d-\d\d/);
  const rising = panel.getByRole('list', { name: 'Topics, fastest growing first' });
  const items = rising.getByRole('listitem');
  assert.ok((await items.count()) >= 5, 'the top topics');
  // Ordered by growth: the first grew at least as much as the last.
  const growth = async (i) => Number((await items.nth(i).locator('.growth').innerText()).match(/×(\d+\.\d)/)[1]);
  assert.ok((await growth(0)) >= (await growth((await items.count()) - 1)));
  const spark = items.first().getByRole('img');
  assert.match(await spark.getAttribute('aria-label'), /^Papers per week, latest \d+: \d+(, \d+)*$/);
  // The polyline has one point per week.
  const points = (await spark.locator('polyline').getAttribute('points')).split(' ');
  assert.ok(points.length > 20, `${points.length} points`);

  // A rising topic filters the results to it.
  await items.first().getByRole('link').click();
  await page.waitForFunction(() => new URL(location.href).searchParams.has('topic'));
  assert.ok(Number((await page.locator('#status').innerText()).split(' ')[0]) < 200);
  await page.goBack();
  await page.waitForFunction(() => !new URL(location.href).searchParams.has('topic'));

  // New since the recent window: only papers from that date on.
  const since = page.getByRole('group', { name: 'New since' }).getByRole('link', { name: /^Last 4 weeks/ });
  await since.click();
  await page.waitForFunction(() => new URL(location.href).searchParams.has('from'));
  const from = params(page).get('from');
  assert.match(from, /^\d{4}-\d\d-\d\d$/);
  const shown = Number((await page.locator('#status').innerText()).split(' ')[0]);
  assert.ok(shown > 0 && shown < 200, `${shown} papers since ${from}`);
  await page.getByRole('list', { name: 'Papers in listing order' }).locator('.date').first().waitFor();
  const dates = await page.getByRole('list', { name: 'Papers in listing order' }).locator('.date').allTextContents();
  assert.ok(dates.length > 0 && dates.every((d) => d >= from), `${dates.join(' ')} vs ${from}`);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('trends: an undated listing shows none', async () => {
  const page = await newPage(run.browser);
  const plain = await serve(path.join(ROOT, 'dist'));
  await page.goto(`${plain.url}?view=topics`);
  await ready(page);
  await page.getByRole('navigation', { name: 'Views' }).waitFor();
  await page.waitForTimeout(300);
  assert.equal(await page.getByRole('region', { name: 'Trends' }).count(), 0);
  assert.deepEqual(page.errors, []);
  await page.context().close();
  await plain.close();
});

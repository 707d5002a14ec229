// End-to-end tests of the built app in headless Chromium: elements are found by role and
// label, and every view is checked in the URL.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { ARTIFACTS, DIST, DIST_SUBPATH, indexFile, median, newPage, p95, ready, serve, servedApp, variant } from './helpers.mjs';

const run = servedApp();

const search = (page) => page.getByRole('searchbox', { name: 'Search papers' });
const results = (page) => page.getByRole('list', { name: 'Results' });
const resultLinks = (page) => results(page).getByRole('heading').getByRole('link');
const params = (page) => new URL(page.url()).searchParams;

test('typing shows results, in the URL too', async () => {
  const page = await newPage(run.browser);
  await page.goto(run.site.url);
  await ready(page);
  await assert.doesNotReject(search(page).focus());
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'search', 'the search box has focus on load');
  assert.match(await page.locator('#status').innerText(), /^82 papers/);
  await search(page).pressSequentially('quantization', { delay: 20 });
  await page.waitForFunction(() => /results? for “quantization”/.test(document.querySelector('#status')?.textContent ?? ''));
  const titles = await resultLinks(page).allTextContents();
  assert.ok(titles.length >= 4, titles.join(' | '));
  assert.ok(titles[0].includes('Quantization'), titles[0]);
  assert.ok(await results(page).locator('mark').count() > 0, 'matches are highlighted');
  await page.waitForFunction(() => new URL(location.href).searchParams.get('q') === 'quantization');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('a result that stays while typing keeps its row; its marks and links follow the query', async () => {
  const page = await newPage(run.browser);
  await page.goto(run.site.url);
  await ready(page);
  await search(page).pressSequentially('quantiz', { delay: 20 });
  await page.waitForFunction(() => /for “quantiz”/.test(document.querySelector('#status')?.textContent ?? ''));
  const first = results(page).getByRole('listitem').filter({ hasText: 'EQ-Net' });
  const row = await first.elementHandle();
  await page.evaluate((el) => { el.dataset.probe = 'kept'; }, row);
  await search(page).pressSequentially('ation', { delay: 20 });
  await page.waitForFunction(() => /for “quantization”/.test(document.querySelector('#status')?.textContent ?? ''));
  // The same element (not a rebuilt row), with the new query in its link and its marks.
  assert.equal(await page.evaluate((el) => el.isConnected && el.dataset.probe, row), 'kept');
  const link = first.getByRole('heading').getByRole('link');
  assert.equal(new URL(await link.getAttribute('href'), run.site.url).searchParams.get('q'), 'quantization');
  assert.ok((await first.locator('mark').allInnerTexts()).some((m) => /^quantization$/i.test(m)), 'the whole word is marked');
  // Other paper: a new row.
  await search(page).fill('grokking');
  await page.waitForFunction(() => /for “grokking”/.test(document.querySelector('#status')?.textContent ?? ''));
  assert.equal(await page.evaluate((el) => el.isConnected, row), false);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('filter, sort, clear', async () => {
  const page = await newPage(run.browser);
  await page.goto(`${run.site.url}?q=parameter`);
  await ready(page);
  const before = Number((await page.locator('#status').innerText()).split(' ')[0]);
  await page.getByRole('checkbox', { name: /Has code/ }).check();
  await page.waitForFunction(() => new URL(location.href).searchParams.get('has') === 'code');
  const after = Number((await page.locator('#status').innerText()).split(' ')[0]);
  assert.ok(after > 0 && after < before, `${after} of ${before}`);
  assert.ok(await page.getByRole('group', { name: 'Active filters' }).getByRole('button', { name: /Remove filter Has code/ }).isVisible());

  await page.getByRole('combobox', { name: /Sort/ }).selectOption('title');
  await page.waitForFunction(() => new URL(location.href).searchParams.get('sort') === 'title');
  // (Text content: rows below the fold are not rendered, so they have no inner text.)
  const titles = await resultLinks(page).allTextContents();
  const sorted = [...titles].sort((a, b) => a.localeCompare(b, 'en', { sensitivity: 'base' }));
  assert.deepEqual(titles, sorted, 'sorted by title');

  await page.getByRole('button', { name: 'Clear all filters' }).click();
  await page.waitForFunction(() => !new URL(location.href).searchParams.has('has'));
  assert.equal(Number((await page.locator('#status').innerText()).split(' ')[0]), before);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('open a paper, copy its link, open it fresh, back and forward', async () => {
  const page = await newPage(run.browser);
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.goto(`${run.site.url}?q=scaling+laws`);
  await ready(page);
  const first = resultLinks(page).first();
  const title = await first.innerText();
  await first.click();
  const heading = page.getByRole('heading', { level: 1 });
  await heading.waitFor();
  assert.equal(await heading.innerText(), title);
  assert.ok(params(page).get('paper'), 'the paper is in the URL');
  assert.equal(params(page).get('q'), 'scaling laws', 'the query stays in the URL');
  assert.ok(await page.getByRole('region', { name: 'Related papers' }).or(page.getByRole('heading', { name: 'Related papers' })).first().isVisible());

  await page.getByRole('button', { name: 'Copy link' }).click();
  await page.waitForFunction(() => document.querySelector('[role=status]')?.textContent.includes('Link copied'));
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  assert.equal(copied, page.url());

  const fresh = await newPage(run.browser);
  await fresh.goto(copied);
  await ready(fresh);
  assert.equal(await fresh.getByRole('heading', { level: 1 }).innerText(), title, 'the link restores the view');
  await fresh.context().close();

  const bibtexButton = page.getByRole('button', { name: 'Copy BibTeX' });
  await bibtexButton.click();
  await page.waitForFunction(() => document.querySelector('[role=status]')?.textContent.includes('BibTeX copied'));
  assert.match(await page.evaluate(() => navigator.clipboard.readText()), /^@misc\{/);

  await page.goBack();
  await results(page).waitFor();
  assert.equal(params(page).get('paper'), null);
  assert.equal(await search(page).inputValue(), 'scaling laws');
  await page.goForward();
  await heading.waitFor();
  assert.equal(await heading.innerText(), title);
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('typing makes one history step, filters make their own', async () => {
  const page = await newPage(run.browser);
  await page.goto(run.site.url);
  await ready(page);
  await search(page).pressSequentially('lora', { delay: 30 });
  await page.getByRole('checkbox', { name: /Has code/ }).check();
  await page.waitForFunction(() => new URL(location.href).searchParams.get('has') === 'code');
  await page.goBack();
  await page.waitForFunction(() => !new URL(location.href).searchParams.has('has'));
  assert.equal(params(page).get('q'), 'lora');
  await page.goBack();
  await page.waitForFunction(() => !new URL(location.href).searchParams.has('q'));
  assert.equal(await search(page).inputValue(), '');
  await page.context().close();
});

test('works under a sub-path (relative build, and --public-url /some/sub/path/)', async () => {
  const builds = [DIST];
  if (fs.existsSync(path.join(DIST_SUBPATH, 'index.html'))) builds.push(DIST_SUBPATH);
  else assert.fail(`${DIST_SUBPATH} is missing: ./dev test builds it with --public-url /some/sub/path/`);
  for (const dir of builds) {
    const sub = await serve(dir, { prefix: '/some/sub/path/' });
    const page = await newPage(run.browser);
    await page.goto(`${sub.url}?q=pruning`);
    await ready(page);
    assert.ok((await resultLinks(page).count()) > 0, `results under a sub-path (${dir})`);
    await resultLinks(page).first().click();
    await page.getByRole('heading', { level: 1 }).waitFor();
    assert.ok(new URL(page.url()).pathname.startsWith('/some/sub/path/'), page.url());
    await page.reload();
    await page.getByRole('heading', { level: 1 }).waitFor();
    assert.deepEqual(page.errors, []);
    await page.context().close();
    await sub.close();
  }
});

test('a malformed link falls back to defaults and says what it ignored', async () => {
  const page = await newPage(run.browser);
  await page.goto(`${run.site.url}?q=pruning&q=other&sort=loudest&n=lots&has=bitcoin&zzz=%E0%A4%A&paper=`);
  await ready(page);
  assert.match(await page.locator('#status').innerText(), /results? for “pruning”/);
  const notes = await page.locator('.notices').innerText();
  assert.match(notes, /Ignored in the link/);
  assert.match(notes, /sort=loudest/);
  assert.match(notes, /zzz/);
  const unknownPaper = await newPage(run.browser);
  await unknownPaper.goto(`${run.site.url}?paper=${'x'.repeat(300)}`);
  await unknownPaper.getByRole('alert').waitFor();
  assert.match(await unknownPaper.getByRole('alert').innerText(), /not in the index/);
  assert.deepEqual([...page.errors, ...unknownPaper.errors], []);
  await page.context().close();
  await unknownPaper.context().close();
});

test('a corrupt, missing or foreign index shows what to do, with a retry', async () => {
  const cases = [
    ['corrupt', (dir) => { const f = indexFile(dir, 'postings'); const b = fs.readFileSync(f); b[40] ^= 0xff; fs.writeFileSync(f, b); }, /damaged|differs from the manifest/],
    ['truncated', (dir) => { const f = indexFile(dir, 'docs'); const b = fs.readFileSync(f); fs.writeFileSync(f, b.subarray(0, b.length >> 1)); }, /truncated/],
    ['missing', (dir) => fs.rmSync(path.join(dir, 'index'), { recursive: true }), /No paper index here yet/],
    ['version', (dir) => {
      const m = path.join(dir, 'index', 'manifest.json');
      fs.writeFileSync(m, fs.readFileSync(m, 'utf8').replace('"format_version": 1', '"format_version": 99'));
    }, /version 99.*rebuild/s],
  ];
  for (const [name, damage, expected] of cases) {
    const dir = variant(name, damage);
    const srv = await serve(dir);
    const page = await newPage(run.browser);
    await page.goto(`${srv.url}?q=lora`);
    const alert = page.getByRole('alert');
    await alert.waitFor();
    assert.match(await alert.innerText(), expected, name);
    assert.ok(await page.getByRole('button', { name: 'Retry' }).isVisible(), `${name}: retry offered`);
    assert.deepEqual(page.errors.filter((e) => !/404/.test(e)), [], name);
    await page.context().close();
    await srv.close();
    fs.rmSync(dir, { recursive: true });
  }
});

test('keyboard only: / to search, arrows, Enter, Escape', async () => {
  const page = await newPage(run.browser);
  await page.goto(run.site.url);
  await ready(page);
  await page.keyboard.press('Tab'); // leave the search box
  await page.keyboard.press('/');
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'search');
  await page.keyboard.type('pinn');
  await page.waitForFunction(() => /for “pinn”/.test(document.querySelector('#status')?.textContent ?? ''));
  await page.keyboard.press('ArrowDown');
  const focused = await page.evaluate(() => document.activeElement?.textContent);
  assert.equal(focused, await resultLinks(page).first().innerText());
  await page.keyboard.press('ArrowDown');
  assert.equal(await page.evaluate(() => document.activeElement?.textContent), await resultLinks(page).nth(1).innerText());
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { level: 1 }).waitFor();
  assert.ok(params(page).get('paper'));
  await page.keyboard.press('Escape');
  await results(page).waitFor();
  assert.equal(params(page).get('paper'), null);
  await page.keyboard.press('/');
  await page.keyboard.press('Escape');
  assert.equal(await search(page).inputValue(), '', 'Esc clears the search');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('landmarks, labels and themes', async () => {
  const page = await newPage(run.browser, { colorScheme: 'dark' });
  await page.goto(`${run.site.url}?q=calibration`);
  await ready(page);
  for (const role of ['banner', 'main', 'search', 'complementary']) {
    assert.equal(await page.getByRole(role).count(), 1, role);
  }
  assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'dark', 'follows prefers-color-scheme');
  await page.getByRole('button', { name: 'Dark theme' }).click();
  assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'light');
  await page.reload();
  await ready(page);
  assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'light', 'the choice is remembered');
  await page.context().close();
});

test('zero results suggest a spelling', async () => {
  const page = await newPage(run.browser);
  await page.goto(`${run.site.url}?q=${encodeURIComponent('"quantizaton pruning"')}`);
  await ready(page);
  await page.getByRole('region', { name: 'No results' }).waitFor();
  const suggestion = page.getByRole('link', { name: /quantization/ });
  assert.ok(await suggestion.isVisible());
  await suggestion.click();
  await page.waitForFunction(() => (new URL(location.href).searchParams.get('q') ?? '').includes('quantization'));
  await page.context().close();
});

test('topics: chips and facet filter, the graph and the map keep their state in the URL', async () => {
  const page = await newPage(run.browser);
  await page.goto(`${run.site.url}?q=unlearning`);
  await ready(page);
  // Topics load after the first results; then each result carries its topic.
  const chip = results(page).locator('.topic-chip').first();
  await chip.waitFor();
  const label = await chip.innerText();
  await chip.click();
  await page.waitForFunction(() => new URL(location.href).searchParams.get('topic') !== null);
  const topic = params(page).get('topic');
  const filtered = Number((await page.locator('#status').innerText()).split(' ')[0]);
  assert.ok(filtered >= 1, 'the topic has matching papers');
  assert.ok(await page.getByRole('group', { name: 'Topic' }).getByRole('checkbox', { name: label }).isChecked(), `facet "${label}" ticked`);

  // The topic graph view: a tab, a canvas, the topic still selected; zoom lands in the URL.
  await page.getByRole('navigation', { name: 'Views' }).getByRole('link', { name: 'Topic graph' }).click();
  await page.waitForFunction(() => new URL(location.href).searchParams.get('view') === 'topics');
  assert.equal(params(page).get('topic'), topic);
  const graph = page.getByRole('img', { name: 'Topic graph' });
  await graph.waitFor();
  await page.getByRole('button', { name: 'Zoom in' }).click();
  await page.waitForFunction(() => (new URL(location.href).searchParams.get('vp') ?? '').endsWith(',1.5'));
  const vp = params(page).get('vp');

  // Opened fresh, the link restores the same view; back returns to the list.
  const link = page.url();
  const fresh = await newPage(run.browser);
  await fresh.goto(link);
  await ready(fresh);
  await fresh.getByRole('img', { name: 'Topic graph' }).waitFor();
  assert.equal(await fresh.getByText('1.5×').count(), 1, 'the zoom is restored');
  await fresh.context().close();

  // A click on the graph's centre (a topic disc or empty space) never breaks the page.
  await page.getByRole('button', { name: 'Whole map' }).click();
  await page.waitForFunction(() => !new URL(location.href).searchParams.has('vp'));
  await page.goBack();
  await page.waitForFunction((vp) => new URL(location.href).searchParams.get('vp') === vp || new URL(location.href).searchParams.get('view') !== 'topics', vp);

  // The paper map: clicking a dot opens a paper.
  await page.goto(`${run.site.url}?view=map`);
  await ready(page);
  const map = page.getByRole('img', { name: 'Paper map' });
  await map.waitFor();
  await page.waitForFunction(() => (window.__papersiftMapFrames ?? []).length > 0);
  const box = await map.boundingBox();
  // Find a dot: probe a grid until the hover card names a paper, then click there.
  let opened = false;
  for (let gy = 0.1; gy <= 0.9 && !opened; gy += 0.03) {
    for (let gx = 0.1; gx <= 0.9 && !opened; gx += 0.03) {
      await page.mouse.move(box.x + box.width * gx, box.y + box.height * gy);
      if (await page.locator('.map-card').count()) {
        await page.mouse.down();
        await page.mouse.up();
        opened = true;
      }
    }
  }
  assert.ok(opened, 'a paper dot was found under the pointer');
  await page.waitForFunction(() => new URL(location.href).searchParams.has('paper'));
  await page.getByRole('heading', { level: 2, name: 'Related papers' }).waitFor();
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('screenshots and timings', async () => {
  for (const [w, h] of [[1280, 800], [390, 844]]) {
    for (const [name, query] of [['results', '?q=scaling+laws'], ['paper', '?paper=lagrangian-pinns-a-causality-conforming-solution-to-failure-modes-of-physics'], ['listing', ''], ['topics', '?view=topics&q=quantization'], ['map', '?view=map&q=scaling+laws']]) {
      const page = await newPage(run.browser, { viewport: { width: w, height: h } });
      await page.goto(`${run.site.url}${query}`);
      await ready(page);
      if (name === 'topics' || name === 'map') await page.waitForFunction(() => (window.__papersiftMapFrames ?? []).length > 0);
      await page.waitForTimeout(150);
      await page.screenshot({ path: path.join(ARTIFACTS, `${name}-${w}x${h}.png`) });
      await page.context().close();
    }
  }

  // First results painted for a ?q= link, from navigation start (5 fresh loads).
  const firsts = [];
  for (let i = 0; i < 5; i++) {
    const page = await newPage(run.browser);
    await page.goto(`${run.site.url}?q=quantization`);
    await page.waitForFunction(() => performance.getEntriesByName('papersift-first-results').length > 0, null, { timeout: 15000 });
    firsts.push(await page.evaluate(() => performance.getEntriesByName('papersift-first-results')[0].startTime));
    await page.context().close();
  }
  // Input to results painted, per keystroke.
  const page = await newPage(run.browser);
  await page.goto(run.site.url);
  await ready(page);
  for (const phrase of ['quantization of large language models', 'scaling laws for neural machine translation', 'physics informed neural networks']) {
    await search(page).fill('');
    await search(page).pressSequentially(phrase, { delay: 60 });
    await page.waitForTimeout(100);
  }
  const keys = await page.evaluate(() => window.__papersiftKeystrokes ?? []);
  await page.context().close();
  assert.ok(keys.length >= 60, `${keys.length} keystrokes measured`);
  const report = {
    first_results_ms: { median: median(firsts), runs: firsts },
    keystroke_ms: { median: median(keys), p95: p95(keys), count: keys.length },
  };
  fs.writeFileSync(path.join(ARTIFACTS, 'timings.json'), JSON.stringify(report, null, 2));
  console.log(`first results painted: median ${median(firsts).toFixed(1)} ms; keystroke to paint: median ${median(keys).toFixed(1)} ms, p95 ${p95(keys).toFixed(1)} ms over ${keys.length}`);
});

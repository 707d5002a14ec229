// Hostile input in the browser: paper text that tries to become markup or bad links, garbled
// links, failing networks, a swapped index file, a wasm panic, and a strict
// Content-Security-Policy. Nothing may run script, lose the view, or leave a blank page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { DIST, ROOT, indexFile, newPage, ready, serve, startBrowser, variant } from './helpers.mjs';

let browser;

before(async () => {
  browser = await startBrowser();
});

after(async () => {
  await browser?.close();
});

const CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'";

/** Builds an index of the hostile fixtures with the CLI into a copy of dist/. */
function hostileSite() {
  return variant('hostile', (dir) => {
    fs.rmSync(path.join(dir, 'index'), { recursive: true, force: true });
    const cli = path.join(ROOT, 'target', 'release', 'papersift');
    execFileSync(cli, ['build', path.join(ROOT, 'tests/fixtures/hostile'), '--out', path.join(dir, 'index'), '-q'], { stdio: 'pipe' });
  });
}

/** What a page must never show: script that ran, live markup from paper text, non-http links,
 *  or content wider than the window. */
async function assertInert(page, where) {
  const state = await page.evaluate(() => ({
    pwned: window.__pwned,
    live: document.querySelectorAll('[onerror], [onload], iframe, main script, main img, main svg').length,
    badLinks: [...document.querySelectorAll('a[href]')]
      .map((a) => a.href)
      .filter((h) => !/^https?:/.test(new URL(h, location.href).protocol)),
    overflow: document.documentElement.scrollWidth - window.innerWidth,
  }));
  assert.equal(state.pwned, undefined, `${where}: no script from paper text ran`);
  assert.equal(state.live, 0, `${where}: no element came from paper text`);
  assert.deepEqual(state.badLinks, [], `${where}: only http(s) links`);
  assert.ok(state.overflow <= 1, `${where}: the layout holds (${state.overflow}px too wide)`);
}

test('hostile paper text renders as text, only http(s) links become links, the layout holds', async () => {
  const dir = hostileSite();
  const srv = await serve(dir);
  for (const viewport of [{ width: 1280, height: 800 }, { width: 390, height: 844 }]) {
    const page = await newPage(browser, { viewport });
    await page.goto(`${srv.url}?q=quantization`);
    await ready(page);
    assert.match(await page.locator('#status').innerText(), /6 results/);
    const titles = await page.getByRole('list', { name: 'Results' }).getByRole('heading').allTextContents();
    assert.ok(titles.some((t) => t.includes('<script>window.__pwned=1</script>Quantization')), 'markup in a title shows as text');
    assert.ok(titles.some((t) => t.includes('&lt;b&gt;hostile&lt;/b&gt;')), 'entities are not decoded into markup');
    await assertInert(page, `results ${viewport.width}px`);
    for (const id of ['hostile-url', 'hostile-data', 'hostile-long', 'a-100-kb-abstract-about-quantization-full-of-script-tags']) {
      await page.goto(`${srv.url}?paper=${id}`);
      await page.locator('.paper h1').waitFor();
      await assertInert(page, `paper ${id} ${viewport.width}px`);
    }
    // The listing's real code link survives as a link; its javascript: and data: neighbours do not.
    await page.goto(`${srv.url}?q=quantization`);
    await page.getByRole('link', { name: /__pwned=1/ }).click();
    await page.locator('.paper h1').waitFor();
    const hrefs = await page.locator('.paper a[href]').evaluateAll((as) => as.map((a) => a.href));
    assert.ok(hrefs.includes('https://github.com/example/hostile-code'), `the code link is kept: ${hrefs}`);
    await assertInert(page, `paper with links ${viewport.width}px`);
    assert.deepEqual(page.errors, []);
    await page.context().close();
  }
  await srv.close();
  fs.rmSync(dir, { recursive: true });
});

test('garbled, repeated, oversized and unknown link parameters give a sane view and a note', async () => {
  const srv = await serve(DIST);
  const links = [
    `?q=lora&q=pinn&q=${'x'.repeat(5000)}`,
    `?q=${'quantization%20'.repeat(400)}`,
    '?n=99999999999999999999&sort=%00&view=%F0%9F%92%A5&vp=1e309,NaN,-1&topic=-1&from=2025-99-99&to=&cat=%E0%A4',
    `?paper=${'%25'.repeat(200)}&zzz=1&&&=&%=%&q=pruning`,
  ];
  for (const link of links) {
    const page = await newPage(browser);
    await page.goto(srv.url + link);
    await ready(page);
    const text = await page.locator('body').innerText();
    assert.ok(text.length > 50, `${link.slice(0, 40)}: the page is not blank`);
    assert.ok(await page.getByRole('searchbox', { name: 'Search papers' }).isVisible(), 'the search box is there');
    assert.deepEqual(page.errors, [], link.slice(0, 40));
    await page.context().close();
  }
  const page = await newPage(browser);
  await page.goto(srv.url + links[0]);
  await ready(page);
  assert.equal(await page.getByRole('searchbox', { name: 'Search papers' }).inputValue(), 'lora', 'the first q counts');
  assert.match(await page.locator('.notices').innerText(), /Ignored in the link[\s\S]*more than once/);
  await page.context().close();
  await srv.close();
});

test('a blocked or failing network shows a message with a retry, and the retry recovers', async () => {
  const srv = await serve(DIST);
  const page = await newPage(browser);
  // The DevTools protocol blocks the index folder: the page loads, its index cannot.
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.setBlockedURLs', { urls: ['*/index/*'] });
  await page.goto(`${srv.url}?q=lora`);
  const alert = page.getByRole('alert');
  await alert.waitFor();
  assert.match(await alert.innerText(), /could not be reached|No paper index/);
  await cdp.send('Network.setBlockedURLs', { urls: [] });
  await page.getByRole('button', { name: 'Retry' }).click();
  await page.locator('#status').waitFor();
  assert.match(await page.locator('#status').innerText(), /results? for “lora”/);
  assert.equal(new URL(page.url()).searchParams.get('q'), 'lora', 'the view survived the failure');
  // Offline after the first load: the app keeps working on what it has.
  await cdp.send('Network.emulateNetworkConditions', { offline: true, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
  await page.getByRole('searchbox', { name: 'Search papers' }).fill('pruning');
  await page.waitForFunction(() => /pruning/.test(document.querySelector('#status')?.textContent ?? ''));
  // A server error on one file: the message names the status.
  const failing = await newPage(browser);
  await failing.route('**/index/postings.*', (route) => route.fulfill({ status: 500, body: 'boom' }));
  await failing.goto(`${srv.url}?q=lora`);
  await failing.getByRole('alert').waitFor();
  assert.match(await failing.getByRole('alert').innerText(), /HTTP 500/);
  assert.ok(await failing.getByRole('button', { name: 'Retry' }).isVisible());
  // No unhandled promise rejection or uncaught error anywhere (pageerror catches both).
  assert.deepEqual([...page.errors, ...failing.errors].filter((e) => !/ERR_|net::|500/.test(e)), []);
  await page.context().close();
  await failing.context().close();
  await srv.close();
});

test('a file swapped for one that does not match the manifest is refused', async () => {
  const other = fs.mkdtempSync(path.join(os.tmpdir(), 'papersift-other-'));
  execFileSync(path.join(ROOT, 'target', 'release', 'papersift'), ['build', path.join(ROOT, 'tests/fixtures/hostile'), '--out', path.join(other, 'index'), '-q'], { stdio: 'pipe' });
  // A well-formed docs file of another index, under this index's file name.
  const dir = variant('swapped', (d) => fs.copyFileSync(indexFile(other, 'docs'), indexFile(d, 'docs')));
  const srv = await serve(dir);
  const page = await newPage(browser);
  await page.goto(`${srv.url}?q=lora`);
  await page.getByRole('alert').waitFor();
  assert.match(await page.getByRole('alert').innerText(), /docs\.[0-9a-f]+\.bin.*(differs from the manifest|truncated)/s);
  assert.ok(await page.getByRole('button', { name: 'Retry' }).isVisible());
  await page.context().close();
  await srv.close();
  fs.rmSync(dir, { recursive: true });
  fs.rmSync(other, { recursive: true });
});

test('a wasm panic is reported on the page', async () => {
  const srv = await serve(DIST);
  const page = await newPage(browser);
  await page.goto(`${srv.url}?q=lora`);
  await ready(page);
  await page.evaluate(() => { try { window.wasmBindings.test_panic(); } catch { /* the trap after the hook */ } });
  const alert = page.locator('#fatal');
  await alert.waitFor();
  assert.equal(await alert.getAttribute('role'), 'alert');
  assert.match(await alert.innerText(), /internal error: .*test_panic was called.*Reload the page/s);
  await page.context().close();
  await srv.close();
});

test('the app works under a strict Content-Security-Policy', async () => {
  const srv = await serve(DIST, { headers: { 'content-security-policy': CSP } });
  const page = await newPage(browser);
  await page.addInitScript(() => {
    window.__csp = [];
    document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(`${e.violatedDirective} ${e.blockedURI} ${e.sample}`));
  });
  const violations = [];
  page.on('console', (m) => { if (/Content Security Policy/i.test(m.text())) violations.push(m.text()); });
  await page.goto(`${srv.url}?q=lora`);
  await ready(page);
  assert.match(await page.locator('#status').innerText(), /results? for “lora”/);
  await page.getByRole('list', { name: 'Results' }).getByRole('heading').getByRole('link').first().click();
  await page.locator('.paper h1').waitFor();
  await page.goto(`${srv.url}?view=map`);
  await page.locator('canvas').first().waitFor();
  const box = await page.locator('canvas').first().boundingBox();
  for (let i = 0; i < 12; i++) await page.mouse.move(box.x + box.width * (0.2 + i * 0.05), box.y + box.height * 0.5);
  assert.deepEqual([...violations, ...(await page.evaluate(() => window.__csp))], [], 'no CSP violation');
  assert.deepEqual(page.errors.filter((e) => !/Content Security Policy/i.test(e)), []);
  await page.context().close();
  await srv.close();
});

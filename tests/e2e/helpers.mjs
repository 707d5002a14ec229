// Shared set-up for the browser tests: the built app (dist/), copies of it with a damaged
// index, a server per variant, one browser for the whole run.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { before, after } from 'node:test';
import { serve } from './server.mjs';
import { launch } from './browser.mjs';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const DIST = process.env.PAPERSIFT_DIST ?? path.join(ROOT, 'dist');
export const DIST_SUBPATH = path.join(ROOT, 'target', 'dist-subpath');
export const ARTIFACTS = path.join(ROOT, 'tests', 'e2e', 'artifacts');

/** Copies dist/ to a temporary folder and lets `change(dir)` damage it. */
export function variant(name, change) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `papersift-${name}-`));
  fs.cpSync(DIST, dir, { recursive: true });
  change(dir);
  return dir;
}

/** The index file of a role in a dist folder. */
export function indexFile(dir, role) {
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'index', 'manifest.json'), 'utf8'));
  return path.join(dir, 'index', manifest.files.find((f) => f.role === role).name);
}

export async function startBrowser() {
  if (!fs.existsSync(path.join(DIST, 'index.html'))) {
    throw new Error(`${DIST} has no index.html: run \`./dev test\` (or trunk build --release) first`);
  }
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  return launch();
}

/** A page that fails the test on any uncaught error or unhandled rejection. */
export async function newPage(browser, options = {}) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, ...options });
  const page = await context.newPage();
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error' && !/Failed to load resource/.test(m.text())) page.errors.push(m.text());
  });
  return page;
}

export { serve };

/**
 * Starts one browser and serves `dir` (a folder, or a function returning one, called when the
 * tests start) for the test file; stops both at its end. The returned object's `browser` and
 * `site` are set once the tests run.
 */
export function servedApp(dir = DIST) {
  const run = {};
  before(async () => {
    run.browser = await startBrowser();
    run.site = await serve(typeof dir === 'function' ? dir() : dir);
  });
  after(async () => {
    await run.browser?.close();
    await run.site?.close();
  });
  return run;
}

/** Waits until the app shows results (or a load error), then returns. */
export async function ready(page) {
  await page.waitForFunction(() => document.querySelector('#status, [role="alert"], .zero, .paper h1'), null, { timeout: 15000 });
}

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor((s.length - 1) / 2)];
}

export function p95(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(s.length * 0.95) - 1)];
}

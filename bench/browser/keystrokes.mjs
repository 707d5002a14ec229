// Per-keystroke latency, input event to results painted, in headless Chromium against a built
// site on 127.0.0.1 (for a sharded index: `cp dist/*.* SITE/ && ln -s INDEX_DIR SITE/index`).
// Types the same phrases twice, one key every 60 ms: the first pass fetches the dictionary
// shards, postings and papers each new word reaches (a keystroke that waits for them counts
// until its results are painted); the second runs with them cached. "Painted" is the task
// after the next animation frame; "DOM updated" is when the result list has been rendered.
//
//   node bench/browser/keystrokes.mjs [SITE]
import { serve } from '../../tests/e2e/server.mjs';
import { launch } from '../../tests/e2e/browser.mjs';

const [site = 'dist'] = process.argv.slice(2);
const PHRASES = [
  'quantization of large language models',
  'scaling laws for neural machine translation',
  'physics informed neural networks',
  'diffusion models for image generation',
  'graph neural networks',
];

const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] : NaN;
};
const fmt = (xs) => `median ${pct(xs, 50).toFixed(1)} ms, p95 ${pct(xs, 95).toFixed(1)} ms, max ${Math.max(...xs).toFixed(1)} ms over ${xs.length} keystrokes`;

const server = await serve(site);
const browser = await launch();
const page = await browser.newPage();
await page.goto(server.url);
await page.waitForFunction(() => performance.getEntriesByName('papersift-first-results').length > 0, null, { timeout: 30000 });
const box = page.getByRole('searchbox', { name: 'Search papers' });
const passes = [];
for (const pass of ['first pass (shards fetched as words are typed)', 'second pass (shards cached)']) {
  await page.evaluate(() => { window.__papersiftKeystrokes = []; window.__papersiftRenderMs = []; });
  for (const phrase of PHRASES) {
    await box.fill('');
    await box.pressSequentially(phrase, { delay: 60 });
    await page.waitForTimeout(1500);
  }
  const keys = await page.evaluate(() => window.__papersiftKeystrokes ?? []);
  const dom = await page.evaluate(() => window.__papersiftRenderMs ?? []);
  passes.push(keys);
  console.log(`${pass}:\n  input to results painted: ${fmt(keys)}\n  input to DOM updated:     ${fmt(dom)}`);
}
await browser.close();
await server.close();

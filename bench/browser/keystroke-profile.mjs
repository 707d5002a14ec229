// Where a keystroke's main-thread time goes in the app: Chromium's sampling profiler while
// phrases are typed into the search box (shards cached: each phrase is typed once unprofiled
// first), self time per function, top 40.
//
//   node bench/browser/keystroke-profile.mjs SITE
//
// SITE is a built app whose wasm keeps its function names (see bench/browser/profile.mjs for
// the build), with its index.
import { openApp, typePhrases } from './typing.mjs';

const [site = 'dist'] = process.argv.slice(2);
const PHRASES = ['quantization of large language models', 'graph neural networks', 'diffusion models for image generation'];
const { page, close } = await openApp(site);
const type = () => typePhrases(page, PHRASES, 800);
await type();
const cdp = await page.context().newCDPSession(page);
await cdp.send('Profiler.enable');
await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
await cdp.send('Profiler.start');
await type();
const { profile } = await cdp.send('Profiler.stop');
await close();

const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const dt = new Map();
for (let i = 0; i < profile.samples.length; i++) dt.set(profile.samples[i], (dt.get(profile.samples[i]) ?? 0) + (profile.timeDeltas[i + 1] ?? 0));
const self = new Map();
const total = new Map();
const parent = new Map();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
for (const [id, us] of dt) {
  const n = byId.get(id);
  const name = n.callFrame.functionName || `(${n.callFrame.url.split('/').pop() || 'native'})`;
  self.set(name, (self.get(name) ?? 0) + us);
  // Inclusive time: once per function name on the sample's stack.
  const seen = new Set();
  for (let p = id; p !== undefined; p = parent.get(p)) {
    const f = byId.get(p).callFrame.functionName || '(anonymous)';
    if (!seen.has(f)) { seen.add(f); total.set(f, (total.get(f) ?? 0) + us); }
  }
}
const busy = [...self].filter(([n]) => n !== '(idle)' && n !== '(program)').reduce((a, [, us]) => a + us, 0);
console.log(`busy ${(busy / 1000).toFixed(0)} ms over ${PHRASES.join('').length} keystrokes`);
console.log('\nself time:');
for (const [n, us] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 40)) console.log(`${(us / 1000).toFixed(1).padStart(8)} ms  ${n.slice(0, 150)}`);
console.log('\ninclusive time:');
for (const [n, us] of [...total].sort((a, b) => b[1] - a[1]).slice(0, 60)) console.log(`${(us / 1000).toFixed(1).padStart(8)} ms  ${n.slice(0, 150)}`);

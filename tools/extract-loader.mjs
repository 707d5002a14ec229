// Trunk post-build hook: moves the inline module script Trunk writes into index.html (the
// wasm loader) into its own content-hashed file, so the built app runs under a
// Content-Security-Policy of `script-src 'self'` (no 'unsafe-inline', no hashes to keep in sync).
// Run by Trunk with TRUNK_STAGING_DIR set; a no-op when there is no inline script.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

const dir = process.env.TRUNK_STAGING_DIR;
if (!dir) {
  console.error('extract-loader: TRUNK_STAGING_DIR is not set (run me as a Trunk hook)');
  process.exit(1);
}
const htmlPath = path.join(dir, 'index.html');
const html = fs.readFileSync(htmlPath, 'utf8');
const inline = /<script type=(?:"module"|module)>([\s\S]*?)<\/script>/;
const found = html.match(inline);
if (!found) process.exit(0);
const code = found[1].trim() + '\n';
const name = `loader-${crypto.createHash('sha256').update(code).digest('hex').slice(0, 16)}.js`;
// The loader's imports are relative to the page; as a file in the same folder they resolve the
// same way (and absolute ones, from --public-url, are unchanged).
fs.writeFileSync(path.join(dir, name), code);
const base = (html.match(/<base href=(?:"([^"]*)"|([^\s>]+))/) ?? []).slice(1).find(Boolean) ?? './';
fs.writeFileSync(htmlPath, html.replace(inline, `<script type=module src="${base}${name}"></script>`));
console.log(`extract-loader: index.html loads ${name}`);

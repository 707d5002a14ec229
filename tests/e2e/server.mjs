// A static file server for the browser tests: serves a folder under a path prefix, on
// 127.0.0.1 and a free port, with the MIME types the app needs. It can also send extra
// headers (for the Content-Security-Policy test) and log what was fetched (for byte counts).
// With `brotli` (benchmarks only) it sends files brotli-encoded, as a static host would,
// compressing each file once into a cache folder.
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import zlib from 'node:zlib';

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8', '.wasm': 'application/wasm', '.json': 'application/json', '.svg': 'image/svg+xml',
  '.bin': 'application/octet-stream',
};

/**
 * Starts a server. `root` is the folder, `prefix` the URL path it lives under ("/" or "/a/b/").
 * Returns { url, close, log } where log lists { path, bytes } of every response (bytes as sent).
 * `brotli: DIR` sends every file brotli-encoded (quality 11) to clients that accept it, except
 * files already compressed (Pagefind's `.pf_*`), keeping the encoded copies in DIR.
 */
export function serve(root, { prefix = '/', headers = {}, brotli = null } = {}) {
  root = path.resolve(root);
  const log = [];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://127.0.0.1');
    let p = decodeURIComponent(url.pathname);
    if (!p.startsWith(prefix)) {
      res.writeHead(404).end('not found');
      return;
    }
    p = p.slice(prefix.length);
    if (p === '' || p.endsWith('/')) p += 'index.html';
    const file = path.join(root, path.normalize(p));
    if (!file.startsWith(root)) {
      res.writeHead(403).end();
      return;
    }
    fs.readFile(file, (err, body) => {
      if (err) {
        log.push({ path: url.pathname, bytes: 0, status: 404 });
        res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
        return;
      }
      const type = { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream' };
      if (brotli && /\bbr\b/.test(req.headers['accept-encoding'] ?? '') && !/\.pf_\w+$/.test(file)) {
        body = encoded(brotli, body);
        type['content-encoding'] = 'br';
      }
      log.push({ path: url.pathname, bytes: body.length, status: 200 });
      res.writeHead(200, { ...type, ...headers });
      res.end(body);
    });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      resolve({ url: `http://127.0.0.1:${port}${prefix}`, log, close: () => new Promise((r) => server.close(r)) });
    });
  });
}

/** `body` brotli-encoded at quality 11, from DIR when it was encoded before. */
export function encoded(dir, body) {
  const file = path.join(dir, `${crypto.createHash('sha256').update(body).digest('hex')}.br`);
  try {
    return fs.readFileSync(file);
  } catch {
    const out = zlib.brotliCompressSync(body, {
      params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: body.length },
    });
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(file, out);
    return out;
  }
}

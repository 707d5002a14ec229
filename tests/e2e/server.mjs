// A static file server for the browser tests: serves a folder under a path prefix, on
// 127.0.0.1 and a free port, with the MIME types the app needs. It can also send extra
// headers (for the Content-Security-Policy test) and log what was fetched (for byte counts).
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8', '.wasm': 'application/wasm', '.json': 'application/json', '.svg': 'image/svg+xml',
  '.bin': 'application/octet-stream',
};

/**
 * Starts a server. `root` is the folder, `prefix` the URL path it lives under ("/" or "/a/b/").
 * Returns { url, close, log } where log lists { path, bytes } of every response.
 */
export function serve(root, { prefix = '/', headers = {} } = {}) {
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
      log.push({ path: url.pathname, bytes: body.length, status: 200 });
      res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream', ...headers });
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

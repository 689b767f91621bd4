// A tiny static file server for dist/: the right MIME types (application/wasm
// for the tfjs binaries, which streaming compilation requires), HEAD, ETag,
// Range requests (so the page's ranged reads work as on a real host) and,
// with `isolate`, the COOP/COEP headers that make a page cross-origin isolated
// (SharedArrayBuffer: tfjs then loads its threaded wasm build; with tfjs 4.22
// it still ran one XNNPACK thread here, so it is off by default).
import { createServer } from 'node:http';
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';

export const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.wasm': 'application/wasm',
  '.safetensors': 'application/octet-stream',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
};

/**
 * Serves `root` on 127.0.0.1. Returns { url, port, close, requests }.
 * `requests` logs "METHOD path status" lines (tests check what the page fetched).
 */
export async function startServer(root, { port = 0, host = '127.0.0.1', isolate = false, log = false } = {}) {
  const base = resolve(root);
  const requests = [];
  const server = createServer(async (req, res) => {
    const done = (status, headers = {}, body) => {
      requests.push(`${req.method} ${req.url} ${status}`);
      if (log) console.log(`${req.method} ${req.url} ${status}`);
      res.writeHead(status, {
        'Cache-Control': 'no-cache',
        ...(isolate
          ? { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' }
          : {}),
        ...headers,
      });
      res.end(req.method === 'HEAD' ? undefined : body);
    };
    try {
      if (req.method !== 'GET' && req.method !== 'HEAD') return done(405, { Allow: 'GET, HEAD' });
      const url = new URL(req.url ?? '/', 'http://localhost');
      let path = normalize(join(base, decodeURIComponent(url.pathname)));
      if (path !== base && !path.startsWith(base + sep)) return done(403);
      let info = await stat(path).catch(() => undefined);
      if (info?.isDirectory()) {
        path = join(path, 'index.html');
        info = await stat(path).catch(() => undefined);
      }
      if (!info?.isFile()) return done(404, { 'Content-Type': 'text/plain' }, 'not found');
      const body = await readFile(path);
      const etag = `"${createHash('sha1').update(body).digest('hex').slice(0, 16)}"`;
      const type = MIME[extname(path)] ?? 'application/octet-stream';
      const common = {
        'Content-Type': type,
        ETag: etag,
        'Accept-Ranges': 'bytes',
        'Last-Modified': info.mtime.toUTCString(),
      };
      if (req.headers['if-none-match'] === etag) return done(304, common);
      const range = /^bytes=(\d*)-(\d*)$/.exec(req.headers.range ?? '');
      if (range && (range[1] !== '' || range[2] !== '')) {
        const size = body.length;
        let start = range[1] === '' ? size - Number(range[2]) : Number(range[1]);
        let end = range[1] === '' || range[2] === '' ? size - 1 : Math.min(size - 1, Number(range[2]));
        start = Math.max(0, start);
        if (start > end || start >= size) return done(416, { 'Content-Range': `bytes */${size}` });
        return done(
          206,
          { ...common, 'Content-Range': `bytes ${start}-${end}/${size}`, 'Content-Length': String(end - start + 1) },
          body.subarray(start, end + 1),
        );
      }
      return done(200, { ...common, 'Content-Length': String(body.length) }, body);
    } catch (e) {
      return done(500, { 'Content-Type': 'text/plain' }, String(e?.message ?? e));
    }
  });
  await new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(port, host, ok);
  });
  const actual = server.address().port;
  return {
    port: actual,
    // "localhost" (not 127.0.0.1) so the page is a secure context by name as well as by address.
    url: `http://localhost:${actual}/`,
    requests,
    close: () => new Promise((ok) => server.close(() => ok())),
  };
}

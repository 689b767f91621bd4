// Helpers for the file-system tests: a stub web server (files in memory,
// GET/HEAD, Range, ETag, 404s, and switches for "offline", "no HEAD" and
// "ignores Range"), byte patterns, and a tiny CA-MTL model to save and load.
import { createCaMtl } from '@camtl/ca-mtl';

export interface StubServer {
  fetch: typeof fetch;
  files: Map<string, Uint8Array>;
  /** "METHOD path [range]" per request. */
  log: string[];
  offline: boolean;
  noHead: boolean;
  ignoreRange: boolean;
  /** Changes the ETag of every file (as a redeploy would). */
  generation: number;
}

export function stubServer(origin: string, files: Record<string, Uint8Array | string>): StubServer {
  const enc = new TextEncoder();
  const s: StubServer = {
    files: new Map(Object.entries(files).map(([k, v]) => [k, typeof v === 'string' ? enc.encode(v) : v])),
    log: [],
    offline: false,
    noHead: false,
    ignoreRange: false,
    generation: 1,
    fetch: (async (input: RequestInfo | URL, init?: RequestInit) => {
      const url = new URL(String(input));
      const method = init?.method ?? 'GET';
      const headers = new Headers(init?.headers);
      const range = headers.get('range');
      s.log.push(`${method} ${url.pathname}${range ? ` ${range}` : ''}`);
      if (s.offline) throw new TypeError('Failed to fetch');
      if (url.origin !== origin) return new Response('wrong host', { status: 502 });
      if (method === 'HEAD' && s.noHead) return new Response(null, { status: 405 });
      const body = s.files.get(url.pathname.replace(/^\//, ''));
      if (!body) return new Response(method === 'HEAD' ? null : 'not found', { status: 404, statusText: 'Not Found' });
      const common = { etag: `"g${s.generation}-${body.byteLength}"`, 'accept-ranges': 'bytes' };
      if (method === 'HEAD')
        return new Response(null, { status: 200, headers: { ...common, 'content-length': String(body.byteLength) } });
      const m = range && !s.ignoreRange ? /^bytes=(\d+)-(\d+)$/.exec(range) : null;
      if (m) {
        const start = Number(m[1]);
        const end = Math.min(body.byteLength - 1, Number(m[2]));
        return new Response(body.slice(start, end + 1), {
          status: 206,
          headers: { ...common, 'content-range': `bytes ${start}-${end}/${body.byteLength}` },
        });
      }
      return new Response(body.slice(), {
        status: 200,
        headers: { ...common, 'content-length': String(body.byteLength) },
      });
    }) as typeof fetch,
  };
  return s;
}

/** Bytes 0..n-1 mod 251 (no run of equal bytes, so misplaced reads show). */
export function pattern(n: number): Uint8Array {
  return Uint8Array.from({ length: n }, (_, i) => i % 251);
}

/** A random CA-MTL model on a tiny BERT (12 words, hidden 8, 2 layers; maxSeqLength 8). */
export function tinyCaMtl(tasks: string[], numLabels: number[], seed: number): ReturnType<typeof createCaMtl> {
  const bertConfig = {
    vocab_size: 12,
    hidden_size: 8,
    num_hidden_layers: 2,
    num_attention_heads: 2,
    intermediate_size: 16,
    max_position_embeddings: 16,
  };
  return createCaMtl({ bertConfig, tasks, numLabels, maxSeqLength: 8, seed });
}

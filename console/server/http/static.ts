/**
 * Serves the built web app (console/web/dist) with an SPA fallback to index.html, gzipped once per
 * file version for browsers that accept it (the app's JavaScript is ~3:1).
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { extname, join, normalize, sep } from 'node:path';
import { gzipSync } from 'node:zlib';
import { acceptsGzip } from './accepts-gzip';
import type { Hono } from 'hono';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json',
};

const COMPRESSIBLE: ReadonlySet<string> = new Set([
  '.html',
  '.js',
  '.mjs',
  '.css',
  '.json',
  '.svg',
  '.txt',
  '.map',
]);
/** Below this a gzip header costs more than it saves. */
const MIN_GZIP_BYTES = 1024;

/** A file's bytes, and its gzip when worth it, kept while its size and mtime stay the same. */
interface CachedFile {
  version: string;
  raw: Uint8Array<ArrayBuffer>;
  gzip: Uint8Array<ArrayBuffer> | null;
}

/** The request path decoded once from the raw URL; null for a malformed percent-escape. */
function decodedPath(url: string): string | null {
  try {
    return decodeURIComponent(new URL(url).pathname);
  } catch {
    return null;
  }
}

export function mountWebApp(app: Hono, dist: string): void {
  const root = normalize(dist) + sep;
  const indexFile = join(dist, 'index.html');
  const cache = new Map<string, CachedFile>();
  const load = (file: string): CachedFile => {
    const stat = statSync(file);
    const version = `${stat.size}:${stat.mtimeMs}`;
    const cached = cache.get(file);
    if (cached?.version === version) return cached;
    const raw = readFileSync(file);
    const worth = COMPRESSIBLE.has(extname(file)) && raw.length >= MIN_GZIP_BYTES;
    const entry = { version, raw, gzip: worth ? gzipSync(raw, { level: 9 }) : null };
    cache.set(file, entry);
    return entry;
  };
  app.get('*', (c) => {
    if (!existsSync(indexFile)) return c.notFound();
    const path = decodedPath(c.req.url);
    if (path === null)
      return c.json({ error: { code: 'bad_path', message: 'the path has a malformed percent-escape' } }, 400);
    const requested = normalize(join(dist, path));
    const isFile = requested.startsWith(root) && existsSync(requested) && statSync(requested).isFile();
    const file = isFile ? requested : indexFile;
    const { raw, gzip } = load(file);
    const hashedAsset = isFile && file.includes(`${sep}assets${sep}`);
    const headers: Record<string, string> = {
      'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
      'cache-control': hashedAsset ? 'public, max-age=31536000, immutable' : 'no-cache',
    };
    if (gzip === null) return c.body(raw, 200, headers);
    headers.vary = 'Accept-Encoding';
    if (!acceptsGzip(c.req.header('accept-encoding'))) return c.body(raw, 200, headers);
    return c.body(gzip, 200, { ...headers, 'content-encoding': 'gzip' });
  });
}

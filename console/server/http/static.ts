/** Serves the built web app (console/web/dist) with an SPA fallback to index.html. */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { extname, join, normalize, sep } from 'node:path';
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
  app.get('*', (c) => {
    if (!existsSync(indexFile)) return c.notFound();
    const path = decodedPath(c.req.url);
    if (path === null)
      return c.json({ error: { code: 'bad_path', message: 'the path has a malformed percent-escape' } }, 400);
    const requested = normalize(join(dist, path));
    const isFile = requested.startsWith(root) && existsSync(requested) && statSync(requested).isFile();
    const file = isFile ? requested : indexFile;
    const body = readFileSync(file);
    const hashedAsset = isFile && file.includes(`${sep}assets${sep}`);
    return c.body(body, 200, {
      'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
      'cache-control': hashedAsset ? 'public, max-age=31536000, immutable' : 'no-cache',
    });
  });
}

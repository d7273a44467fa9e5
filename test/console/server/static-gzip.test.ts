/**
 * The web app's files go out gzipped to browsers that accept it (compressed once per file version),
 * as they are to everyone else; tiny files and binary types are sent as they are.
 */
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { Hono } from 'hono';
import { afterAll, describe, expect, it } from 'vitest';
import { mountWebApp } from '../../../console/server/http/static';

const dist = mkdtempSync(join(tmpdir(), 'web-dist-'));
mkdirSync(join(dist, 'assets'));
const script = `export const rows = [${Array.from({ length: 2000 }, (_, i) => `"row ${i}"`).join(',')}];\n`;
writeFileSync(join(dist, 'index.html'), '<!doctype html><title>t</title>');
writeFileSync(join(dist, 'assets', 'app.js'), script);
writeFileSync(join(dist, 'assets', 'logo.png'), Buffer.alloc(4096, 7));
const app = new Hono();
mountWebApp(app, dist);

afterAll(() => rmSync(dist, { recursive: true, force: true }));

const get = (path: string, acceptEncoding?: string) =>
  app.request(path, { headers: acceptEncoding === undefined ? {} : { 'accept-encoding': acceptEncoding } });

describe('web app files', () => {
  it('are gzipped for a browser that accepts gzip, and the same bytes when unzipped', async () => {
    const response = await get('/assets/app.js', 'gzip, deflate, br');
    expect(response.headers.get('content-encoding')).toBe('gzip');
    expect(response.headers.get('vary')).toBe('Accept-Encoding');
    const body = Buffer.from(await response.arrayBuffer());
    expect(body.length * 3).toBeLessThan(script.length);
    expect(gunzipSync(body).toString()).toBe(script);
  });

  it('go as they are without gzip in Accept-Encoding, or with q=0', async () => {
    for (const header of [undefined, 'identity', 'br', 'gzip;q=0']) {
      const response = await get('/assets/app.js', header);
      expect(response.headers.get('content-encoding')).toBeNull();
      expect(await response.text()).toBe(script);
    }
  });

  it('leave small files and images alone', async () => {
    expect((await get('/', 'gzip')).headers.get('content-encoding')).toBeNull();
    const image = await get('/assets/logo.png', 'gzip');
    expect(image.headers.get('content-encoding')).toBeNull();
    expect(Buffer.from(await image.arrayBuffer()).length).toBe(4096);
  });

  it('follow a rebuilt file, not the copy compressed before', async () => {
    const rebuilt = `${script}export const more = 1;\n`;
    writeFileSync(join(dist, 'assets', 'app.js'), rebuilt);
    const later = new Date(Date.now() + 5000);
    utimesSync(join(dist, 'assets', 'app.js'), later, later);
    const response = await get('/assets/app.js', 'gzip');
    expect(gunzipSync(Buffer.from(await response.arrayBuffer())).toString()).toBe(rebuilt);
  });
});

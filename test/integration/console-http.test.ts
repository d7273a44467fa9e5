/** OpenAPI from the route schemas, the web app with SPA fallback, HTTPS with a certificate from the project's CA, /pki. */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { consoleTlsFromCa } from '../../console/server/tls';
import { parseServeConfig } from '../../console/server/config';
import { openMetricsStore } from '../../metrics';
import { type MetricPoint } from '../../domain';
import type { SessionResponse } from '../../console/shared';
import { addUser, login, PASSWORD, startStack, takeDown, type Stack } from '../console/server/support';

let stack: Stack;
const web = mkdtempSync(join(tmpdir(), 'web-dist-'));
beforeAll(async () => {
  mkdirSync(join(web, 'assets'));
  writeFileSync(join(web, 'index.html'), '<!doctype html><title>网管中心</title><div id="app"></div>');
  writeFileSync(join(web, 'assets', 'app-1234.js'), 'console.log(1)');
  stack = await startStack({ withPki: true, webDist: web });
  await addUser(stack, 'admin', 'sysadmin', null);
  await addUser(stack, 'sec', 'secadmin', null);
});
afterAll(() => stack.stop());

test('the OpenAPI document lists every route with the schemas the routes validate with', async () => {
  const admin = await login(stack.server.url, 'admin');
  const doc = (await (await admin.api('/api/openapi.json')).json()) as {
    openapi: string;
    paths: Record<
      string,
      Record<
        string,
        {
          requestBody?: { content: Record<string, { schema: { properties?: Record<string, unknown> } }> };
          parameters: Array<{ name: string }>;
        }
      >
    >;
  };
  expect(doc.openapi).toBe('3.1.0');
  expect(Object.keys(doc.paths)).toEqual(
    expect.arrayContaining([
      '/api/alerts/{id}/ack',
      '/api/certificates',
      '/api/metrics',
      '/api/silences/{id}',
    ]),
  );
  const login_ = doc.paths['/api/session']?.post?.requestBody?.content['application/json']?.schema.properties;
  expect(Object.keys(login_ ?? {})).toEqual(['username', 'password', 'totpCode']);
  const metrics = doc.paths['/api/metrics']?.get?.parameters.map((p) => p.name);
  expect(metrics).toEqual(
    expect.arrayContaining(['measurement', 'field', 'node', 'fromMs', 'toMs', 'stepS', 'agg']),
  );
});

test('a bad body names the field; an unknown API path is a JSON 404', async () => {
  const admin = await login(stack.server.url, 'sec');
  const bad = await admin.api('/api/silences', {
    method: 'POST',
    body: { matchers: [], startsAtMs: 1, endsAtMs: 2, reason: 'x' },
  });
  expect(bad.status).toBe(400);
  expect(((await bad.json()) as { error: { field: string } }).error.field).toBe('matchers');
  // Own connection (agent: false): the server answers 413 without reading the rest and closes it.
  const hugeStatus = await new Promise<number>((resolve, reject) => {
    const { hostname, port } = new URL(stack.server.url);
    const req = httpRequest(
      {
        host: hostname,
        port,
        path: '/api/silences',
        method: 'POST',
        agent: false,
        headers: { cookie: admin.cookie, 'x-csrf-token': admin.csrf, 'content-type': 'application/json' },
      },
      (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify({ reason: 'x'.repeat(300 * 1024) }));
  });
  expect(hugeStatus).toBe(413);
  const missing = await admin.api('/api/nope');
  expect(missing.status).toBe(404);
  expect(((await missing.json()) as { error: { code: string } }).error.code).toBe('not_found');
});

test('the web app is served with an SPA fallback, /api and /pki are not', async () => {
  const page = await fetch(`${stack.server.url}/alerts/123`);
  expect(page.status).toBe(200);
  expect(await page.text()).toContain('网管中心');
  expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
  const asset = await fetch(`${stack.server.url}/assets/app-1234.js`);
  expect(asset.headers.get('content-type')).toContain('javascript');
  expect(asset.headers.get('cache-control')).toContain('immutable');
  const traversal = await fetch(`${stack.server.url}/..%2f..%2fetc%2fpasswd`);
  expect(await traversal.text()).toContain('网管中心');
  const crl = await fetch(`${stack.server.url}/pki/crl/nanyang-branch.crl`);
  expect(crl.status).toBe(200);
  expect(crl.headers.get('content-type')).toBe('application/pkix-crl');
});

test('HTTPS with a server certificate issued by the project CA; the cookie is Secure', async () => {
  const pki = stack.pki;
  if (!pki) throw new Error('no CA');
  const material = consoleTlsFromCa(pki, 'ny-dx', join(stack.dir, 'tls-state'));
  if (!material.ok) throw new Error(material.reason);
  const again = consoleTlsFromCa(pki, 'ny-dx', join(stack.dir, 'tls-state'));
  expect(again.ok && !again.issued).toBe(true); // reused, not re-issued
  const root = pki.chainPem('root');
  if (!root.ok) throw new Error(root.reason);
  const tlsStack = await startStack({ tls: { certPem: material.certPem, keyPem: material.keyPem } });
  try {
    await addUser(tlsStack, 'admin', 'sysadmin', null);
    const port = new URL(tlsStack.server.url).port;
    const response = await new Promise<{ status: number; cookie: string; hsts: string; body: string }>(
      (resolve, reject) => {
        const req = request(
          {
            host: '127.0.0.1',
            port,
            path: '/api/session',
            method: 'POST',
            ca: root.value,
            servername: 'ny-dx.nanyang.gov.cn',
            headers: { 'content-type': 'application/json' },
          },
          (res) => {
            let body = '';
            res.on('data', (chunk: Buffer) => (body += chunk.toString()));
            res.on('end', () =>
              resolve({
                status: res.statusCode ?? 0,
                cookie: String(res.headers['set-cookie'] ?? ''),
                hsts: String(res.headers['strict-transport-security'] ?? ''),
                body,
              }),
            );
          },
        );
        req.on('error', reject);
        req.end(JSON.stringify({ username: 'admin', password: PASSWORD }));
      },
    );
    expect(tlsStack.server.url).toMatch(/^https:/);
    expect(response.status).toBe(200);
    expect(response.cookie).toMatch(/HttpOnly/);
    expect(response.cookie).toMatch(/Secure/);
    expect(response.cookie).toMatch(/SameSite=Strict/);
    expect(response.hsts).toContain('max-age=');
    expect((JSON.parse(response.body) as SessionResponse).user.role).toBe('sysadmin');
  } finally {
    await tlsStack.stop();
  }
});

test('serve config: every problem listed with its field; paths resolved against the file', () => {
  const bad = parseServeConfig('port: http\ntls: { certFile: a.pem }\nbogus: 1\n', '/etc/egov/serve.yaml');
  expect(bad.ok).toBe(false);
  if (bad.ok) return;
  expect(bad.errors.join('\n')).toMatch(/inventory/);
  expect(bad.errors.join('\n')).toMatch(/port/);
  expect(bad.errors.join('\n')).toMatch(/certFile and keyFile/);
  expect(bad.errors.join('\n')).toMatch(/bogus/);
  const good = parseServeConfig(
    'inventory: nets/ny.yaml\nmetrics: sqlite:data/m.sqlite\n',
    '/etc/egov/serve.yaml',
  );
  expect(good.ok && good.config).toMatchObject({
    inventory: '/etc/egov/nets/ny.yaml',
    metrics: 'sqlite:/etc/egov/data/m.sqlite',
    port: 8080,
    host: '127.0.0.1',
  });
});

test('host health for admins: CPU, memory, disk, uptime of the console machine', async () => {
  const admin = await login(stack.server.url, 'admin');
  const response = await admin.api('/api/admin/host');
  expect(response.status).toBe(200);
  const health = (await response.json()) as {
    cpuPct: number;
    memPct: number;
    diskPct: number;
    uptimeS: number;
  };
  for (const value of [health.cpuPct, health.memPct, health.diskPct]) expect(value).toBeGreaterThanOrEqual(0);
  expect(health.uptimeS).toBeGreaterThan(0);
});

test('metrics over the real embedded store: a county operator gets only its own nodes’ series', async () => {
  const store = openMetricsStore('memory');
  await store.init();
  const withStore = await startStack({ metrics: store });
  try {
    await addUser(withStore, 'xc-op', 'operator', 'xichuan-gw');
    const t0 = Date.now() - 600_000;
    store.write(
      ['xichuan-sw', 'nanzhao-sw', 'xichuan-mcu'].flatMap((node) =>
        [0, 1, 2].map((i) => ({
          measurement: 'node',
          tags: { node },
          fields: { cpuPct: 10 + i },
          timeMs: t0 + i * 60_000,
        })),
      ),
    );
    await store.flush();
    const op = await login(withStore.server.url, 'xc-op');
    const response = await op.api(
      `/api/metrics?measurement=node&field=cpuPct&fromMs=${t0 - 1000}&toMs=${Date.now()}&stepS=60&agg=max&groupBy=node`,
    );
    expect(response.status).toBe(200);
    const { series } = (await response.json()) as {
      series: Array<{ tags: Record<string, string>; points: Array<[number, number]> }>;
    };
    expect(series.map((s) => s.tags.node).sort()).toEqual(['xichuan-mcu', 'xichuan-sw']);
    expect(series[0]?.points.length).toBe(3);
    expect(
      (
        await op.api(
          `/api/metrics?measurement=node&field=cpuPct&node=nanzhao-sw&fromMs=${t0}&toMs=${Date.now()}`,
        )
      ).status,
    ).toBe(404);
  } finally {
    await withStore.stop();
    await store.close();
  }
});

test('samples on the bus show up in node detail and on the video link (probed from the city end)', async () => {
  const store = openMetricsStore('memory');
  await store.init();
  const withStore = await startStack({ metrics: store });
  try {
    await addUser(withStore, 'xc-op', 'operator', 'xichuan-gw');
    const nowMs = Date.now();
    const points: MetricPoint[] = [
      {
        measurement: 'node',
        tags: { node: 'xichuan-sw' },
        fields: { cpuPct: 41, memPct: 63, uptimeS: 86_400, reachable: 1 },
        timeMs: nowMs,
      },
      {
        measurement: 'interface',
        tags: {
          node: 'xichuan-sw',
          ifIndex: '1',
          ifName: withStore.topology.find('xichuan-sw')?.interfaces[0]?.name ?? '',
        },
        fields: { inBps: 1e6, outBps: 2e6, operUp: 1 },
        timeMs: nowMs,
      },
      {
        measurement: 'storage',
        tags: { node: 'xichuan-sw', storage: 'flash:' },
        fields: { usedPct: 12, sizeBytes: 1e9 },
        timeMs: nowMs,
      },
    ];
    withStore.bus.publish({ type: 'samples', node: 'xichuan-sw' as never, timeMs: nowMs, points });
    const video = {
      measurement: 'video',
      tags: { link: 'vc-ny-xichuan', node: 'ny-mcu', peer: 'xichuan-mcu', probe: 'ping' },
      fields: { rttMs: 18, jitterMs: 3, lossPct: 0.2, mos: 4.3 },
      timeMs: nowMs,
    };
    withStore.bus.publish({ type: 'samples', node: 'ny-mcu' as never, timeMs: nowMs, points: [video] });
    store.write([video]);
    await store.flush();

    const op = await login(withStore.server.url, 'xc-op');
    const detail = (await (await op.api('/api/nodes/xichuan-sw')).json()) as {
      cpuPct: number;
      memPct: number;
      storage: unknown[];
      interfaces: Array<{ inBps: number | null; operUp: boolean | null }>;
      state: { stale: boolean; lastSeenMs: number };
    };
    expect(detail).toMatchObject({ cpuPct: 41, memPct: 63 });
    expect(detail.storage).toHaveLength(1);
    expect(detail.interfaces[0]).toMatchObject({ inBps: 1e6, operUp: true });
    expect(detail.state).toMatchObject({ stale: false, lastSeenMs: nowMs });
    const { links } = (await (await op.api('/api/video-links')).json()) as {
      links: Array<{ id: string; mos: number | null; rttMs: number | null }>;
    };
    expect(links).toEqual([expect.objectContaining({ id: 'vc-ny-xichuan', mos: 4.3, rttMs: 18 })]);
    const series = (await (
      await op.api(
        `/api/metrics?measurement=video&field=mos&link=vc-ny-xichuan&fromMs=${nowMs - 60_000}&toMs=${nowMs + 60_000}`,
      )
    ).json()) as { series: Array<{ points: Array<[number, number]> }> };
    expect(series.series[0]?.points[0]?.[1]).toBe(4.3);
    expect(
      (
        await op.api(
          `/api/metrics?measurement=video&field=mos&link=vc-ny-nanzhao&fromMs=${nowMs - 60_000}&toMs=${nowMs}`,
        )
      ).status,
    ).toBe(404);
  } finally {
    await withStore.stop();
    await store.close();
  }
});

test('reads are gzipped; the session answers (CSRF token, sign-in) never are, so their length cannot leak a secret', async () => {
  const signIn = await fetch(`${stack.server.url}/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'accept-encoding': 'gzip' },
    body: JSON.stringify({ username: 'admin', password: PASSWORD }),
  });
  expect(signIn.status).toBe(200);
  expect(signIn.headers.get('content-encoding')).toBeNull();
  const cookie = (signIn.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  const read = (path: string) =>
    fetch(`${stack.server.url}${path}`, { headers: { cookie, 'accept-encoding': 'gzip' } });
  expect((await read('/api/session')).headers.get('content-encoding')).toBeNull();
  const topology = await read('/api/topology');
  expect(topology.status).toBe(200);
  expect(topology.headers.get('content-encoding')).toBe('gzip');
});

test('the alert list is gzipped once per change, and reads the same gzipped or not', async () => {
  for (const node of ['nanzhao-sw', 'xichuan-sw', 'neixiang-sw']) takeDown(stack, node);
  const { cookie } = await login(stack.server.url, 'admin');
  const path = '/api/alerts?includeSuppressed=true';
  const read = (encoding: string) =>
    fetch(`${stack.server.url}${path}`, { headers: { cookie, 'accept-encoding': encoding } });
  // Other alerts may still change the list's seq between reads, so a round counts only when the
  // plain list read before and after the two gzipped reads is the same.
  let round = { plainBefore: '', plainAfter: '', first: '', second: '', encodings: [''], vary: '' };
  await expect
    .poll(async () => {
      const plainBefore = await (await read('identity')).text();
      const first = await read('gzip');
      const second = await read('gzip');
      const plainAfterResponse = await read('identity');
      round = {
        plainBefore,
        first: await first.text(),
        second: await second.text(),
        plainAfter: await plainAfterResponse.text(),
        encodings: [first, second, plainAfterResponse].map((r) => String(r.headers.get('content-encoding'))),
        vary: String(first.headers.get('vary')),
      };
      return (
        plainBefore === round.plainAfter &&
        ['nanzhao-sw', 'xichuan-sw', 'neixiang-sw'].every((n) => plainBefore.includes(n))
      );
    })
    .toBe(true);
  const plainText = round.plainBefore;
  expect(plainText.length).toBeGreaterThan(1024);
  expect(round.encodings).toEqual(['gzip', 'gzip', 'null']);
  expect(round.vary).toContain('Accept-Encoding');
  // fetch undoes the gzip: both answers are the plain list, byte for byte.
  expect(round.first).toBe(plainText);
  expect(round.second).toBe(plainText);
  // A change makes a new entry: the gzipped answer is never the previous list's.
  takeDown(stack, 'zhenping-sw');
  await expect
    .poll(async () => {
      const changed = await (await read('gzip')).text();
      const plain = await (await read('identity')).text();
      return changed.includes('zhenping-sw') && changed !== plainText && plain === changed;
    })
    .toBe(true);
});

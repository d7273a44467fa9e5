/**
 * What an outsider can send before any sign-in: request bodies of any size and framing on every
 * route (/pki included), Host headers of foreign names (DNS rebinding), malformed paths, queries and
 * bodies on every route of the table. Each gets a clear 4xx, never a 5xx or a buffered body.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import WebSocket from 'ws';
import { apiRoutes } from '../../console/server';
import type { AnyRoute } from '../../console/server/http/route';
import { addUser, login, startStack, type Stack } from '../console/server/support';

let stack: Stack;
let adminToken: string;

beforeAll(async () => {
  const dir = (await import('node:fs')).mkdtempSync(join((await import('node:os')).tmpdir(), 'console-'));
  const webDist = join(dir, 'web');
  mkdirSync(join(webDist, 'assets'), { recursive: true });
  writeFileSync(join(webDist, 'index.html'), '<!doctype html><title>egov-noc</title>');
  writeFileSync(join(webDist, 'assets', 'app.js'), 'console.log(1)');
  stack = await startStack({ withPki: true, webDist, allowedHosts: ['noc.nanyang.gov.cn'] }, dir);
  await addUser(stack, 'admin', 'sysadmin', null);
  const admin = await login(stack.server.url, 'admin');
  const created = await admin.api('/api/tokens', { method: 'POST', body: { name: 'fuzz' } });
  adminToken = ((await created.json()) as { token: string }).token;
});
afterAll(() => stack.stop());

interface RawAnswer {
  status: number;
  body: string;
}

/** A request with full control of the Host header and the body framing. */
function raw(
  path: string,
  options: { method?: string; host?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<RawAnswer> {
  const { port } = new URL(stack.server.url);
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      {
        host: '127.0.0.1',
        port,
        path,
        method: options.method ?? 'GET',
        headers: { host: options.host ?? `127.0.0.1:${port}`, ...options.headers },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString() }),
        );
      },
    );
    request.on('error', reject);
    request.end(options.body);
  });
}

/**
 * Streams `totalBytes` of chunked body (no Content-Length) and resolves with the answer and how
 * much had been written when it came.
 */
function streamChunked(
  path: string,
  totalBytes: number,
  headers: Record<string, string>,
): Promise<{ status: number; sentBytes: number }> {
  const { port } = new URL(stack.server.url);
  const chunk = Buffer.alloc(64 * 1024, 0x20);
  return new Promise((resolve, reject) => {
    let sentBytes = 0;
    let answered = false;
    const request = httpRequest({
      host: '127.0.0.1',
      port,
      path,
      method: 'POST',
      headers: { ...headers, 'transfer-encoding': 'chunked' },
    });
    request.on('response', (response) => {
      answered = true;
      response.resume();
      resolve({ status: response.statusCode ?? 0, sentBytes });
      request.destroy();
    });
    request.on('error', (error) => {
      if (!answered) reject(error);
    });
    const pump = () => {
      while (!answered && sentBytes < totalBytes) {
        sentBytes += chunk.length;
        if (!request.write(chunk)) return void request.once('drain', pump);
      }
      if (!answered) request.end();
    };
    pump();
  });
}

test.each([
  { path: '/api/session', type: 'application/json' },
  { path: '/api/users', type: 'application/json', signedIn: true },
  { path: '/pki/ocsp', type: 'application/ocsp-request' },
])('a 50 MB chunked body to $path is refused 413 long before it is all sent', async (target) => {
  const answer = await streamChunked(target.path, 50 * 1024 * 1024, {
    'content-type': target.type,
    ...(target.signedIn ? { authorization: `Bearer ${adminToken}` } : {}),
  });
  expect(answer.status).toBe(413);
  expect(answer.sentBytes).toBeLessThan(20 * 1024 * 1024);
});

test('a declared Content-Length over the limit is refused before reading, on /pki too', async () => {
  for (const path of ['/api/session', '/pki/ocsp']) {
    const answer = await raw(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-length': String(300 * 1024) },
    });
    expect(answer.status, path).toBe(413);
    expect(JSON.parse(answer.body)).toMatchObject({ error: { code: 'too_large' } });
  }
});

test('a body under the limit still works when chunked', async () => {
  const { port } = new URL(stack.server.url);
  const status = await new Promise<number>((resolve, reject) => {
    const request = httpRequest(
      {
        host: '127.0.0.1',
        port,
        path: '/api/session',
        method: 'POST',
        headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
      },
      (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      },
    );
    request.on('error', reject);
    request.write('{"username":"admin",');
    request.end('"password":"correct-horse-battery-9"}');
  });
  expect(status).toBe(200);
});

test('a foreign Host name gets 421 on the API, /pki, the web app and the stream', async () => {
  for (const path of ['/api/session', '/pki/crl/nanyang-branch.crl', '/', '/api/openapi.json']) {
    const answer = await raw(path, { host: 'rebind.attacker.example' });
    expect(answer.status, path).toBe(421);
    expect(JSON.parse(answer.body)).toMatchObject({
      error: { code: 'wrong_host', message: expect.stringContaining('allowedHosts') as string },
    });
  }
  for (const host of ['a b', 'x@127.0.0.1', '127.0.0.1:8080/evil'])
    expect([400, 421], host).toContain((await raw('/api/session', { host })).status);
  const { port } = new URL(stack.server.url);
  const refused = await new Promise<number>((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/api/stream`, {
      headers: { host: 'rebind.attacker.example', authorization: `Bearer ${adminToken}` },
    });
    ws.once('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0));
    ws.once('open', () => reject(new Error('the stream opened for a foreign Host')));
    ws.once('error', () => undefined);
  });
  expect(refused).toBe(421);
});

test('loopback names, IP addresses and configured names are accepted', async () => {
  const { port } = new URL(stack.server.url);
  for (const host of [
    `127.0.0.1:${port}`,
    `localhost:${port}`,
    `[::1]:${port}`,
    'LOCALHOST',
    `10.41.0.5:${port}`,
    'noc.nanyang.gov.cn',
    'NOC.nanyang.gov.cn.:443',
  ])
    expect((await raw('/api/openapi.json', { host })).status, host).toBe(401);
});

test('malformed static paths get 400 or the app, never a 5xx', async () => {
  for (const path of [
    '/%E0%A4%A',
    '/%',
    '/assets/%ZZ',
    '/..%2f..%2fetc%2fpasswd',
    '/%252e%252e/%252e%252e/etc/passwd',
  ]) {
    const answer = await raw(path);
    expect(answer.status, path).toBeLessThan(500);
    expect(answer.body, path).not.toContain('root:');
  }
  expect((await raw('/%E0%A4%A')).status).toBe(400);
  expect((await raw('/assets/app.js')).body).toBe('console.log(1)');
});

const BAD_PARAMS = [
  '%E0%A4%A',
  '%ZZ',
  '..%2F..%2Fetc',
  '99999999999999999999999',
  '-1',
  '%00',
  'x'.repeat(3000),
  '南阳',
];
const BAD_QUERIES = [
  '?limit=abc&before=-5&fromMs=x&toMs=&node=%E0%A4%A&status=bogus,,&minSeverity=1',
  '?fromMs=1&toMs=99999999999999999999999&stepS=0.5&measurement=a%00b&field=x',
  '?%E0%A4%A=%E0%A4%A&text=%',
];
const BAD_BODIES: Array<{ type: string; body: string | undefined }> = [
  { type: 'application/json', body: undefined },
  { type: 'application/json', body: '{"a":' },
  { type: 'application/json', body: 'null' },
  { type: 'application/json', body: '[1,2,3]' },
  { type: 'application/json', body: '"text"' },
  { type: 'application/json', body: `${'['.repeat(5000)}${']'.repeat(5000)}` },
  { type: 'application/json', body: '{"name":{"x":1},"password":7,"matchers":"x","node":[],"comment":null}' },
  { type: 'application/json', body: '{"__proto__":{"admin":true},"constructor":{"prototype":{}}}' },
  { type: 'text/plain', body: 'hello' },
  { type: 'application/x-www-form-urlencoded', body: 'a=1&b=%ZZ' },
  { type: 'multipart/form-data; boundary=x', body: '--x\r\n\r\n--x--' },
  { type: 'application/json; charset=utf-16', body: '\u00ff\u00fe' },
];

interface BadRequest {
  path: string;
  query: string;
  type: string;
  body: string | undefined;
}

const NO_BODY = { type: 'application/json', body: undefined };

/**
 * The malformed requests one route gets: every bad param, query and body reaches it, and they are
 * combined in full over the inputs the route reads together. mountRoutes parses a body only for
 * routes that declare a body schema and a query only for those that declare a query schema (the
 * only handler that reads its URL, the alert list, declares one); a bad value of an input the route
 * never parses is sent once, with the first bad param, not in every combination with the others.
 */
function badRequestsFor(route: AnyRoute): BadRequest[] {
  const bodies = route.method === 'get' ? [NO_BODY] : BAD_BODIES;
  const paths = route.path.includes(':')
    ? BAD_PARAMS.map((value) => route.path.replace(/:[A-Za-z]+/g, encodeURI(value).replace(/%25/g, '%')))
    : [route.path];
  const queries = ['', ...BAD_QUERIES];
  const read = {
    queries: route.query === undefined ? [''] : queries,
    bodies: route.body === undefined ? [bodies[0] ?? NO_BODY] : bodies,
  };
  const combined = paths.flatMap((path) =>
    read.queries.flatMap((query) => read.bodies.map((body) => ({ path, query, ...body }))),
  );
  const [firstPath = route.path] = paths;
  const unread = [
    ...queries.filter((query) => !read.queries.includes(query)).map((query) => ({ query, ...NO_BODY })),
    ...bodies.filter((body) => !read.bodies.includes(body)).map((body) => ({ query: '', ...body })),
  ];
  return [...combined, ...unread.map((request) => ({ path: firstPath, ...request }))];
}

test('the malformed requests cover every bad value on every route, in full where a route reads them together', () => {
  const byRoute = new Map(
    apiRoutes().map((route) => [`${route.method} ${route.path}`, badRequestsFor(route)]),
  );
  for (const [name, requests] of byRoute) {
    const seen = (pick: (request: BadRequest) => string | undefined) => new Set(requests.map(pick));
    expect(
      seen((request) => request.query),
      name,
    ).toEqual(new Set(['', ...BAD_QUERIES]));
    if (name.startsWith('get '))
      expect(
        seen((request) => request.body),
        name,
      ).toEqual(new Set([undefined]));
    else
      expect(
        seen((request) => request.body),
        name,
      ).toEqual(new Set(BAD_BODIES.map((b) => b.body)));
  }
  // A body-reading route with params gets each bad param with each bad body; a query-reading one
  // each bad param with each bad query.
  expect(byRoute.get('post /api/alerts/:id/ack')).toHaveLength(BAD_PARAMS.length * BAD_BODIES.length + 3);
  expect(byRoute.get('get /api/reports/:month')).toHaveLength(BAD_PARAMS.length * (BAD_QUERIES.length + 1));
  expect(byRoute.get('delete /api/silences/:id')).toHaveLength(BAD_PARAMS.length + 3 + BAD_BODIES.length - 1);
});

test('every route answers malformed params, queries and bodies with a 4xx, never a 5xx', async () => {
  const failures: string[] = [];
  for (const route of apiRoutes()) {
    const method = route.method.toUpperCase();
    for (const { path, query, type, body } of badRequestsFor(route)) {
      const answer = await raw(`${path}${query}`, {
        method,
        headers: {
          authorization: `Bearer ${adminToken}`,
          'content-type': type,
        },
        ...(body === undefined ? {} : { body }),
      });
      if (answer.status >= 500 || answer.status === 0)
        failures.push(
          `${method} ${path.slice(0, 60)}${query} [${type}] ${body?.slice(0, 30) ?? ''} → ${answer.status} ${answer.body.slice(0, 200)}`,
        );
    }
  }
  expect(failures).toEqual([]);
}, 120_000);

test('malformed /pki paths get a 4xx, never a 5xx', async () => {
  for (const path of ['/pki/crl/%E0%A4%A', '/pki/ca/%ZZ', '/pki/ocsp/%E0%A4%A', '/pki/ocsp/!!!', '/pki/%']) {
    const answer = await raw(path);
    expect(answer.status, `${path} ${answer.body}`).toBeLessThan(500);
  }
});

/**
 * Security events in the console: GET /api/security-events and /summary over a real embedded log
 * store, and security.event on the stream. A county operator sees its county's events only (search,
 * counts, stream); a county search finds exactly what the summary counts for the county; a bad query
 * is a 400 with the reason; a store that fails is a 503 that quotes nothing.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { silentLogger } from '../../common';
import { parseServeConfig } from '../../console/server/config';
import type { SecurityCategory } from '../../domain';
import { openLogStore, type LogStore } from '../../logs';
import type {
  SecurityEvent,
  SecurityEventsResponse,
  SecurityEventsSummaryResponse,
  ServerMessage,
} from '../../console/shared';
import { securityEvent } from '../alerts/security-support';
import { addUser, login, startStack, StreamClient, type Client, type Stack } from '../console/server/support';

let stack: Stack;
let store: LogStore;
let admin: Client;
let xichuan: Client;
const NOW = Date.now();

/** Events from two counties (router and switch each), the city core and an unknown sender. */
function seedEvents(): SecurityEvent[] {
  const rows: Array<[string | null, SecurityCategory, string, string, number]> = [
    ['xichuan-gw', 'auth-failure', 'xc-admin', '203.0.113.7', 60_000],
    ['xichuan-gw', 'auth-failure', 'xc-admin', '203.0.113.7', 50_000],
    ['xichuan-sw', 'config-change', 'xc-ops', '10.41.8.200', 40_000],
    ['nanzhao-gw', 'auth-failure', 'nz-root', '198.51.100.9', 30_000],
    ['nanzhao-sw', 'command', 'nz-ops', '10.41.3.200', 20_000],
    ['ny-core', 'auth-success', 'city-noc', '10.41.0.10', 10_000],
    [null, 'attack', 'stranger', '192.0.2.1', 5_000],
  ];
  return rows.map(
    ([node, category, user, source, ago]) =>
      securityEvent(node, category, NOW - ago, {
        user,
        sourceAddress: source,
        text: `${category} by ${user} from ${source}`,
      }).event,
  );
}

async function search(client: Client, query: string): Promise<SecurityEventsResponse> {
  const response = await client.api(`/api/security-events${query}`);
  expect(response.status).toBe(200);
  return (await response.json()) as SecurityEventsResponse;
}

async function errorOf(response: Response): Promise<{ status: number; message: string }> {
  const body = (await response.json()) as { error: { message: string } };
  return { status: response.status, message: body.error.message };
}

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'console-security-'));
  store = openLogStore(`sqlite:${join(dir, 'logs.sqlite')}`, { logger: silentLogger() });
  await store.init();
  store.write(seedEvents());
  await store.flush();
  stack = await startStack({ securityEvents: store }, dir);
  await addUser(stack, 'net-admin', 'sysadmin', null);
  await addUser(stack, 'xc-viewer', 'viewer', 'xichuan-gw');
  admin = await login(stack.server.url, 'net-admin');
  xichuan = await login(stack.server.url, 'xc-viewer');
});
afterAll(async () => {
  await stack.stop();
  await store.close();
});

describe('search', () => {
  test('the whole network sees every event, newest first, unknown senders included', async () => {
    const { events } = await search(admin, '');
    expect(events.map((event) => event.user)).toEqual([
      'stranger',
      'city-noc',
      'nz-ops',
      'nz-root',
      'xc-ops',
      'xc-admin',
      'xc-admin',
    ]);
  });

  test("a county's viewer sees its county's events only, whatever it asks", async () => {
    const { events } = await search(xichuan, '');
    expect(events.map((event) => event.node)).toEqual(['xichuan-sw', 'xichuan-gw', 'xichuan-gw']);
    expect((await search(xichuan, '?user=nz-root')).events).toEqual([]);
    expect((await search(xichuan, '?source=198.51.100.9')).events).toEqual([]);
    expect((await search(xichuan, '?text=stranger')).events).toEqual([]);
    const foreignNode = await xichuan.api('/api/security-events?node=nanzhao-gw');
    expect(foreignNode.status).toBe(404);
  });

  test('filters by user, source, category, node, zone, text and time range', async () => {
    expect((await search(admin, '?user=nz-root')).events.map((e) => e.node)).toEqual(['nanzhao-gw']);
    expect((await search(admin, '?source=203.0.113.7')).events).toHaveLength(2);
    expect((await search(admin, '?category=command')).events.map((e) => e.user)).toEqual(['nz-ops']);
    expect((await search(admin, '?node=xichuan-sw')).events.map((e) => e.user)).toEqual(['xc-ops']);
    expect((await search(admin, '?zone=internal&category=auth-success')).events).toHaveLength(1);
    expect((await search(admin, '?text=CONFIG-CHANGE%20xc-ops')).events.map((e) => e.node)).toEqual([
      'xichuan-sw',
    ]);
    const range = `?from=${NOW - 45_000}&to=${new Date(NOW - 15_000).toISOString()}`;
    expect((await search(admin, range)).events.map((e) => e.user)).toEqual(['nz-ops', 'nz-root', 'xc-ops']);
  });

  test('pages with the cursor: no event twice, none missing', async () => {
    const seen: string[] = [];
    let cursor: string | null = '';
    while (cursor !== null) {
      const page: SecurityEventsResponse = await search(
        admin,
        `?limit=3${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      );
      expect(page.events.length).toBeLessThanOrEqual(3);
      seen.push(...page.events.map((event) => event.id));
      cursor = page.nextCursor;
    }
    expect(seen).toHaveLength(7);
    expect(new Set(seen).size).toBe(7);
  });

  test("a county lists its nodes' events, router and the nodes below it, with every other filter", async () => {
    const nodes = async (query: string) => (await search(admin, query)).events.map((event) => event.node);
    expect(await nodes('?county=xichuan-gw')).toEqual(['xichuan-sw', 'xichuan-gw', 'xichuan-gw']);
    expect(await nodes('?county=nanzhao-gw')).toEqual(['nanzhao-sw', 'nanzhao-gw']);
    // A county-level node below the router names its county.
    expect(await nodes('?county=xichuan-sw')).toEqual(['xichuan-sw', 'xichuan-gw', 'xichuan-gw']);
    expect(await nodes('?county=xichuan-gw&category=config-change')).toEqual(['xichuan-sw']);
    expect(await nodes('?county=xichuan-gw&node=xichuan-gw&source=203.0.113.7')).toEqual([
      'xichuan-gw',
      'xichuan-gw',
    ]);
    expect(await nodes('?county=nanzhao-gw&user=xc-admin')).toEqual([]);
    expect(await nodes('?county=nanzhao-gw&node=xichuan-gw')).toEqual([]);
  });

  test('a county search finds exactly the events the summary counts for it', async () => {
    const response = await admin.api(`/api/security-events/summary?from=${NOW - 3600_000}&to=${NOW + 1000}`);
    const summary = (await response.json()) as SecurityEventsSummaryResponse;
    const counties = summary.counties.filter((county) => county.county !== null);
    expect(counties.length).toBeGreaterThan(1);
    for (const county of counties) {
      const range = `&from=${summary.sinceMs}&to=${summary.untilMs}&limit=1000`;
      const { events } = await search(admin, `?county=${county.county}${range}`);
      expect(events.length, String(county.county)).toBe(county.total);
    }
  });

  test("a county operator gets its county, never another's (404 as an unknown node)", async () => {
    const own = await search(xichuan, '?county=xichuan-gw');
    expect(own.events.map((event) => event.node)).toEqual(['xichuan-sw', 'xichuan-gw', 'xichuan-gw']);
    for (const county of ['nanzhao-gw', 'nanzhao-sw', 'ny-core', 'no-such-county']) {
      const answer = await errorOf(await xichuan.api(`/api/security-events?county=${county}`));
      expect(answer, county).toEqual({ status: 404, message: `county "${county}" not found` });
    }
  });

  test("a scope that starts inside a county gets that county's nodes it sees", async () => {
    await addUser(stack, 'xc-sw-viewer', 'viewer', 'xichuan-sw');
    const switchOnly = await login(stack.server.url, 'xc-sw-viewer');
    expect((await search(switchOnly, '?county=xichuan-gw')).events.map((event) => event.node)).toEqual([
      'xichuan-sw',
    ]);
  });

  test('a county that is no county-level node is a 400 with the reason; an unknown one a 404', async () => {
    const city = await errorOf(await admin.api('/api/security-events?county=ny-core'));
    expect(city.status).toBe(400);
    expect(city.message).toMatch(/"ny-core" is a city-tier node, not a county/);
    expect((await admin.api('/api/security-events?county=no-such-county')).status).toBe(404);
  });

  test.each([
    ['?limit=lots', /limit/],
    ['?limit=5000', /limit/],
    ['?category=hacking', /category/],
    ['?zone=moon', /zone/],
    ['?from=yesterday-ish', /from/],
    ['?cursor=not-a-cursor', /cursor/i],
    [`?from=${NOW}&to=${NOW - 1000}`, /./],
  ])('a bad query %s is a 400 with the reason', async (query, reason) => {
    const answer = await errorOf(await admin.api(`/api/security-events${query}`));
    expect(answer.status).toBe(400);
    expect(answer.message).toMatch(reason);
  });
});

describe('summary', () => {
  test('counts per county (its switch under its router), per category, and the top sources', async () => {
    const response = await admin.api(`/api/security-events/summary?from=${NOW - 3600_000}&to=${NOW + 1000}`);
    expect(response.status).toBe(200);
    const summary = (await response.json()) as SecurityEventsSummaryResponse;
    const byCounty = Object.fromEntries(summary.counties.map((county) => [String(county.county), county]));
    expect(byCounty['xichuan-gw']).toMatchObject({
      name: '淅川县政府内网路由器',
      total: 3,
      byCategory: { 'auth-failure': 2, 'config-change': 1 },
    });
    expect(byCounty['nanzhao-gw']).toMatchObject({ total: 2, byCategory: { 'auth-failure': 1, command: 1 } });
    expect(byCounty.null).toMatchObject({ name: null, total: 2 });
    expect(summary.topSources[0]).toEqual({ sourceAddress: '203.0.113.7', count: 2 });
  });

  test("a county's viewer counts its own county only", async () => {
    const response = await xichuan.api(`/api/security-events/summary?from=${NOW - 3600_000}`);
    const summary = (await response.json()) as SecurityEventsSummaryResponse;
    expect(summary.counties.map((county) => county.county)).toEqual(['xichuan-gw']);
    expect(summary.topSources.map((source) => source.sourceAddress).sort()).toEqual([
      '10.41.8.200',
      '203.0.113.7',
    ]);
  });

  test('a range that ends before it starts is a 400', async () => {
    const answer = await errorOf(
      await admin.api(`/api/security-events/summary?from=${NOW}&to=${NOW - 60_000}`),
    );
    expect(answer).toMatchObject({ status: 400, message: 'from must be before to' });
  });
});

describe('live on the stream', () => {
  type EventMessage = Extract<ServerMessage, { type: 'security.event' }>;
  const eventFrom =
    (user: string) =>
    (message: ServerMessage): message is EventMessage =>
      message.type === 'security.event' && message.event.user === user;

  test('an event reaches subscribers who asked and may see its node, and nobody else', async () => {
    await addUser(stack, 'nz-viewer', 'viewer', 'nanzhao-gw');
    const nanzhao = await login(stack.server.url, 'nz-viewer');
    const inScope = await StreamClient.open(stack.server.url, nanzhao.cookie);
    const otherCounty = await StreamClient.open(stack.server.url, xichuan.cookie);
    const notAsked = await StreamClient.open(stack.server.url, admin.cookie);
    try {
      for (const stream of [inScope, otherCounty])
        stream.send({ type: 'subscribe', filter: { securityEvents: true } });
      notAsked.send({ type: 'subscribe', filter: {} });
      for (const stream of [inScope, otherCounty, notAsked])
        await stream.waitFor((m): m is ServerMessage => m.type === 'snapshot');

      stack.bus.publish(securityEvent('nanzhao-sw', 'auth-failure', Date.now(), { user: 'live-nz' }));
      // Xichuan's own event afterwards: once it has arrived, Nanzhao's would have too.
      stack.bus.publish(securityEvent('xichuan-gw', 'auth-failure', Date.now(), { user: 'live-xc' }));
      stack.bus.publish(securityEvent(null, 'attack', Date.now(), { user: 'live-unknown' }));

      const seen = await inScope.waitFor(eventFrom('live-nz'));
      expect(seen.event).toMatchObject({ node: 'nanzhao-sw', category: 'auth-failure' });
      await otherCounty.waitFor(eventFrom('live-xc'));
      const types = (stream: StreamClient) =>
        stream.messages
          .filter((m): m is EventMessage => m.type === 'security.event')
          .map((m) => m.event.user);
      expect(types(otherCounty)).toEqual(['live-xc']);
      expect(types(inScope)).toEqual(['live-nz']);

      // The whole network, once it asks, sees unknown senders too; before asking it saw nothing.
      notAsked.send({ type: 'subscribe', filter: { securityEvents: true } });
      const resubscribed = notAsked.messages.length;
      await notAsked.waitFor((m): m is ServerMessage => m.type === 'snapshot', 3000, resubscribed);
      expect(types(notAsked)).toEqual([]);
      stack.bus.publish(securityEvent(null, 'attack', Date.now(), { user: 'live-unknown-2' }));
      await notAsked.waitFor(eventFrom('live-unknown-2'));
    } finally {
      for (const stream of [inScope, otherCounty, notAsked]) await stream.close();
    }
  });
});

describe('a flood of security events', () => {
  test('each client gets its per-second share live, and is told how many it missed', async () => {
    let nowMs = 1_000_000;
    const flooded = await startStack({ stream: { securityEventsPerS: 5, now: () => nowMs } });
    try {
      await addUser(flooded, 'flood-admin', 'sysadmin', null);
      const client = await login(flooded.server.url, 'flood-admin');
      const stream = await StreamClient.open(flooded.server.url, client.cookie);
      stream.send({ type: 'subscribe', filter: { securityEvents: true } });
      await stream.waitFor((m): m is ServerMessage => m.type === 'snapshot');
      for (let i = 0; i < 20; i++)
        flooded.bus.publish(securityEvent('xichuan-gw', 'attack', nowMs, { user: `flood-${i}` }));
      nowMs += 1000;
      flooded.bus.publish(securityEvent('xichuan-gw', 'attack', nowMs, { user: 'after' }));
      const after = await stream.waitFor(
        (m): m is Extract<ServerMessage, { type: 'security.event' }> =>
          m.type === 'security.event' && m.event.user === 'after',
      );
      const live = stream.messages.filter((m) => m.type === 'security.event');
      expect(live).toHaveLength(6);
      expect(after.skipped).toBe(15);
      await stream.close();
    } finally {
      await flooded.stop();
    }
  });
});

describe('a log store that fails', () => {
  test('is a 503 that names neither the store nor its credentials', async () => {
    const failing = {
      search: () =>
        Promise.reject(new Error('connect to postgres://egov:s3cret-pass@10.9.9.9:5432/logs failed')),
      counts: () => Promise.reject(new Error('password authentication failed for user egov (s3cret-pass)')),
    };
    const broken = await startStack({ securityEvents: failing });
    try {
      await addUser(broken, 'admin2', 'sysadmin', null);
      const client = await login(broken.server.url, 'admin2');
      for (const path of ['/api/security-events', '/api/security-events/summary']) {
        const response = await client.api(path);
        const text = await response.text();
        expect(response.status).toBe(503);
        expect(text).toContain('log_store_unavailable');
        expect(text).not.toMatch(/s3cret|postgres:|10\.9\.9\.9/);
      }
    } finally {
      await broken.stop();
    }
  });

  test('without a log store the routes say so (404)', async () => {
    const bare = await startStack();
    try {
      await addUser(bare, 'admin3', 'sysadmin', null);
      const client = await login(bare.server.url, 'admin3');
      const answer = await errorOf(await client.api('/api/security-events'));
      expect(answer.status).toBe(404);
      expect(answer.message).toMatch(/without a log store/);
    } finally {
      await bare.stop();
    }
  });
});

describe('serve.yaml logStore', () => {
  test('defaults to sqlite under the state dir; a relative path resolves against the file', () => {
    const base = parseServeConfig('inventory: ny.yaml\nstateDir: state\n', '/etc/egov/serve.yaml');
    expect(base.ok && base.config.logStore).toBe('sqlite:/etc/egov/state/logs.sqlite');
    const relative = parseServeConfig(
      'inventory: ny.yaml\nlogStore: sqlite:logs/l.sqlite\n',
      '/etc/egov/serve.yaml',
    );
    expect(relative.ok && relative.config.logStore).toBe('sqlite:/etc/egov/logs/l.sqlite');
    const postgres = parseServeConfig(
      'inventory: ny.yaml\nlogStore: postgres://db:5432/logs\n',
      '/etc/egov/serve.yaml',
    );
    expect(postgres.ok && postgres.config.logStore).toBe('postgres://db:5432/logs');
  });

  test('serve refuses credentials in the spec, without quoting them', () => {
    const dir = mkdtempSync(join(tmpdir(), 'serve-logstore-'));
    const config = join(dir, 'serve.yaml');
    writeFileSync(
      config,
      `inventory: ${resolve('configs/examples/nanyang.yaml')}\nstateDir: state\nport: 0\nmetrics: memory\n` +
        'logStore: postgres://bob:hunter2-secret@127.0.0.1:1/logs\n',
    );
    const run = spawnSync(process.execPath, [resolve('bin/egov-noc.js'), 'serve', '--config', config], {
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/logStore: .*must not carry credentials.*EGOV_NOC_LOGSTORE_USER/);
    expect(run.stdout + run.stderr).not.toContain('hunter2');
  });
});

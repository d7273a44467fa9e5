/**
 * Every /api route, over real HTTP, refuses: no session (401), a wrong role (403), a foreign
 * subtree (404, or 403 when asking to act outside one's scope) and a missing CSRF token (403).
 * The table must name every route of apiRoutes(): a new route without a row fails this test.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { UserRole } from '../../console/shared';
import { apiRoutes } from '../../console/server';
import {
  addUser,
  eventually,
  login,
  startStack,
  takeDown,
  type Client,
  type Stack,
} from '../console/server/support';

let stack: Stack;
const clients = new Map<string, Client>();
const ids = { nzAlert: '', nzSilence: '', nzSerial: '', xcSerial: '', adminToken: 0, nzUnmanaged: 0 };

// Users: whole-network ones of each role, and Xichuan county (xichuan-gw subtree) ones.
const USERS: Array<[string, UserRole, string | null]> = [
  ['admin', 'sysadmin', null],
  ['viewer', 'viewer', null],
  ['op', 'operator', null],
  ['pkiadm', 'pki-admin', null],
  ['xc-admin', 'sysadmin', 'xichuan-gw'],
  ['xc-op', 'operator', 'xichuan-gw'],
  ['xc-pki', 'pki-admin', 'xichuan-gw'],
  ['nz-op', 'operator', 'nanzhao-gw'],
  ['sec', 'secadmin', null],
  ['aud', 'auditadmin', null],
  ['xc-aud', 'auditadmin', 'xichuan-gw'],
];

/** A device the inventory lacks, seen by LLDP on `node` (null: a trap from an unknown address). */
function publishSighting(node: string | null, address: string): void {
  stack.bus.publish({
    type: 'unmanaged.sighting',
    timeMs: Date.now(),
    source: node === null ? 'trap' : 'lldp',
    address,
    name: null,
    chassisId: null,
    seenBy: node === null ? null : { node: node as never, ifName: 'GE0/0/9', remotePort: 'eth0' },
    count: 1,
    firstSeenMs: Date.now(),
    lastSeenMs: Date.now(),
    proposal: 'nodes:\n',
  });
}

const silenceBody = (node: string) => ({
  matchers: [{ label: 'node', value: node }],
  startsAtMs: Date.now(),
  endsAtMs: Date.now() + 3600_000,
  reason: '例行维护',
});

beforeAll(async () => {
  stack = await startStack({ withPki: true });
  for (const [name, role, scope] of USERS) await addUser(stack, name, role, scope);
  for (const [name] of USERS) clients.set(name, await login(stack.server.url, name));
  takeDown(stack, 'nanzhao-sw');
  takeDown(stack, 'xichuan-sw');
  ids.nzAlert = (await eventually(() => stack.engine.list().find((alert) => alert.node === 'nanzhao-sw'))).id;
  await eventually(() => stack.engine.list().find((alert) => alert.node === 'xichuan-sw'));
  const admin = clients.get('admin') as Client;
  const security = clients.get('sec') as Client;
  const silence = await security.api('/api/silences', { method: 'POST', body: silenceBody('nanzhao-sw') });
  ids.nzSilence = ((await silence.json()) as { id: string }).id;
  for (const [node, key] of [
    ['nanzhao-gw', 'nzSerial'],
    ['xichuan-gw', 'xcSerial'],
  ] as const) {
    const issued = await security.api('/api/certificates', {
      method: 'POST',
      body: { node, profile: 'router', generate: { keyType: 'ecdsa-p256' } },
    });
    expect(issued.status).toBe(201);
    ids[key] = ((await issued.json()) as { certificate: { serial: string } }).certificate.serial;
  }
  const token = await admin.api('/api/tokens', { method: 'POST', body: { name: 'automation' } });
  ids.adminToken = ((await token.json()) as { record: { id: number } }).record.id;
  publishSighting('nanzhao-sw', '10.99.3.9');
  publishSighting('xichuan-sw', '10.99.4.9');
  publishSighting(null, '127.0.0.99');
  const unmanaged = await admin.api('/api/assets/unmanaged');
  const { devices } = (await unmanaged.json()) as { devices: Array<{ id: number; address: string }> };
  ids.nzUnmanaged = devices.find((device) => device.address === '10.99.3.9')?.id ?? 0;
  expect(devices).toHaveLength(3);
});
afterAll(() => stack.stop());

interface Row {
  /** Concrete path (params filled with a foreign target where one applies). */
  path: () => string;
  body?: () => unknown;
  /** A role lacking the permission; null when every role has it. */
  wrongRole: string | null;
  /** A scoped user with the right role reaching outside its subtree, and what must happen. */
  foreign?: {
    user: string;
    path?: () => string;
    body?: () => unknown;
    expect: number | ((response: Response) => Promise<void>);
  };
}

const onlyXichuan =
  (pick: (body: never) => Array<{ id?: string; node?: string | null; a?: unknown }>) =>
  async (response: Response) => {
    expect(response.status).toBe(200);
    const items = pick((await response.json()) as never);
    const topology = stack.topology;
    for (const item of items) {
      const node = item.node ?? item.id;
      if (typeof node === 'string')
        expect(topology.isInSubtree(node as never, 'xichuan-gw' as never)).toBe(true);
    }
  };

const TABLE: Record<string, Row> = {
  'POST /api/session': { path: () => '/api/session', wrongRole: null },
  'GET /api/session': { path: () => '/api/session', wrongRole: null },
  'DELETE /api/session': { path: () => '/api/session', wrongRole: null },
  'PUT /api/session/password': {
    path: () => '/api/session/password',
    body: () => ({ currentPassword: 'not-the-password', newPassword: 'long-enough-password' }),
    wrongRole: null,
  },
  'POST /api/session/certificate': { path: () => '/api/session/certificate', wrongRole: null },
  'POST /api/session/totp': { path: () => '/api/session/totp', wrongRole: null },
  'POST /api/session/totp/confirm': {
    path: () => '/api/session/totp/confirm',
    body: () => ({ code: '123456' }),
    wrongRole: null,
  },
  'GET /api/policy': { path: () => '/api/policy', wrongRole: null },
  'PUT /api/policy/account': {
    path: () => '/api/policy/account',
    body: () => ({
      minLength: 12,
      minClasses: 3,
      expiryDays: 90,
      historyCount: 5,
      idleTimeoutMin: 15,
      lockoutAttempts: 5,
      lockoutMinutes: 15,
    }),
    wrongRole: 'aud',
  },
  'PUT /api/policy/security': {
    path: () => '/api/policy/security',
    body: () => ({ totpRequired: false }),
    wrongRole: 'aud',
  },
  'GET /api/audit/export': { path: () => '/api/audit/export?format=csv', wrongRole: 'admin' },
  'GET /api/audit/verify': { path: () => '/api/audit/verify', wrongRole: 'admin' },
  'GET /api/audit/actions': { path: () => '/api/audit/actions', wrongRole: 'admin' },
  'GET /api/tokens': { path: () => '/api/tokens', wrongRole: null },
  'POST /api/tokens': { path: () => '/api/tokens', body: () => ({ name: 'x' }), wrongRole: null },
  'DELETE /api/tokens/:id': {
    path: () => `/api/tokens/${ids.adminToken}`,
    wrongRole: null,
    foreign: { user: 'xc-admin', expect: 404 },
  },
  'GET /api/users': {
    path: () => '/api/users',
    wrongRole: 'pkiadm',
    foreign: {
      user: 'xc-admin',
      expect: async (response) => {
        const { users } = (await response.json()) as { users: Array<{ username: string }> };
        expect(users.map((user) => user.username).sort()).toEqual(['xc-op', 'xc-pki']);
      },
    },
  },
  'POST /api/users': {
    path: () => '/api/users',
    body: () => ({
      username: 'newbie',
      displayName: 'N',
      role: 'viewer',
      scope: 'nanzhao-gw',
      password: 'long-enough-password',
    }),
    wrongRole: 'pkiadm',
    foreign: { user: 'xc-admin', expect: 403 },
  },
  'PATCH /api/users/:username': {
    path: () => '/api/users/nz-op',
    body: () => ({ displayName: 'changed' }),
    wrongRole: 'op',
    foreign: { user: 'xc-admin', expect: 404 },
  },
  'DELETE /api/users/:username': {
    path: () => '/api/users/nz-op',
    wrongRole: 'op',
    foreign: { user: 'xc-admin', expect: 404 },
  },
  'GET /api/users/:username/tokens': {
    path: () => '/api/users/nz-op/tokens',
    wrongRole: 'pkiadm',
    foreign: { user: 'xc-admin', expect: 404 },
  },
  'DELETE /api/users/:username/tokens/:id': {
    path: () => '/api/users/admin/tokens/1',
    wrongRole: 'pkiadm',
    foreign: { user: 'xc-admin', expect: 404 },
  },
  'GET /api/topology': {
    path: () => '/api/topology',
    wrongRole: null,
    foreign: { user: 'xc-op', expect: onlyXichuan((body: { nodes: Array<{ id: string }> }) => body.nodes) },
  },
  'GET /api/state': {
    path: () => '/api/state',
    wrongRole: null,
    foreign: { user: 'xc-op', expect: onlyXichuan((body: { nodes: Array<{ id: string }> }) => body.nodes) },
  },
  'GET /api/overview': {
    path: () => '/api/overview',
    wrongRole: null,
    foreign: {
      user: 'xc-op',
      expect: onlyXichuan(
        (body: { faults: Array<{ id: string }>; rows: Array<{ cells: Array<{ id: string }> }> }) => [
          ...body.faults,
          ...body.rows.flatMap((row) => row.cells),
        ],
      ),
    },
  },
  'GET /api/nodes/:id': {
    path: () => '/api/nodes/nanzhao-sw',
    wrongRole: null,
    foreign: { user: 'xc-op', expect: 404 },
  },
  'GET /api/video-links': {
    path: () => '/api/video-links',
    wrongRole: null,
    foreign: {
      user: 'xc-op',
      expect: async (response) => {
        const { links } = (await response.json()) as { links: Array<{ id: string; a: string; b: string }> };
        const inCounty = (node: string) => stack.topology.isInSubtree(node as never, 'xichuan-gw' as never);
        expect(links.map((link) => link.id)).toEqual(['vc-ny-xichuan']);
        for (const link of links) expect(inCounty(link.a) || inCounty(link.b)).toBe(true);
      },
    },
  },
  'GET /api/metrics': {
    path: () =>
      `/api/metrics?measurement=interface&field=inBps&node=nanzhao-sw&fromMs=${Date.now() - 3600_000}&toMs=${Date.now()}&stepS=60`,
    wrongRole: null,
    foreign: { user: 'xc-op', expect: 404 },
  },
  'GET /api/alerts': {
    path: () => '/api/alerts',
    wrongRole: null,
    foreign: {
      user: 'xc-op',
      expect: onlyXichuan((body: { alerts: Array<{ node: string | null }> }) => body.alerts),
    },
  },
  'GET /api/alerts/history': {
    path: () => '/api/alerts/history?node=nanzhao-sw',
    wrongRole: null,
    foreign: { user: 'xc-op', expect: 404 },
  },
  'GET /api/alerts/:id': {
    path: () => `/api/alerts/${ids.nzAlert}`,
    wrongRole: null,
    foreign: { user: 'xc-op', expect: 404 },
  },
  'POST /api/alerts/:id/ack': {
    path: () => `/api/alerts/${ids.nzAlert}/ack`,
    body: () => ({ comment: 'on it' }),
    wrongRole: 'viewer',
    foreign: { user: 'xc-op', expect: 404 },
  },
  'POST /api/alerts/:id/unack': {
    path: () => `/api/alerts/${ids.nzAlert}/unack`,
    body: () => ({ comment: 'not yet' }),
    wrongRole: 'viewer',
    foreign: { user: 'xc-op', expect: 404 },
  },
  'GET /api/silences': {
    path: () => '/api/silences',
    wrongRole: null,
    foreign: {
      user: 'xc-op',
      expect: async (response) => {
        const { silences } = (await response.json()) as { silences: Array<{ id: string }> };
        expect(silences.map((silence) => silence.id)).not.toContain(ids.nzSilence);
      },
    },
  },
  'POST /api/silences': {
    path: () => '/api/silences',
    body: () => silenceBody('nanzhao-sw'),
    wrongRole: 'viewer',
    foreign: { user: 'xc-op', expect: 403 },
  },
  'PUT /api/silences/:id': {
    path: () => `/api/silences/${ids.nzSilence}`,
    body: () => silenceBody('nanzhao-sw'),
    wrongRole: 'viewer',
    foreign: { user: 'xc-op', expect: 404 },
  },
  'DELETE /api/silences/:id': {
    path: () => `/api/silences/${ids.nzSilence}`,
    wrongRole: 'viewer',
    foreign: { user: 'xc-op', expect: 404 },
  },
  'GET /api/certificates': {
    path: () => '/api/certificates',
    wrongRole: null,
    foreign: {
      user: 'xc-pki',
      expect: async (response) => {
        const { certificates } = (await response.json()) as { certificates: Array<{ serial: string }> };
        const serials = certificates.map((cert) => cert.serial);
        expect(serials).toContain(ids.xcSerial);
        expect(serials).not.toContain(ids.nzSerial);
      },
    },
  },
  'GET /api/certificates/:serial/pem': {
    path: () => `/api/certificates/${ids.nzSerial}/pem`,
    wrongRole: null,
    foreign: { user: 'xc-pki', expect: 404 },
  },
  'POST /api/certificates': {
    path: () => '/api/certificates',
    body: () => ({ node: 'nanzhao-gw', profile: 'router', generate: { keyType: 'ecdsa-p256' } }),
    wrongRole: 'op',
    foreign: { user: 'xc-pki', expect: 404 },
  },
  'POST /api/certificates/:serial/revoke': {
    path: () => `/api/certificates/${ids.nzSerial}/revoke`,
    body: () => ({ reason: 'keyCompromise' }),
    wrongRole: 'op',
    foreign: { user: 'xc-pki', expect: 404 },
  },
  'GET /api/certificates/authorities': { path: () => '/api/certificates/authorities', wrongRole: null },
  'POST /api/certificates/:serial/renew': {
    path: () => `/api/certificates/${ids.nzSerial}/renew`,
    body: () => ({}),
    wrongRole: 'op',
    foreign: { user: 'xc-pki', expect: 404 },
  },
  'GET /api/audit': {
    path: () => '/api/audit',
    wrongRole: 'admin',
    foreign: {
      user: 'xc-aud',
      expect: async (response) => {
        const { records } = (await response.json()) as { records: Array<{ actor: string }> };
        expect(records.length).toBeGreaterThan(0);
        for (const record of records)
          expect(['xc-admin', 'xc-op', 'xc-pki', 'xc-aud']).toContain(record.actor);
      },
    },
  },
  'GET /api/security-events': {
    path: () => '/api/security-events?node=nanzhao-gw',
    wrongRole: null,
    foreign: { user: 'xc-op', expect: 404 },
  },
  'GET /api/security-events/summary': { path: () => '/api/security-events/summary', wrongRole: null },
  'GET /api/assets': { path: () => '/api/assets', wrongRole: null },
  'GET /api/assets/changes': {
    path: () => '/api/assets/changes?node=nanzhao-gw',
    wrongRole: null,
    foreign: { user: 'xc-op', expect: 404 },
  },
  'GET /api/assets/export': { path: () => '/api/assets/export?format=csv', wrongRole: null },
  'GET /api/assets/unmanaged': {
    path: () => '/api/assets/unmanaged',
    wrongRole: null,
    foreign: {
      user: 'xc-op',
      expect: async (response) => {
        expect(response.status).toBe(200);
        const { devices } = (await response.json()) as { devices: Array<{ address: string }> };
        // only what Xichuan's nodes saw: neither Nanzhao's neighbour nor the nodeless trap sender
        expect(devices.map((device) => device.address)).toEqual(['10.99.4.9']);
      },
    },
  },
  'POST /api/assets/unmanaged/:id/dismiss': {
    path: () => `/api/assets/unmanaged/${ids.nzUnmanaged}/dismiss`,
    wrongRole: 'viewer',
    foreign: { user: 'xc-op', expect: 404 },
  },
  'GET /api/reports/:month': {
    path: () => '/api/reports/2026-11?county=nanzhao-gw',
    wrongRole: null,
    foreign: { user: 'xc-op', expect: 404 },
  },
  'GET /api/reports/:month/export': {
    path: () => '/api/reports/2026-11/export?format=csv&county=nanzhao-gw',
    wrongRole: null,
    foreign: { user: 'xc-op', expect: 404 },
  },
  'GET /api/admin/host': { path: () => '/api/admin/host', wrongRole: 'pkiadm' },
  'GET /api/openapi.json': { path: () => '/api/openapi.json', wrongRole: null },
};

const routes = apiRoutes().map((route) => ({ key: `${route.method.toUpperCase()} ${route.path}`, route }));
const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

test('the table names every route and nothing else', () => {
  expect(Object.keys(TABLE).sort()).toEqual(routes.map((entry) => entry.key).sort());
});

async function call(
  user: string | null,
  method: string,
  path: string,
  body: unknown,
  csrf = true,
): Promise<Response> {
  if (user === null)
    return fetch(`${stack.server.url}${path}`, {
      method,
      ...(body !== undefined
        ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }
        : {}),
    });
  const client = clients.get(user);
  if (!client) throw new Error(`no client ${user}`);
  return client.api(path, { method, ...(body !== undefined ? { body } : {}), csrf });
}

/** A route with none of the four refusals (public, every role, no body, no scope) has nothing to test here. */
function hasRefusals({ key, route }: (typeof routes)[number]): boolean {
  const row = TABLE[key] as Row;
  return route.permission !== 'public' || row.wrongRole !== null || row.foreign !== undefined;
}

// Each route gets only the refusals that apply to it (a public route has no "no session" case,
// a route every role may read has no "wrong role" case), so nothing is registered as skipped.
describe.each(routes.filter(hasRefusals))('$key', ({ key, route }) => {
  const row = TABLE[key] as Row;
  const method = route.method.toUpperCase();
  const isPublic = route.permission === 'public';

  if (!isPublic)
    test('no session → 401', async () => {
      const response = await call(null, method, row.path(), row.body?.());
      expect(response.status).toBe(401);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe('unauthenticated');
    });

  if (row.wrongRole !== null)
    test('wrong role → 403', async () => {
      const response = await call(row.wrongRole, method, row.path(), row.body?.());
      expect(response.status).toBe(403);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe('forbidden');
    });

  if (!isPublic && STATE_CHANGING.has(method))
    test('missing CSRF token → 403', async () => {
      const response = await call('admin', method, row.path(), row.body?.(), false);
      expect(response.status).toBe(403);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe('csrf');
    });

  if (row.foreign !== undefined)
    test('foreign subtree refused', async () => {
      const foreign = row.foreign as NonNullable<Row['foreign']>;
      const response = await call(
        foreign.user,
        method,
        (foreign.path ?? row.path)(),
        (foreign.body ?? row.body)?.(),
      );
      if (typeof foreign.expect === 'number') expect(response.status).toBe(foreign.expect);
      else await foreign.expect(response);
    });
});

test('a metrics query of a scoped user reaches the store restricted to its subtree', async () => {
  const client = clients.get('xc-op') as Client;
  const before = stack.metrics.queries.length;
  const response = await client.api(
    `/api/metrics?measurement=interface&field=inBps&fromMs=${Date.now() - 3600_000}&toMs=${Date.now()}`,
  );
  expect(response.status).toBe(200);
  const query = stack.metrics.queries[before];
  expect(query?.nodes?.length).toBeGreaterThan(0);
  for (const node of query?.nodes ?? [])
    expect(stack.topology.isInSubtree(node as never, 'xichuan-gw' as never)).toBe(true);
});

/**
 * 三权分立 over real HTTP: the audit administrator changes neither users nor rules, silences or
 * policies; the system administrator neither reads nor exports the audit; no account holds two
 * roles (API, CLI and the database each refuse), nobody changes their own role; an old `admin`
 * account migrates to sysadmin with a notice the administrators see.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openIdentity } from '../../console/server';
import type { UsersResponse } from '../../console/shared';
import {
  addUser,
  login,
  startStack,
  takeDown,
  eventually,
  type Client,
  type Stack,
} from '../console/server/support';

let stack: Stack;
const as: Record<string, Client> = {};
const errorOf = async (response: Response) =>
  ((await response.json()) as { error: { code: string; message: string; field?: string } }).error;

beforeAll(async () => {
  stack = await startStack();
  for (const [name, role] of [
    ['sys', 'sysadmin'],
    ['sec', 'secadmin'],
    ['aud', 'auditadmin'],
    ['op', 'operator'],
  ] as const) {
    await addUser(stack, name, role, null);
    as[name] = await login(stack.server.url, name);
  }
});
afterAll(() => stack.stop());

describe('the audit administrator reads and exports the audit and changes nothing else', () => {
  test('it cannot change users', async () => {
    const aud = as.aud as Client;
    const body = {
      username: 'x1',
      displayName: 'x',
      role: 'viewer',
      scope: null,
      password: 'Long-enough-pw-1',
    };
    for (const [method, path, payload] of [
      ['POST', '/api/users', body],
      ['PATCH', '/api/users/op', { locked: true }],
      ['DELETE', '/api/users/op', undefined],
    ] as const) {
      const response = await aud.api(path, { method, ...(payload ? { body: payload } : {}) });
      expect(response.status, `${method} ${path}`).toBe(403);
      expect((await errorOf(response)).code).toBe('forbidden');
    }
  });

  test('it cannot change rules, silences, alerts or policies', async () => {
    takeDown(stack, 'nanzhao-sw');
    const alert = await eventually(() =>
      stack.engine.list().find((candidate) => candidate.node === 'nanzhao-sw'),
    );
    const aud = as.aud as Client;
    const silence = {
      matchers: [{ label: 'node', value: 'nanzhao-sw' }],
      startsAtMs: Date.now(),
      endsAtMs: Date.now() + 60_000,
      reason: 'x',
    };
    for (const [method, path, payload] of [
      ['POST', '/api/silences', silence],
      ['POST', `/api/alerts/${alert.id}/ack`, { comment: 'x' }],
      ['PUT', '/api/policy/security', { totpRequired: false }],
      [
        'PUT',
        '/api/policy/account',
        {
          minLength: 8,
          minClasses: 1,
          expiryDays: 0,
          historyCount: 0,
          idleTimeoutMin: 600,
          lockoutAttempts: 100,
          lockoutMinutes: 1,
        },
      ],
    ] as const) {
      const response = await aud.api(path, { method, body: payload });
      expect(response.status, `${method} ${path}`).toBe(403);
    }
    // The security administrator may silence; the system administrator may not.
    expect((await (as.sec as Client).api('/api/silences', { method: 'POST', body: silence })).status).toBe(
      201,
    );
    expect((await (as.sys as Client).api('/api/silences', { method: 'POST', body: silence })).status).toBe(
      403,
    );
  });

  test('it reads, exports (CSV and JSON) and verifies the audit', async () => {
    const aud = as.aud as Client;
    expect((await aud.api('/api/audit')).status).toBe(200);
    const csv = await aud.api('/api/audit/export?format=csv');
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toContain('text/csv');
    expect(csv.headers.get('content-disposition')).toMatch(/attachment; filename="egov-noc-audit-.*\.csv"/);
    const bytes = Buffer.from(await csv.arrayBuffer());
    // A BOM first, so spreadsheet programs read the Chinese text as UTF-8.
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = bytes.subarray(3).toString('utf8');
    expect(text.split('\r\n')[0]).toBe('id,time,actor,action,target,detail,from,prevHash,hash');
    expect(text).toContain(',sec,silence.create,');
    const json = (await (await aud.api('/api/audit/export?format=json')).json()) as Array<{
      action: string;
      hash: string;
    }>;
    expect(json.some((record) => record.action === 'user.create')).toBe(true);
    for (const record of json) expect(record.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(await (await aud.api('/api/audit/verify')).json()).toMatchObject({ ok: true });
  });
});

describe('the system administrator neither reads nor exports the audit', () => {
  test.each([
    '/api/audit',
    '/api/audit/export?format=json',
    '/api/audit/export?format=csv',
    '/api/audit/verify',
  ])('GET %s → 403', async (path) => {
    const response = await (as.sys as Client).api(path);
    expect(response.status).toBe(403);
    expect((await errorOf(response)).message).toContain('sysadmin');
  });
});

describe('nobody holds two roles', () => {
  test('the API refuses a list of roles or a combined one, naming the rule', async () => {
    for (const role of [['sysadmin', 'auditadmin'], 'sysadmin,auditadmin', 'admin']) {
      const response = await (as.sys as Client).api('/api/users', {
        method: 'POST',
        body: { username: 'two-hats', displayName: 'x', role, scope: null, password: 'Long-enough-pw-1' },
      });
      expect(response.status).toBe(400);
      const error = await errorOf(response);
      expect(error.field).toBe('role');
      expect(error.message).toContain('never holds two');
    }
  });

  test('a new role replaces the old one, and nobody changes their own', async () => {
    const sys = as.sys as Client;
    await addUser(stack, 'mover', 'viewer', null);
    const moved = await sys.api('/api/users/mover', { method: 'PATCH', body: { role: 'auditadmin' } });
    expect(((await moved.json()) as { role: string }).role).toBe('auditadmin');
    const own = await sys.api('/api/users/sys', { method: 'PATCH', body: { role: 'auditadmin' } });
    expect(own.status).toBe(403);
    expect((await errorOf(own)).code).toBe('own_role');
  });

  test('the database refuses a combined role written past the API', () => {
    const db = new Database(join(stack.dir, 'console.sqlite'));
    try {
      expect(() =>
        db.prepare("UPDATE users SET role = 'sysadmin,auditadmin' WHERE username = 'op'").run(),
      ).toThrow(/exactly one known role/);
    } finally {
      db.close();
    }
  });

  test('the CLI refuses two roles and the retired admin role', () => {
    const dir = mkdtempSync(join(tmpdir(), 'roles-cli-'));
    const egov = (...args: string[]) =>
      execFileSync(process.execPath, [resolve('bin/egov-noc.js'), ...args], {
        encoding: 'utf8',
        stdio: 'pipe',
      });
    expect(() =>
      egov('user', 'add', '--state', dir, '--username', 'x', '--role', 'sysadmin,auditadmin'),
    ).toThrow(/never holds two/);
    expect(() => egov('user', 'add', '--state', dir, '--username', 'x', '--role', 'admin')).toThrow(
      /retired/,
    );
  });
});

test('an old admin account becomes sysadmin, logged, audited and shown to administrators', () => {
  const dir = mkdtempSync(join(tmpdir(), 'roles-migrate-'));
  openIdentity(dir).close();
  const db = new Database(join(dir, 'console.sqlite'));
  // As an older version left it: no role trigger, one admin.
  db.exec('DROP TRIGGER users_one_known_role_insert; DROP TRIGGER users_one_known_role_update');
  db.prepare(
    "INSERT INTO users (username, display_name, role, scope, password_hash, created_at_ms) VALUES ('chief', 'Chief', 'admin', NULL, 'x', 0)",
  ).run();
  db.close();
  const identity = openIdentity(dir);
  try {
    expect(identity.users.get('chief')?.role).toBe('sysadmin');
    expect(identity.migrationNotes).toHaveLength(1);
    expect(identity.migrationNotes[0]).toMatch(/"chief" held the retired role "admin" and is now "sysadmin"/);
    const audit = identity.audit.list({ limit: 10, action: 'user.role.migrate' });
    expect(audit[0]).toMatchObject({ actor: 'system', target: 'chief' });
    expect(audit[0]?.detail).toContain('admin → sysadmin');
  } finally {
    identity.close();
  }
  // Opened again: nothing more to migrate, the notice stays for the Admin page.
  const again = openIdentity(dir);
  try {
    expect(again.migrationNotes).toEqual([]);
  } finally {
    again.close();
  }
});

test('the users list carries the migration notices to the Admin page', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'roles-notice-'));
  openIdentity(dir).close();
  const db = new Database(join(dir, 'console.sqlite'));
  db.exec('DROP TRIGGER users_one_known_role_insert; DROP TRIGGER users_one_known_role_update');
  db.prepare(
    "INSERT INTO users (username, display_name, role, scope, password_hash, created_at_ms) VALUES ('old', 'Old', 'admin', NULL, 'x', 0)",
  ).run();
  db.close();
  const migrated = await startStack({}, dir);
  try {
    await addUser(migrated, 'sys2', 'sysadmin', null);
    const sys = await login(migrated.server.url, 'sys2');
    const body = (await (await sys.api('/api/users')).json()) as UsersResponse;
    expect(body.notices).toHaveLength(1);
    expect(body.notices[0]).toContain('"old"');
    expect(body.users.find((user) => user.username === 'old')?.role).toBe('sysadmin');
    expect(migrated.log()).toContain('console users migrated');
  } finally {
    await migrated.stop();
  }
});

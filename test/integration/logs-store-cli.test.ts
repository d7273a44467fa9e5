/** `egov-noc logs search` against an embedded store and a real PostgreSQL server. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryLogger } from '../../common';
import { asNodeId, type SecurityEvent } from '../../domain';
import { openLogStore } from '../../logs/store';
import { makeEvent } from '../logs/store/contract';
import { startPostgres, type Postgres } from '../support/postgres';

function egovNoc(args: string[], env: Record<string, string> = {}) {
  const result = spawnSync(process.execPath, ['bin/egov-noc.js', ...args], {
    encoding: 'utf8',
    env: { ...process.env, EGOV_NOC_LOGSTORE: '', ...env },
    timeout: 60_000,
  });
  return { status: result.status, out: result.stdout, err: result.stderr };
}

const now = Date.now();
const MINUTE_MS = 60_000;
const events: SecurityEvent[] = [
  makeEvent({
    timeMs: now - 5 * MINUTE_MS,
    node: asNodeId('nanzhao-gw'),
    category: 'auth-failure',
    severity: 'warning',
    user: 'admin',
    sourceAddress: '203.0.113.9',
    text: '用户admin(管理员)从203.0.113.9登录失败',
  }),
  makeEvent({
    timeMs: now - 4 * MINUTE_MS,
    node: asNodeId('nanzhao-gw'),
    category: 'auth-failure',
    severity: 'warning',
    user: 'root',
    sourceAddress: '203.0.113.9',
    text: '用户root从203.0.113.9登录失败',
  }),
  makeEvent({
    timeMs: now - 3 * 3_600_000,
    node: asNodeId('xichuan-gw'),
    category: 'config-change',
    text: 'config saved',
  }),
  makeEvent({
    timeMs: now - MINUTE_MS,
    node: null,
    zone: null,
    text: 'evil \u001b[2J\u001b]0;pwned\u0007 line',
  }),
];

async function seed(spec: string, credentials?: { user: string; password: string }): Promise<void> {
  const store = openLogStore(spec, { logger: memoryLogger(), ...(credentials ? { credentials } : {}) });
  await store.init();
  store.write(events);
  await store.close();
}

const idsOf = (out: string): string[] =>
  (JSON.parse(out) as { events: SecurityEvent[] }).events.map((event) => event.id);

describe('egov-noc logs search (embedded store)', () => {
  let dir: string;
  let spec: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'egov-logs-cli-'));
    spec = `sqlite:${join(dir, 'logs.db')}`;
    await seed(spec);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('prints matching events as a table, newest first, Chinese text included', () => {
    const result = egovNoc(['logs', 'search', '--store', spec, '登录失败']);
    expect(result.err).toBe('');
    expect(result.status).toBe(0);
    const lines = result.out.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^TIME \(UTC\)\s+NODE\s+CATEGORY\s+SEVERITY\s+USER\s+SOURCE\s+TEXT$/);
    expect(lines).toHaveLength(3);
    expect(lines[1]).toMatch(/nanzhao-gw\s+auth-failure\s+warning\s+root\s+203\.0\.113\.9\s+用户root/);
    expect(lines[2]).toContain('用户admin(管理员)从203.0.113.9登录失败');
  });

  it('filters by node, user, source, category and time, and prints JSON with --json', () => {
    const json = (...args: string[]) => {
      const result = egovNoc(['logs', 'search', '--store', spec, '--json', ...args]);
      expect(result.status).toBe(0);
      return idsOf(result.out);
    };
    const [admin, root, config, evil] = events.map((event) => event.id);
    expect(json('--node', 'nanzhao-gw')).toEqual([root, admin]);
    expect(json('--user', 'admin')).toEqual([admin]);
    expect(json('--source', '203.0.113.9', '--category', 'auth-failure')).toEqual([root, admin]);
    expect(json('--since', '1h')).toEqual([evil, root, admin]);
    expect(json('--until', '1h')).toEqual([config]);
    expect(json('管理员', 'admin')).toEqual([admin]);
  });

  it('pages with the cursor it prints', () => {
    const first = egovNoc(['logs', 'search', '--store', spec, '--limit', '3']);
    expect(first.status).toBe(0);
    const cursor = /^more: add --cursor (\S+)$/m.exec(first.err)?.[1];
    expect(cursor).toBeDefined();
    const second = egovNoc([
      'logs',
      'search',
      '--store',
      spec,
      '--limit',
      '3',
      '--json',
      '--cursor',
      cursor ?? '',
    ]);
    expect(idsOf(second.out)).toEqual([events[2]?.id]);
  });

  it('shows control characters from device text as escapes, never sends them to the terminal', () => {
    const result = egovNoc(['logs', 'search', '--store', spec, 'evil']);
    expect(result.status).toBe(0);
    expect(result.out).toContain('evil \\u001b[2J\\u001b]0;pwned\\u0007 line');
    const controls = [...result.out].filter((c) => c !== '\n' && (c.codePointAt(0) ?? 0) < 0x20);
    expect(controls).toEqual([]);
  });

  it('refuses bad input with one line that says what is wrong', () => {
    const cases: Array<[string[], RegExp]> = [
      [['--since', 'yesterday'], /--since "yesterday" is neither a duration/],
      [['--category', 'login'], /--category "login" is not one of: auth-success/],
      [['--zone', 'dmz'], /--zone "dmz" is not one of/],
      [['--limit', '0'], /--limit must be a whole number from 1 to 1000/],
      [['--cursor', 'garbage'], /cursor is not one this store returned/],
      [['--since', '1h', '--until', '2h'], /ends before it starts/],
    ];
    for (const [args, message] of cases) {
      const result = egovNoc(['logs', 'search', '--store', spec, ...args]);
      expect(result.status).toBe(1);
      expect(result.err).toMatch(message);
      expect(result.err).not.toMatch(/\n\s+at /);
    }
    const missing = egovNoc(['logs', 'search', '--store', `sqlite:${join(dir, 'typo.db')}`]);
    expect(missing.err).toContain('no log store at');
    expect(egovNoc(['logs', 'search']).err).toContain('give --store');
  });

  it('never echoes a password given in a store spec, whatever else is wrong with it', () => {
    for (const bad of [
      'postgres://noc:hunter2-secret@127.0.0.1:5432/logs',
      'postgress://noc:hunter2-secret@127.0.0.1/logs',
      'postgres://noc:hunter2-secret@127.0.0.1:5432/',
      'mysql://noc:hunter2-secret@db/logs',
    ]) {
      const result = egovNoc(['logs', 'search', '--store', bad]);
      expect(result.status).toBe(1);
      expect(result.err).not.toContain('hunter2');
    }
  });
});

describe('egov-noc logs search (PostgreSQL)', () => {
  let server: Postgres;
  let spec: string;
  beforeAll(async () => {
    server = await startPostgres();
    spec = `postgres://127.0.0.1:${server.port}/${server.createDatabase()}`;
    await seed(spec, { user: server.user, password: server.password });
  });
  afterAll(() => server?.destroy());

  it('reads the account from the environment and searches', () => {
    const result = egovNoc(['logs', 'search', '--json', '管理员'], {
      EGOV_NOC_LOGSTORE: spec,
      EGOV_NOC_LOGSTORE_USER: server.user,
      EGOV_NOC_LOGSTORE_PASSWORD: server.password,
    });
    expect(result.err).toBe('');
    expect(idsOf(result.out)).toEqual([events[0]?.id]);
  });

  it('needs only SELECT: a read-only account can search', async () => {
    const database = /\/([^/]+)$/.exec(spec)?.[1] ?? '';
    const admin = new pg.Client({ ...server, database });
    await admin.connect();
    await admin.query("CREATE ROLE log_reader LOGIN PASSWORD 'reader-pw-7'");
    await admin.query('GRANT SELECT ON security_events TO log_reader');
    await admin.end();
    const result = egovNoc(['logs', 'search', '--store', spec, '--json', '--user', 'root'], {
      EGOV_NOC_LOGSTORE_USER: 'log_reader',
      EGOV_NOC_LOGSTORE_PASSWORD: 'reader-pw-7',
    });
    expect(result.err).toBe('');
    expect(idsOf(result.out)).toEqual([events[1]?.id]);
  });

  it('fails with the server reason and without the password for a wrong one', () => {
    const result = egovNoc(['logs', 'search', '--store', spec], {
      EGOV_NOC_LOGSTORE_USER: server.user,
      EGOV_NOC_LOGSTORE_PASSWORD: 'not-the-password-42',
    });
    expect(result.status).toBe(1);
    expect(result.err).toMatch(/password authentication failed for user "postgres"/);
    expect(result.err).not.toContain('not-the-password-42');
  });
});

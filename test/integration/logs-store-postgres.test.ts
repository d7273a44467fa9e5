/** The LogStore contract and PostgreSQL specifics against a real server on a loopback port. */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { memoryLogger } from '../../common';
import { openLogStore, type LogStore, type LogStoreOptions } from '../../logs/store';
import { logStoreContract, makeEvent, NOW_MS } from '../logs/store/contract';
import { freePort } from '../../bench/support/influxd';
import { startPostgres, type Postgres } from '../support/postgres';

let server: Postgres;
beforeAll(async () => {
  server = await startPostgres();
});
afterAll(async () => {
  await server?.destroy();
});

const DAY_MS = 86_400_000;

function openOn(database: string, options: LogStoreOptions = {}): LogStore {
  return openLogStore(`postgres://${server.host}:${server.port}/${database}`, {
    credentials: { user: server.user, password: server.password },
    ...options,
  });
}

async function partitionsOf(database: string): Promise<string[]> {
  const client = new pg.Client({ ...server, database });
  await client.connect();
  try {
    const result = await client.query<{ name: string }>(
      `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
       JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = 'security_events' ORDER BY 1`,
    );
    return result.rows.map((row) => row.name);
  } finally {
    await client.end();
  }
}

logStoreContract('PostgreSQL', (options) => {
  const store = openOn(server.createDatabase(), options);
  return Promise.resolve({ store, cleanup: () => store.close() });
});

describe('PostgreSQL log store specifics', () => {
  it('creates day partitions ahead, for every day received, and retention drops whole days', async () => {
    const database = server.createDatabase();
    let now = NOW_MS;
    const store = openOn(database, { logger: memoryLogger(), now: () => now });
    await store.init();
    expect(await partitionsOf(database)).toEqual(['security_events_p20260615', 'security_events_p20260616']);
    store.write([
      makeEvent({ timeMs: NOW_MS - 200 * DAY_MS }),
      makeEvent({ timeMs: NOW_MS - 181 * DAY_MS }),
      makeEvent({ timeMs: NOW_MS - 180 * DAY_MS + 1000 }),
    ]);
    await store.flush();
    expect(await partitionsOf(database)).toContain('security_events_p20251217');
    // The clock moves on two days: the partitions ahead move with it.
    now = NOW_MS + 2 * DAY_MS;
    const result = await store.applyRetention(now);
    expect(result.droppedPartitions).toEqual([
      'security_events_p20251127',
      'security_events_p20251216',
      'security_events_p20251217',
    ]);
    expect(await partitionsOf(database)).toEqual(
      expect.arrayContaining(['security_events_p20260617', 'security_events_p20260618']),
    );
    expect((await store.search({})).events).toEqual([]);
    await store.close();
  });

  it('never throws for an unreachable server: keeps events buffered, bounded, and reports it', async () => {
    const logger = memoryLogger();
    const store = openLogStore(`postgres://127.0.0.1:${await freePort()}/nowhere`, {
      credentials: { user: 'egov', password: 'pg-secret-123' },
      logger,
      maxBufferedEvents: 10,
    });
    await expect(store.init()).rejects.toThrow(
      /log store postgres:\/\/127\.0\.0\.1:\d+\/nowhere: .*ECONNREFUSED/,
    );
    expect(() => store.write(Array.from({ length: 15 }, () => makeEvent()))).not.toThrow();
    await store.flush();
    expect(store.health()).toMatchObject({ pendingEvents: 10, droppedEvents: 5, backendUp: false });
    expect(store.health().lastError).toMatch(/ECONNREFUSED/);
    await store.close();
  });

  it('rides out a server restart: writes buffer while it is down and land once it is back', async () => {
    const logger = memoryLogger();
    const database = server.createDatabase();
    const store = openOn(database, { logger, flushIntervalMs: 50 });
    await store.init();
    const before = makeEvent({ timeMs: Date.now() - 60_000 });
    store.write([before]);
    await store.flush();
    await expect(store.ping()).resolves.toBeUndefined();
    server.stop();
    try {
      // Nothing written yet: the readiness probe finds the server gone by asking it.
      const unreachable = await store.ping().then(
        () => 'answered',
        (error: Error) => error.message,
      );
      expect(unreachable).toMatch(/^log store postgres:\/\/127\.0\.0\.1:\d+\/\w+: \S/);
      expect(unreachable).not.toContain(server.password);
      const during = [makeEvent({ timeMs: Date.now() }), makeEvent({ timeMs: Date.now() })];
      store.write(during);
      await store.flush();
      expect(store.health()).toMatchObject({ backendUp: false, pendingEvents: 2, droppedEvents: 0 });
      await expect(store.search({})).rejects.toThrow(/log store postgres:\/\/127\.0\.0\.1/);
    } finally {
      server.start();
    }
    await vi.waitFor(() => expect(store.health()).toMatchObject({ backendUp: true, pendingEvents: 0 }), {
      timeout: 15_000,
    });
    await expect(store.ping()).resolves.toBeUndefined();
    expect((await store.search({})).events).toHaveLength(3);
    expect(logger.lines.map((line) => line.msg)).toContain('log store backend is writable again');
    await store.close();
  });

  it('sets aside an event the server refuses (a CHECK constraint) and is not held up by it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'egov-pg-dead-'));
    const database = server.createDatabase();
    const deadLetterPath = join(dir, 'refused.jsonl');
    const store = openOn(database, { logger: memoryLogger(), deadLetterPath });
    try {
      await store.init();
      const admin = new pg.Client({ ...server, database });
      await admin.connect();
      await admin.query(
        "ALTER TABLE security_events ADD CONSTRAINT no_poison CHECK (text NOT LIKE '%poison%')",
      );
      await admin.end();
      const events = Array.from({ length: 50 }, (_, i) => makeEvent(i === 7 ? { text: 'poison' } : {}));
      store.write(events);
      await store.flush();
      expect(store.health()).toMatchObject({ writtenEvents: 49, deadLetteredEvents: 1, backendUp: true });
      expect((await store.search({ limit: 100 })).events).toHaveLength(49);
      const entry = JSON.parse(readFileSync(deadLetterPath, 'utf8')) as {
        reason: string;
        event: { id: string };
      };
      expect(entry.event.id).toBe(events[7]?.id);
      expect(entry.reason).toMatch(/no_poison/);
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('never lets the password reach an error, the health report or a log line', async () => {
    const logger = memoryLogger();
    const database = server.createDatabase();
    const wrong = `wrong-${server.password.slice(0, 6)}-pw`;
    const store = openLogStore(`postgres://${server.host}:${server.port}/${database}`, {
      credentials: { user: server.user, password: wrong },
      logger,
    });
    const failure = await store.init().then(
      () => null,
      (error: unknown) => error,
    );
    expect(String(failure)).toMatch(/password authentication failed/);
    store.write([makeEvent()]);
    await store.flush();
    await expect(store.search({})).rejects.toThrow(/password authentication failed/);
    const everything = JSON.stringify([String(failure), store.health(), logger.lines]);
    expect(everything).not.toContain(wrong);
    expect(everything).not.toContain(server.password);
    await store.close();
  });
});

import Database from 'better-sqlite3';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { memoryLogger } from '../../../common';
import { openLogStore } from '../../../logs/store';
import { logStoreContract, makeEvent } from './contract';

logStoreContract('embedded (SQLite)', (options) => {
  const dir = mkdtempSync(join(tmpdir(), 'egov-logs-'));
  let store;
  try {
    store = openLogStore(`sqlite:${join(dir, 'state', 'logs.db')}`, options);
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return Promise.resolve({
    store,
    cleanup: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  });
});

describe('embedded log store specifics', () => {
  it('keeps events across a reopen, in a 0600 file inside a 0700 folder', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'egov-logs-'));
    const path = join(dir, 'state', 'logs.db');
    try {
      const event = makeEvent({ text: '用户 root 登录成功' });
      const first = openLogStore(`sqlite:${path}`, { logger: memoryLogger() });
      await first.init();
      first.write([event]);
      await first.close();
      expect(statSync(path).mode & 0o777).toBe(0o600);
      expect(statSync(join(dir, 'state')).mode & 0o777).toBe(0o700);
      const second = openLogStore(`sqlite:${path}`, { logger: memoryLogger() });
      await second.init();
      expect((await second.search({ text: '登录成功' })).events).toEqual([event]);
      await second.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('embedded log store writer thread', () => {
  it('writes a large burst on its own thread: timers (the syslog sockets) keep running, every event is stored and searchable', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'egov-logs-'));
    const store = openLogStore(`sqlite:${join(dir, 'logs.db')}`, { logger: memoryLogger() });
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 1);
    try {
      await store.init();
      const burst = Array.from({ length: 20_000 }, (_, i) =>
        makeEvent({ text: `Failed to login through SSH. (Ip=203.0.113.${i % 250}, UserName=user${i})` }),
      );
      store.write(burst);
      ticks = 0;
      await store.flush();
      expect(ticks).toBeGreaterThan(0);
      expect(store.health()).toMatchObject({ writtenEvents: 20_000, droppedEvents: 0, pendingEvents: 0 });
      const found = await store.search({ text: 'UserName=user12345)' });
      expect(found.events.map((event) => event.text)).toEqual([
        'Failed to login through SSH. (Ip=203.0.113.95, UserName=user12345)',
      ]);
    } finally {
      clearInterval(ticker);
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('embedded log store refusals', () => {
  it('sets an event SQLite refuses aside in a 0600 dead-letter file beside the database and stores the rest', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'egov-logs-'));
    const path = join(dir, 'logs.db');
    const store = openLogStore(`sqlite:${path}`, { logger: memoryLogger() });
    try {
      await store.init();
      // A trigger stands in for whatever a block can be refused for; SQLite answers SQLITE_CONSTRAINT_TRIGGER.
      const admin = new Database(path);
      admin.exec(
        "CREATE TRIGGER refuse_poison BEFORE INSERT ON event_blocks WHEN instr(NEW.body, CAST('poison' AS BLOB)) > 0 BEGIN SELECT RAISE(ABORT, 'poisoned row'); END",
      );
      admin.close();
      const events = Array.from({ length: 300 }, (_, i) => makeEvent(i === 150 ? { text: 'poison' } : {}));
      store.write(events);
      await store.flush();
      expect(store.health()).toMatchObject({ writtenEvents: 299, deadLetteredEvents: 1, pendingEvents: 0 });
      expect((await store.search({ limit: 500 })).events).toHaveLength(299);
      const deadLetter = `${path}.dead-letter.jsonl`;
      expect(statSync(deadLetter).mode & 0o777).toBe(0o600);
      const entry = JSON.parse(readFileSync(deadLetter, 'utf8')) as { reason: string; event: { id: string } };
      expect(entry).toMatchObject({ reason: 'poisoned row', event: { id: events[150]?.id } });
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

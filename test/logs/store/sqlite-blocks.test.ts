/**
 * The embedded store's full-text index per block of rows (logs/store/sqlite/block-index.ts): every
 * search answers exactly what a check of every row would (Chinese, mixed Chinese/ASCII, the case
 * folds SQLite cannot do itself, LIKE's own characters, terms found in few and in many blocks);
 * retention keeps a block's entry while any of its rows is left; a store in the version 1 layout
 * (an index entry per row) is upgraded in place without losing an event.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { memoryLogger } from '../../../common';
import type { SecurityEvent } from '../../../domain';
import { openLogStore, type LogStore } from '../../../logs/store';
import { EVENT_COLUMNS, eventValues } from '../../../logs/store/rows';
import { BLOCK_ROWS } from '../../../logs/store/sqlite/block-index';
import { SQLITE_SCHEMA } from '../../../logs/store/sqlite/schema';
import { makeEvent } from './contract';

const NOW_MS = Date.UTC(2026, 11, 6, 12);
const DAY_MS = 86_400_000;

/** Texts that exercise every path of the exact check (logs/store/sqlite/term-check.ts). */
const TEXTS: Array<(i: number) => Partial<SecurityEvent>> = [
  (i) => ({
    text: `用户admin从203.0.113.${i % 250}登录失败`,
    user: 'admin',
    sourceAddress: `203.0.113.${i % 250}`,
  }),
  (i) => ({ text: `Failed password for Root from 198.51.100.${i % 200} port ${20_000 + i} ssh2` }),
  (i) => ({ text: `%%01SHELL/5/CMDRECORD(s):CID=${i};Recorded command information. (Command="display ip")` }),
  (i) => ({ text: `配置已更改 by ${i % 3 === 0 ? 'Zhang.San' : 'li-si'}`, messageId: 'CFG/5/CHANGED' }),
  (i) => ({ text: `Device \u212AELVIN-${i} reports 50%_off\\x sale` }),
  (i) => ({ text: `\u0130STANBUL link ${i} flapped` }),
  (i) => ({ text: `ΣΊΣΥΦΟΣ ＡＤＭＩＮ ${i} 登录` }),
  (i) => ({
    text: `interface GigabitEthernet0/0/${i % 48} UP`,
    hostname: i % 2 === 0 ? 'NanZhao-GW' : 'XiChuan-SW',
  }),
];

const QUERIES = [
  '登录失败',
  '登录',
  '用户admin从',
  'admin',
  'ADMIN',
  '203.0.113.7',
  '203.0.113.77登录失败',
  'ssh2',
  'root',
  'cmdrecord(s):cid=4',
  'command="display',
  '配置已更改',
  'zhang.san',
  'cfg/5/changed',
  'kelvin',
  'kelvin-12',
  '50%_off\\x',
  '%_o',
  '0%_',
  'istanbul',
  'stanbul',
  'i̇stanbul',
  'σίσυφος',
  'ａｄｍｉｎ',
  'nanzhao-gw',
  'gigabitethernet0/0/7',
  'up',
  'admin 登录失败',
  '配置 li-si',
  'nowhere-to-be-found',
];

const searchable = (event: SecurityEvent): string =>
  [event.text, event.messageId ?? '', event.user ?? '', event.hostname ?? ''].join('\n').toLowerCase();

/** What a check of every row answers: newest first, then id, at most `limit`. */
function expected(events: readonly SecurityEvent[], text: string, limit: number): string[] {
  const terms = text
    .split(/\s+/u)
    .filter((term) => term !== '')
    .map((term) => term.toLowerCase());
  return events
    .filter((event) => terms.every((term) => searchable(event).includes(term)))
    .sort((a, b) => b.timeMs - a.timeMs || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0))
    .slice(0, limit)
    .map((event) => event.id);
}

function corpus(count: number): SecurityEvent[] {
  return Array.from({ length: count }, (_, i) =>
    makeEvent({
      timeMs: NOW_MS - i * 1_000,
      hostname: null,
      messageId: null,
      ...TEXTS[i % TEXTS.length]?.(i),
    }),
  );
}

let cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups) await cleanup();
  cleanups = [];
});

async function openFileStore(): Promise<{ store: LogStore; path: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'egov-logs-blocks-'));
  const path = join(dir, 'logs.db');
  const store = openLogStore(`sqlite:${path}`, { logger: memoryLogger() });
  cleanups.push(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  await store.init();
  return { store, path };
}

describe('embedded log store: full-text index per block of rows', () => {
  it('answers every query as a check of every row does, in one block or across many', async () => {
    const store = openLogStore('memory', { logger: memoryLogger() });
    cleanups.push(() => store.close());
    await store.init();
    // Enough rows that a common term is in more blocks than a search starts from, in batches that
    // end inside a block.
    const events = corpus(40 * BLOCK_ROWS + 77);
    for (let at = 0; at < events.length; at += 999) store.write(events.slice(at, at + 999));
    await store.flush();
    for (const text of QUERIES) {
      const found = await store.search({ text, limit: 1000 });
      expect(
        found.events.map((event) => event.id),
        text,
      ).toEqual(expected(events, text, 1000));
    }
  });

  it('pages a common term with the cursor exactly as the rows are ordered', async () => {
    const store = openLogStore('memory', { logger: memoryLogger() });
    cleanups.push(() => store.close());
    await store.init();
    const events = corpus(3 * BLOCK_ROWS);
    store.write(events);
    await store.flush();
    const pages: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await store.search({ text: '登录', limit: 37, ...(cursor ? { cursor } : {}) });
      pages.push(...page.events.map((event) => event.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor !== undefined);
    expect(pages).toEqual(expected(events, '登录', events.length));
  });

  it('indexes a retried batch once, from the rows it really added', async () => {
    const { store, path } = await openFileStore();
    const first = corpus(BLOCK_ROWS + 10);
    store.write(first.slice(0, 50));
    await store.flush();
    // The same 50 again with the rest: only the rest are new.
    store.write(first);
    await store.flush();
    expect((await store.search({ text: '登录失败', limit: 1000 })).events.map((event) => event.id)).toEqual(
      expected(first, '登录失败', 1000),
    );
    const db = new Database(path, { readonly: true });
    try {
      expect(db.prepare('SELECT count(*) FROM events').pluck().get()).toBe(first.length);
    } finally {
      db.close();
    }
  });

  it('keeps a block searchable while any of its rows is left, and drops its entry with the last', async () => {
    const { store, path } = await openFileStore();
    const received = (ageDays: number, i: number) =>
      makeEvent({
        receivedAtMs: NOW_MS - ageDays * DAY_MS,
        timeMs: NOW_MS - i,
        text: `块 ${ageDays} 天 登录失败 ${i}`,
      });
    // One batch, one block: half of it older than the retention, half younger.
    const batch = Array.from({ length: BLOCK_ROWS / 2 }, (_, i) => [
      received(200, i),
      received(10, i),
    ]).flat();
    store.write(batch);
    await store.flush();
    const entries = () => {
      const db = new Database(path, { readonly: true });
      try {
        return db.prepare('SELECT count(*) FROM events_blocks_fts').pluck().get();
      } finally {
        db.close();
      }
    };
    expect(entries()).toBe(1);
    await store.applyRetention(NOW_MS);
    const young = batch.filter((event) => event.receivedAtMs === NOW_MS - 10 * DAY_MS);
    expect((await store.search({ text: '登录失败', limit: 1000 })).events).toHaveLength(young.length);
    expect((await store.search({ text: '10 天' })).events.length).toBeGreaterThan(0);
    expect((await store.search({ text: '200' })).events).toEqual([]);
    expect(entries()).toBe(1);
    await store.applyRetention(NOW_MS + 171 * DAY_MS);
    expect((await store.search({})).events).toEqual([]);
    expect(entries()).toBe(0);
  });
});

describe('embedded log store: schema upgrade', () => {
  it('upgrades a store in the version 1 layout (an index entry per row) in place, every event kept and searchable', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'egov-logs-upgrade-'));
    const path = join(dir, 'logs.db');
    cleanups.push(() => Promise.resolve(rmSync(dir, { recursive: true, force: true })));
    const events = corpus(3 * BLOCK_ROWS + 5);
    // As version 1 wrote it: the rows, their per-row trigram entries, user_version 1.
    const v1 = new Database(path);
    v1.exec(SQLITE_SCHEMA);
    const insert = v1.prepare(
      `INSERT INTO events (${EVENT_COLUMNS.join(', ')}) VALUES (${EVENT_COLUMNS.map(() => '?').join(', ')})`,
    );
    v1.transaction(() => {
      for (const event of events) insert.run(...eventValues(event));
    })();
    v1.exec('INSERT INTO events_fts (rowid, doc) SELECT seq, lower(text) FROM events');
    v1.pragma('user_version = 1');
    v1.close();

    const store = openLogStore(`sqlite:${path}`, { logger: memoryLogger() });
    cleanups.unshift(() => store.close());
    await store.init();
    const check = new Database(path, { readonly: true });
    try {
      expect(check.pragma('user_version', { simple: true })).toBe(2);
      expect(
        check.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'events_fts'").pluck().get(),
      ).toBe(0);
      expect(check.prepare('SELECT count(*) FROM events').pluck().get()).toBe(events.length);
    } finally {
      check.close();
    }
    expect((await store.search({ limit: 1000 })).events).toHaveLength(events.length);
    for (const text of ['登录失败', '用户admin从', 'kelvin', '配置已更改', 'nanzhao-gw']) {
      const found = await store.search({ text, limit: 1000 });
      expect(
        found.events.map((event) => event.id),
        text,
      ).toEqual(expected(events, text, 1000));
    }
    // Written after the upgrade: searchable beside what was there.
    const later = makeEvent({ timeMs: NOW_MS + 1, text: '升级之后 登录失败' });
    store.write([later]);
    await store.flush();
    expect((await store.search({ text: '升级之后' })).events).toEqual([later]);
  });
});

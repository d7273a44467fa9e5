/**
 * The embedded store's blocks of events and their full-text index (logs/store/sqlite/block-schema.ts,
 * block-index.ts): every search and count answers exactly what a check of every event would
 * (Chinese, mixed Chinese/ASCII, case folds beyond ASCII, LIKE's own characters, terms in few and in
 * many blocks, node, user, source address and scope filters, time ranges cutting through blocks);
 * a retried batch is stored once; retention rewrites a block it cuts through and drops the index
 * entry with a block's last event; a store in the version 1 layout (a row and an index entry per
 * event) is upgraded in place without losing an event.
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
import { asNodeId } from '../../../domain';
import { SQLITE_SCHEMA } from '../../../logs/store/sqlite/schema';
import { makeEvent } from './contract';

const NOW_MS = Date.UTC(2026, 11, 6, 12);
const DAY_MS = 86_400_000;

/** Texts that exercise every path of the exact check (logs/store/sqlite/event-filter.ts). */
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

/** Every event the store finds for the query, page by page. */
async function everyId(store: LogStore, query: { text?: string } = {}): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.search({ ...query, limit: 1000, ...(cursor ? { cursor } : {}) });
    ids.push(...page.events.map((event) => event.id));
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined);
  return ids;
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

describe('embedded log store: events in blocks', () => {
  it('answers every query as a check of every row does, in one block or across many', async () => {
    const store = openLogStore('memory', { logger: memoryLogger() });
    cleanups.push(() => store.close());
    await store.init();
    // Several blocks, written in batches that end inside a block.
    const events = corpus(6 * BLOCK_ROWS + 77);
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

  it('filters by node, user, source address and scope, and counts, as a check of every event does', async () => {
    const store = openLogStore('memory', { logger: memoryLogger() });
    cleanups.push(() => store.close());
    await store.init();
    const nodes = ['nanzhao-gw', 'xichuan-sw', 'neixiang-gw', 'nanzhao-gw2'].map(asNodeId);
    const events = corpus(3 * BLOCK_ROWS + 11).map((event, i) => ({
      ...event,
      node: i % 17 === 0 ? null : (nodes[i % nodes.length] ?? null),
      user: i % 3 === 0 ? null : `user ${i % 5}`,
      sourceAddress: i % 4 === 0 ? null : `198.51.100.${i % 7}`,
      category: i % 2 === 0 ? ('auth-failure' as const) : ('config-change' as const),
    }));
    for (let at = 0; at < events.length; at += 700) store.write(events.slice(at, at + 700));
    await store.flush();
    const newest = (keep: (event: SecurityEvent) => boolean) =>
      events
        .filter(keep)
        .sort((a, b) => b.timeMs - a.timeMs || (a.id < b.id ? 1 : -1))
        .slice(0, 1000)
        .map((event) => event.id);
    const ids = async (query: Parameters<LogStore['search']>[0]) =>
      (await store.search({ ...query, limit: 1000 })).events.map((event) => event.id);
    // nanzhao-gw is a prefix of nanzhao-gw2: the index narrows, the exact check decides.
    expect(await ids({ node: asNodeId('nanzhao-gw') })).toEqual(newest((e) => e.node === 'nanzhao-gw'));
    expect(await ids({ user: 'user 3' })).toEqual(newest((e) => e.user === 'user 3'));
    expect(await ids({ sourceAddress: '198.51.100.1' })).toEqual(
      newest((e) => e.sourceAddress === '198.51.100.1'),
    );
    expect(await ids({ scope: [asNodeId('xichuan-sw'), asNodeId('neixiang-gw')], text: 'admin' })).toEqual(
      newest((e) => (e.node === 'xichuan-sw' || e.node === 'neixiang-gw') && searchable(e).includes('admin')),
    );
    expect(await ids({ scope: [] })).toEqual([]);
    // A range that cuts through blocks: the blocks inside it are counted from their summaries.
    const sinceMs = NOW_MS - (2 * BLOCK_ROWS + 5) * 1_000;
    const untilMs = NOW_MS - 100 * 1_000;
    const inRange = events.filter((e) => e.timeMs >= sinceMs && e.timeMs < untilMs);
    for (const scope of [undefined, [asNodeId('nanzhao-gw'), asNodeId('xichuan-sw')]]) {
      const seen = inRange.filter((e) => scope === undefined || (e.node !== null && scope.includes(e.node)));
      const counts = await store.counts({ sinceMs, untilMs, topSources: 3, ...(scope ? { scope } : {}) });
      const byNodeCategory = new Map<string, number>();
      for (const e of seen) {
        const key = `${e.node ?? '~'} ${e.category}`;
        byNodeCategory.set(key, (byNodeCategory.get(key) ?? 0) + 1);
      }
      expect(counts.byNodeCategory.map((c) => [`${c.node ?? '~'} ${c.category}`, c.count])).toEqual(
        [...byNodeCategory].sort((a, b) => (a[0] < b[0] ? -1 : 1)),
      );
      const bySource = new Map<string, number>();
      for (const e of seen)
        if (e.sourceAddress) bySource.set(e.sourceAddress, (bySource.get(e.sourceAddress) ?? 0) + 1);
      expect(counts.topSources).toEqual(
        [...bySource]
          .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
          .slice(0, 3)
          .map(([sourceAddress, count]) => ({ sourceAddress, count })),
      );
    }
  });

  it('stores a retried batch once', async () => {
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
      expect(db.prepare('SELECT sum(events) FROM event_blocks').pluck().get()).toBe(first.length);
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
        text: `块 ${ageDays}天前 登录失败 ${i}`,
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
    expect((await store.search({ text: '10天前' })).events.length).toBeGreaterThan(0);
    expect((await store.search({ text: '200天前' })).events).toEqual([]);
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
      expect(check.pragma('user_version', { simple: true })).toBe(3);
      expect(
        check
          .prepare("SELECT count(*) FROM sqlite_master WHERE name IN ('events_fts', 'events')")
          .pluck()
          .get(),
      ).toBe(0);
      expect(check.prepare('SELECT sum(events) FROM event_blocks').pluck().get()).toBe(events.length);
      expect(check.prepare('SELECT count(*) FROM event_blocks').pluck().get()).toBe(4);
    } finally {
      check.close();
    }
    expect(await everyId(store)).toHaveLength(events.length);
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

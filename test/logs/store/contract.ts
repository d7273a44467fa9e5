/**
 * The LogStore contract: the embedded SQLite store and the PostgreSQL store must both pass these.
 * Register with `logStoreContract('sqlite', factory)` inside a test file. Time is a fake clock:
 * NOW_MS is fixed and every store is told it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { memoryLogger, type MemoryLogger } from '../../../common';
import { asNodeId, type SecurityEvent } from '../../../domain';
import { LogQueryError, type LogStore } from '../../../logs/store';
import { DEFAULT_MAX_BUFFERED_BYTES, DEFAULT_MAX_BUFFERED_EVENTS } from '../../../logs/store/buffer-bounds';
import type { LogStoreOptions } from '../../../logs/store';

export interface LogStoreHarness {
  store: LogStore;
  /** Close the store and remove what it created. */
  cleanup(): Promise<void>;
}

export type LogStoreFactory = (
  options: LogStoreOptions & { logger: MemoryLogger },
) => Promise<LogStoreHarness>;

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
/** The fake "now": mid-day UTC, so day partitions on both sides of the retention cutoff exist. */
export const NOW_MS = Date.UTC(2026, 5, 15, 12, 0, 0);

/** "用户admin(管理员)从10.2.3.4登录失败" as a Chinese device sends it: GBK bytes. */
const GBK_LINE = Buffer.from('d3c3bba761646d696e28b9dcc0edd4b129b4d331302e322e332e34b5c7c2bccaa7b0dc', 'hex');

let sequence = 0;
export function makeEvent(overrides: Partial<SecurityEvent> = {}): SecurityEvent {
  sequence += 1;
  const timeMs = overrides.timeMs ?? NOW_MS - HOUR_MS;
  return {
    id: `ev-${String(sequence).padStart(6, '0')}`,
    timeMs,
    receivedAtMs: timeMs,
    node: asNodeId('xichuan-gw'),
    zone: 'internal',
    senderAddress: '10.1.0.1',
    hostname: 'XiChuan-GW',
    category: 'system',
    severity: 'info',
    format: 'huawei-vrp',
    messageId: 'IFNET/4/LINK_STATE',
    user: null,
    sourceAddress: null,
    text: 'The line protocol IP on the interface GigabitEthernet0/0/1 has entered the UP state.',
    rawBase64: null,
    ...overrides,
  };
}

const ids = (events: SecurityEvent[]): string[] => events.map((event) => event.id);

export function logStoreContract(name: string, factory: LogStoreFactory): void {
  describe(`LogStore contract: ${name}`, () => {
    let harness: LogStoreHarness | null = null;
    let logger: MemoryLogger;
    const open = async (options: LogStoreOptions = {}): Promise<LogStore> => {
      logger = memoryLogger();
      harness = await factory({ now: () => NOW_MS, ...options, logger });
      await harness.store.init();
      return harness.store;
    };
    const stored = async (store: LogStore, events: SecurityEvent[]): Promise<void> => {
      store.write(events);
      await store.flush();
      expect(store.health()).toMatchObject({ backendUp: true, pendingEvents: 0, lastError: null });
    };
    const closeCurrent = async (): Promise<void> => {
      await harness?.cleanup();
      harness = null;
    };
    afterEach(closeCurrent);

    it('init is idempotent, a fresh store is healthy and empty', async () => {
      const store = await open();
      await store.init();
      expect(store.health()).toEqual({
        pendingEvents: 0,
        bufferedBytes: 0,
        droppedEvents: 0,
        deadLetteredEvents: 0,
        writtenEvents: 0,
        backendUp: true,
        lastError: null,
        maxBufferedEvents: DEFAULT_MAX_BUFFERED_EVENTS,
        maxBufferedBytes: DEFAULT_MAX_BUFFERED_BYTES,
      });
      expect(await store.search({})).toEqual({ events: [], nextCursor: null });
      await expect(store.ping()).resolves.toBeUndefined();
    });

    it('returns what was written, field for field, and keeps one copy of a repeated event', async () => {
      const store = await open();
      const event = makeEvent({
        category: 'auth-failure',
        severity: 'warning',
        user: 'admin',
        sourceAddress: '203.0.113.9',
        hostname: null,
        rawBase64: 'AAEC',
      });
      await stored(store, [event, event]);
      store.write([event]);
      await store.flush();
      expect((await store.search({})).events).toEqual([event]);
    });

    it('keeps any text exactly: tabs, line breaks, backslashes, a literal \\N, quotes and Chinese', async () => {
      const store = await open();
      const event = makeEvent({
        text: 'a\tb\nc\r\\N \\ "quoted" \'single\' 用户登录失败 %_ end\\',
        user: 'tab\tuser',
        hostname: '\\N',
        messageId: 'back\\slash',
      });
      await stored(store, [event]);
      expect((await store.search({})).events).toEqual([event]);
      expect((await store.search({ text: '登录失败' })).events).toEqual([event]);
    });

    it('finds events by node, user, source address, category, zone and time range', async () => {
      const store = await open();
      const login = makeEvent({
        node: asNodeId('nanzhao-gw'),
        category: 'auth-failure',
        user: 'admin',
        sourceAddress: '203.0.113.9',
        timeMs: NOW_MS - 3 * HOUR_MS,
      });
      const deny = makeEvent({
        node: asNodeId('xichuan-fw'),
        zone: 'external',
        category: 'policy-deny',
        sourceAddress: '198.51.100.7',
        timeMs: NOW_MS - 2 * HOUR_MS,
      });
      const chatter = makeEvent({ timeMs: NOW_MS - HOUR_MS });
      await stored(store, [login, deny, chatter]);
      const find = async (query: Parameters<LogStore['search']>[0]) =>
        ids((await store.search(query)).events);
      expect(await find({ node: asNodeId('nanzhao-gw') })).toEqual([login.id]);
      expect(await find({ user: 'admin' })).toEqual([login.id]);
      expect(await find({ sourceAddress: '198.51.100.7' })).toEqual([deny.id]);
      expect(await find({ category: 'auth-failure' })).toEqual([login.id]);
      expect(await find({ zone: 'external' })).toEqual([deny.id]);
      expect(await find({ sinceMs: NOW_MS - 2 * HOUR_MS, untilMs: NOW_MS - HOUR_MS })).toEqual([deny.id]);
      expect(await find({ sinceMs: NOW_MS - 2 * HOUR_MS })).toEqual([chatter.id, deny.id]);
      expect(await find({ user: 'root' })).toEqual([]);
    });

    it('searches Chinese text decoded from GBK, long and short terms alike, case-insensitively', async () => {
      const store = await open();
      const text = new TextDecoder('gbk').decode(GBK_LINE);
      const failure = makeEvent({ text, category: 'auth-failure', format: 'h3c-comware' });
      const other = makeEvent({
        text: '管理员 修改了配置 (config saved by Admin)',
        category: 'config-change',
      });
      const english = makeEvent({ text: 'SSH user admin login failed from 10.2.3.4' });
      await stored(store, [failure, other, english]);
      const find = async (q: string) => ids((await store.search({ text: q })).events).sort();
      expect(await find('管理员')).toEqual([failure.id, other.id].sort());
      expect(await find('登录失败')).toEqual([failure.id]);
      expect(await find('登录')).toEqual([failure.id]);
      expect(await find('败')).toEqual([failure.id]);
      expect(await find('管理员 配置')).toEqual([other.id]);
      expect(await find('ADMIN')).toEqual([failure.id, other.id, english.id].sort());
      expect(await find('dmi')).toEqual([failure.id, other.id, english.id].sort());
      expect(await find('10.2.3.4')).toEqual([failure.id, english.id].sort());
      expect(await find('SSH/4')).toEqual([]);
      expect(await find('审计')).toEqual([]);
    });

    it('matches the message id, user and hostname too, and takes any text literally', async () => {
      const store = await open();
      const percent = makeEvent({ text: 'CPU usage 50% over threshold', messageId: 'SYS/4/CPU_HIGH' });
      const number = makeEvent({ text: 'CPU usage 500 over threshold', user: 'op_1', hostname: 'QX-Core' });
      await stored(store, [percent, number]);
      const find = async (q: string) => ids((await store.search({ text: q })).events).sort();
      expect(await find('50%')).toEqual([percent.id]);
      expect(await find('cpu_high')).toEqual([percent.id]);
      expect(await find('op_1')).toEqual([number.id]);
      expect(await find('p_')).toEqual([number.id]);
      expect(await find('qx-core')).toEqual([number.id]);
      // Query syntax of either backend is just text here: nothing matches, nothing fails.
      for (const q of ['"', 'a"b', '%%', '_x_', 'NEAR(a b)', '*', "'; DROP TABLE x; --", '\\', 'a OR b']) {
        expect(await find(q)).toEqual([]);
      }
    });

    it('enforces scope: only the listed nodes, never unknown senders, nothing for an empty list', async () => {
      const store = await open();
      const mine = makeEvent({
        node: asNodeId('xichuan-gw'),
        sourceAddress: '203.0.113.9',
        category: 'auth-failure',
      });
      const theirs = makeEvent({
        node: asNodeId('nanzhao-gw'),
        sourceAddress: '203.0.113.9',
        category: 'auth-failure',
      });
      const unknown = makeEvent({
        node: null,
        zone: null,
        sourceAddress: '203.0.113.9',
        category: 'auth-failure',
      });
      await stored(store, [mine, theirs, unknown]);
      const scope = [asNodeId('xichuan-gw')];
      expect(ids((await store.search({ scope })).events)).toEqual([mine.id]);
      expect(ids((await store.search({ scope, node: asNodeId('nanzhao-gw') })).events)).toEqual([]);
      expect(ids((await store.search({ scope, text: '203.0.113' })).events)).toEqual([]);
      expect(ids((await store.search({ scope: [] })).events)).toEqual([]);
      expect((await store.search({})).events).toHaveLength(3);
      const range = { sinceMs: 0, untilMs: NOW_MS };
      expect(await store.counts({ ...range, scope })).toEqual({
        byNodeCategory: [{ node: 'xichuan-gw', category: 'auth-failure', count: 1 }],
        topSources: [{ sourceAddress: '203.0.113.9', count: 1 }],
      });
      expect(await store.counts({ ...range, scope: [] })).toEqual({ byNodeCategory: [], topSources: [] });
    });

    it('orders newest first and pages with a cursor without gaps or repeats', async () => {
      const store = await open();
      // 25 events over 13 distinct instants: pairs share a time, so the id breaks ties.
      const events = Array.from({ length: 25 }, (_, i) =>
        makeEvent({ timeMs: NOW_MS - HOUR_MS + Math.floor(i / 2) * 1000 }),
      );
      await stored(store, [...events].reverse().slice(0, 12));
      await stored(store, [...events].reverse().slice(12));
      const expected = ids([...events].sort((a, b) => b.timeMs - a.timeMs || (a.id < b.id ? 1 : -1)));
      const seen: string[] = [];
      let cursor: string | undefined;
      const pageSizes: number[] = [];
      do {
        const page = await store.search({ limit: 10, ...(cursor === undefined ? {} : { cursor }) });
        pageSizes.push(page.events.length);
        seen.push(...ids(page.events));
        cursor = page.nextCursor ?? undefined;
      } while (cursor !== undefined);
      expect(pageSizes).toEqual([10, 10, 5]);
      expect(seen).toEqual(expected);
      // Events written after a page was read do not shift the next page.
      const first = await store.search({ limit: 5 });
      await stored(store, [makeEvent({ timeMs: NOW_MS })]);
      const second = await store.search({ limit: 5, cursor: first.nextCursor ?? '' });
      expect(ids(second.events)).toEqual(expected.slice(5, 10));
    });

    it('refuses a bad query with a LogQueryError that says why', async () => {
      const store = await open();
      await expect(store.search({ cursor: 'not-a-cursor' })).rejects.toThrow(LogQueryError);
      await expect(store.search({ cursor: Buffer.from('[1,2]').toString('base64url') })).rejects.toThrow(
        /cursor/,
      );
      await expect(store.search({ limit: 0 })).rejects.toThrow(/limit must be/);
      await expect(store.search({ limit: 100_000 })).rejects.toThrow(/limit must be/);
      await expect(store.search({ sinceMs: 10, untilMs: 5 })).rejects.toThrow(/ends before it starts/);
      await expect(store.search({ text: 'x'.repeat(1000) })).rejects.toThrow(/at most/);
      await expect(store.counts({ sinceMs: 0, untilMs: 1, topSources: -1 })).rejects.toThrow(LogQueryError);
    });

    it('counts per node and category in a time range, and the top source addresses', async () => {
      const store = await open();
      const failure = (node: string, source: string, timeMs = NOW_MS - HOUR_MS) =>
        makeEvent({ node: asNodeId(node), category: 'auth-failure', sourceAddress: source, timeMs });
      await stored(store, [
        ...Array.from({ length: 6 }, () => failure('nanzhao-gw', '203.0.113.9')),
        failure('nanzhao-gw', '198.51.100.7'),
        failure('xichuan-gw', '198.51.100.7'),
        failure('xichuan-gw', '192.0.2.1'),
        failure('xichuan-gw', '192.0.2.1', NOW_MS - 3 * DAY_MS),
        makeEvent({ node: asNodeId('xichuan-gw'), category: 'config-change' }),
        makeEvent({ node: null, zone: null, category: 'system' }),
      ]);
      const counts = await store.counts({ sinceMs: NOW_MS - DAY_MS, untilMs: NOW_MS, topSources: 2 });
      expect(counts.byNodeCategory).toEqual([
        { node: 'nanzhao-gw', category: 'auth-failure', count: 7 },
        { node: 'xichuan-gw', category: 'auth-failure', count: 2 },
        { node: 'xichuan-gw', category: 'config-change', count: 1 },
        { node: null, category: 'system', count: 1 },
      ]);
      expect(counts.topSources).toEqual([
        { sourceAddress: '203.0.113.9', count: 6 },
        { sourceAddress: '198.51.100.7', count: 2 },
      ]);
    });

    it('keeps 180 days by default: older events are gone, younger ones searchable', async () => {
      const store = await open();
      const at = (ageMs: number) => makeEvent({ timeMs: NOW_MS - ageMs, text: `age ${ageMs}` });
      const old = [at(400 * DAY_MS), at(200 * DAY_MS), at(180 * DAY_MS + HOUR_MS)];
      const young = [at(180 * DAY_MS - HOUR_MS), at(179 * DAY_MS), at(DAY_MS), at(HOUR_MS)];
      await stored(store, [...old, ...young]);
      const result = await store.applyRetention(NOW_MS);
      expect(result.cutoffMs).toBe(NOW_MS - 180 * DAY_MS);
      expect(ids((await store.search({})).events).sort()).toEqual(ids(young).sort());
      expect(ids((await store.search({ text: 'age' })).events).sort()).toEqual(ids(young).sort());
      // A day later the oldest young event has aged out too, and nothing else.
      await store.applyRetention(NOW_MS + DAY_MS);
      expect(ids((await store.search({})).events).sort()).toEqual(ids(young.slice(1)).sort());
      // Retention measures the time received: a device clock in 1970 does not make an event expire.
      const badClock = makeEvent({ timeMs: 0, receivedAtMs: NOW_MS });
      await stored(store, [badClock]);
      await store.applyRetention(NOW_MS + DAY_MS);
      expect(ids((await store.search({ untilMs: 1 })).events)).toEqual([badClock.id]);
    });

    it('refuses a retention under 180 days unless explicitly overridden, and then warns', async () => {
      await expect(open({ retentionDays: 90 })).rejects.toThrow(/under the legal minimum of 180 days/);
      const store = await open({ retentionDays: 30, allowBelowLegalMinimum: true });
      expect(logger.lines.some((line) => line.level === 'warn' && /legal minimum/.test(line.msg))).toBe(true);
      await stored(store, [
        makeEvent({ timeMs: NOW_MS - 31 * DAY_MS }),
        makeEvent({ timeMs: NOW_MS - 29 * DAY_MS }),
      ]);
      await store.applyRetention(NOW_MS);
      expect((await store.search({})).events).toHaveLength(1);
      await closeCurrent();
      const longer = await open({ retentionDays: 400 });
      await stored(longer, [makeEvent({ timeMs: NOW_MS - 399 * DAY_MS })]);
      await longer.applyRetention(NOW_MS);
      expect((await longer.search({})).events).toHaveLength(1);
    });

    it('bounds the buffer under a flood and counts every event it refuses', async () => {
      const store = await open({ maxBufferedEvents: 100, batchSize: 40, flushIntervalMs: 60_000 });
      const flood = Array.from({ length: 1000 }, () => makeEvent());
      store.write(flood);
      expect(store.health().pendingEvents).toBeLessThanOrEqual(100);
      expect(store.health().droppedEvents).toBe(900);
      await store.flush();
      expect(store.health()).toMatchObject({ pendingEvents: 0, droppedEvents: 900, writtenEvents: 100 });
      expect((await store.search({ limit: 1000 })).events).toHaveLength(100);
      expect(logger.lines.filter((line) => /buffer full/.test(line.msg))).toHaveLength(1);
    });
  });
}

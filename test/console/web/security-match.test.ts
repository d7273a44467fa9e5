/**
 * The 安全事件 page narrows its live list in the browser by the search it shows: for every filter,
 * it must keep exactly the events the log store's search finds (else the live list and the results
 * below it disagree). Checked against the real embedded store over the same events.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../common';
import { openLogStore, type LogStore } from '../../../logs';
import { matchesLive, type LiveFilters } from '../../../console/web/src/lib/security-match';
import { securityEvent } from '../../alerts/security-support';

const NOW = Date.UTC(2026, 11, 6, 12);
const events = [
  securityEvent('xichuan-gw', 'auth-failure', NOW - 5000, {
    user: 'Admin',
    sourceAddress: '203.0.113.7',
    messageId: 'SSH/4/SSH_FAIL',
    text: 'Failed to login through SSH. (Ip=203.0.113.7, Reason=password error)',
  }).event,
  securityEvent('xichuan-sw', 'config-change', NOW - 4000, {
    user: 'ops',
    sourceAddress: '10.41.8.200',
    messageId: 'SHELL/5/CMDRECORD',
    text: '用户 ops 保存了配置 save force',
  }).event,
  securityEvent('nanzhao-gw', 'command', NOW - 3000, { user: 'admin', text: 'display current-configuration' })
    .event,
  securityEvent(null, 'attack', NOW - 2000, { sourceAddress: '192.0.2.1', text: 'SYN flood detected' }).event,
];

const none: LiveFilters = { text: '', node: '', user: '', source: '', category: '', zone: '' };
const cases: Array<Partial<LiveFilters>> = [
  {},
  { text: 'ssh' },
  { text: 'FAILED password' },
  { text: '保存 配置' },
  { text: 'ssh/4' },
  { text: 'admin' },
  { text: 'xichuan' },
  { text: 'flood nothing' },
  { user: 'admin' },
  { user: 'Admin' },
  { source: '203.0.113.7' },
  { category: 'config-change' },
  { node: 'nanzhao-gw', text: 'display' },
  { zone: 'internal', category: 'attack' },
];

let store: LogStore;
beforeAll(async () => {
  store = openLogStore('memory', { logger: silentLogger() });
  await store.init();
  store.write(events);
  await store.flush();
});
afterAll(() => store.close());

describe('the live list follows the search', () => {
  it.each(cases.map((filters) => [JSON.stringify(filters), filters] as const))(
    '%s keeps what the store finds',
    async (_name, filters) => {
      const live = { ...none, ...filters };
      const found = await store.search({
        ...(live.text ? { text: live.text } : {}),
        ...(live.node ? { node: live.node as never } : {}),
        ...(live.user ? { user: live.user } : {}),
        ...(live.source ? { sourceAddress: live.source } : {}),
        ...(live.category ? { category: live.category as never } : {}),
        ...(live.zone ? { zone: live.zone as never } : {}),
      });
      const kept = events.filter((event) => matchesLive(event, live)).map((event) => event.id);
      expect(kept.sort()).toEqual(found.events.map((event) => event.id).sort());
    },
  );
});

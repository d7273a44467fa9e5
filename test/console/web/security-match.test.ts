/**
 * The 安全事件 page narrows its live list in the browser by the search it shows: for every filter,
 * it must keep exactly the events the log store's search finds (else the live list and the results
 * below it disagree). Checked against the real embedded store over the same events; a county is
 * searched with the nodes the server's county filter gives (console/server/county-scope.ts) and
 * matched live on the caller's tree, the whole network's or one that starts inside a county.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../common';
import type { InventoryNode, NodeId } from '../../../domain';
import { loadInventory } from '../../../inventory';
import { openLogStore, type LogStore } from '../../../logs';
import { Scope } from '../../../console/server/access';
import { countyScope } from '../../../console/server/county-scope';
import { matchesLive, type LiveFilters } from '../../../console/web/src/lib/security-match';
import { securityEvent } from '../../alerts/security-support';

const INVENTORY = 'configs/examples/nanyang.yaml';
const loaded = loadInventory(INVENTORY);
if (!loaded.ok) throw new Error(`cannot load ${INVENTORY}`);
const topology = loaded.topology;
/** The tree GET /api/topology gives a caller scoped to `root` (null: the whole network). */
function treeOf(root: NodeId | null): ReadonlyMap<string, InventoryNode> {
  const scope = new Scope(topology, root);
  const visible = topology.nodes.filter((node) => scope.allowsNode(node.id));
  return new Map<string, InventoryNode>(visible.map((node) => [node.id, node]));
}
const WHOLE_NETWORK = treeOf(null);

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
  securityEvent('xichuan-mcu', 'auth-success', NOW - 2500, { user: 'vc', text: 'login from console' }).event,
  securityEvent('ny-core', 'auth-failure', NOW - 2400, { user: 'admin', text: 'login failed' }).event,
  securityEvent(null, 'attack', NOW - 2000, { sourceAddress: '192.0.2.1', text: 'SYN flood detected' }).event,
];

const none: LiveFilters = { text: '', node: '', county: '', user: '', source: '', category: '', zone: '' };
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
  { county: 'xichuan-gw' },
  { county: 'xichuan-sw' },
  { county: 'nanzhao-gw', category: 'command' },
  { county: 'xichuan-gw', user: 'admin' },
  { county: 'xichuan-gw', node: 'xichuan-mcu' },
];

/** What the store finds for the filters, searched as GET /api/security-events does for `scope`. */
async function found(live: LiveFilters, scope: Scope): Promise<string[]> {
  const nodeIds = live.county ? countyScope(topology, scope, live.county) : scope.nodeIds();
  const page = await store.search({
    ...(nodeIds === null ? {} : { scope: nodeIds }),
    ...(live.text ? { text: live.text } : {}),
    ...(live.node ? { node: live.node as never } : {}),
    ...(live.user ? { user: live.user } : {}),
    ...(live.source ? { sourceAddress: live.source } : {}),
    ...(live.category ? { category: live.category as never } : {}),
    ...(live.zone ? { zone: live.zone as never } : {}),
  });
  return page.events.map((event) => event.id).sort();
}

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
      const kept = events.filter((event) => matchesLive(event, live, WHOLE_NETWORK)).map((event) => event.id);
      expect(kept.sort()).toEqual(await found(live, new Scope(topology, null)));
    },
  );

  it("keeps a county's events: its router and every node below it, no other county's nor the city's", () => {
    const live = { ...none, county: 'xichuan-gw' };
    const kept = events.filter((event) => matchesLive(event, live, WHOLE_NETWORK)).map((event) => event.node);
    expect(kept).toEqual(['xichuan-gw', 'xichuan-sw', 'xichuan-mcu']);
  });

  it('on a tree that starts inside the county (scope: its switch), keeps what the server finds there', async () => {
    const live = { ...none, county: 'xichuan-gw' };
    const tree = treeOf('xichuan-sw' as NodeId);
    const kept = events.filter((event) => matchesLive(event, live, tree)).map((event) => event.id);
    expect(kept.sort()).toEqual(await found(live, new Scope(topology, 'xichuan-sw' as NodeId)));
    expect(kept).toHaveLength(2);
  });
});

import { describe, expect, it } from 'vitest';
import type { KeyValueEntry, KeyValueTable } from '../../bus';
import { assignNodes, shareGroups, startLeases, type RunningLeases } from '../../collector';
import { silentLogger } from '../../common';
import { asNodeId, type NodeId } from '../../domain';
import { loadInventory } from '../../inventory';

/** JetStream KV as leases use it: conditional writes, entries gone `ttlMs` after their last write. */
class FakeTable implements KeyValueTable {
  private readonly rows = new Map<string, { value: string; revision: number; writtenMs: number }>();
  private revision = 0;
  nowMs = 0;
  constructor(readonly ttlMs: number) {}

  private live(key: string) {
    const row = this.rows.get(key);
    if (row && this.nowMs - row.writtenMs >= this.ttlMs) this.rows.delete(key);
    return this.rows.get(key);
  }
  private write(key: string, value: string) {
    this.rows.set(key, { value, revision: ++this.revision, writtenMs: this.nowMs });
    return this.revision;
  }
  create(key: string, value: string) {
    return Promise.resolve(this.live(key) ? null : this.write(key, value));
  }
  update(key: string, value: string, revision: number) {
    return Promise.resolve(this.live(key)?.revision === revision ? this.write(key, value) : null);
  }
  put(key: string, value: string) {
    return Promise.resolve(this.write(key, value));
  }
  remove(key: string, revision: number) {
    if (this.live(key)?.revision !== revision) return Promise.resolve(false);
    this.rows.delete(key);
    return Promise.resolve(true);
  }
  entries(prefix: string): Promise<KeyValueEntry[]> {
    return Promise.resolve(
      [...this.rows.keys()]
        .filter((key) => key.startsWith(`${prefix}.`) && this.live(key))
        .map((key) => {
          const row = this.live(key)!;
          return { key, value: row.value, revision: row.revision, writtenMs: row.writtenMs };
        }),
    );
  }
}

const loaded = loadInventory('configs/examples/nanyang.yaml');
if (!loaded.ok) throw new Error('example inventory must load');
const { inventory, topology } = loaded;
const ids = inventory.nodes.map((node) => node.id);

/** Every node's holders among the collectors: exactly one each when the leases are settled. */
const holdersOf = (collectors: Map<string, RunningLeases>) =>
  new Map(ids.map((id) => [id, [...collectors].filter(([, c]) => c.owns(id)).map(([name]) => name)]));

async function rounds(collectors: Map<string, RunningLeases>, n: number) {
  for (let i = 0; i < n; i++) for (const leases of collectors.values()) await leases.renew();
}

describe('shareGroups and assignNodes', () => {
  it('even: 83 nodes over three collectors, 27/28/28, the same answer whatever the member order', () => {
    const groups = shareGroups(inventory.nodes, topology, 'even');
    const a = assignNodes(groups, ['c1', 'c2', 'c3']);
    const b = assignNodes(groups, ['c3', 'c1', 'c2']);
    expect(a).toEqual(b);
    const counts = [...a.values()].reduce((m, c) => m.set(c, (m.get(c) ?? 0) + 1), new Map<string, number>());
    expect([...counts.values()].sort()).toEqual([27, 28, 28]);
  });

  it('subtree: a county and its departments stay with one collector', () => {
    const groups = shareGroups(inventory.nodes, topology, 'subtree');
    expect(groups.get('xichuan-gw')?.sort()).toEqual(
      [asNodeId('xichuan-gw'), ...topology.descendants(asNodeId('xichuan-gw'))].sort(),
    );
    const assignment = assignNodes(groups, ['c1', 'c2']);
    for (const [, nodes] of groups) expect(new Set(nodes.map((n) => assignment.get(n))).size).toBe(1);
    expect(new Set(assignment.values())).toEqual(new Set(['c1', 'c2']));
  });

  it('zone: one collector per zone while there are as many collectors as zones', () => {
    const assignment = assignNodes(shareGroups(inventory.nodes, topology, 'zone'), ['a', 'b']);
    const byZone = new Map<string, Set<string>>();
    for (const node of inventory.nodes)
      byZone.set(node.zone, (byZone.get(node.zone) ?? new Set()).add(assignment.get(node.id) ?? ''));
    expect([...byZone.values()].map((owners) => owners.size)).toEqual([1, 1]);
  });
});

describe('startLeases', () => {
  const start = (table: FakeTable, member: string) =>
    startLeases({
      table,
      member,
      mode: 'even',
      groups: shareGroups(inventory.nodes, topology, 'even'),
      logger: silentLogger(),
      now: () => table.nowMs,
      autoRenew: false,
    });

  it("never lets two collectors hold one node, and hands a silent collector's nodes to the others after one lifetime", async () => {
    const table = new FakeTable(3000);
    const collectors = new Map<string, RunningLeases>();
    for (const name of ['c1', 'c2', 'c3']) {
      collectors.set(name, await start(table, name));
      for (const held of holdersOf(collectors).values()) expect(held.length).toBeLessThanOrEqual(1);
    }
    await rounds(collectors, 3);
    expect([...holdersOf(collectors).values()].every((held) => held.length === 1)).toBe(true);
    expect(collectors.get('c2')?.held().length).toBeGreaterThan(20);

    // c2 stops renewing (kill -9): within its lease lifetime nobody else takes its nodes ...
    const orphans = collectors.get('c2')?.held() ?? [];
    collectors.delete('c2');
    table.nowMs += 2000;
    await rounds(collectors, 1);
    for (const node of orphans) expect(holdersOf(collectors).get(node)).toEqual([]);
    // ... and after it they are shared out in the next round.
    table.nowMs += 1000;
    await rounds(collectors, 2);
    expect([...holdersOf(collectors).values()].every((held) => held.length === 1)).toBe(true);
    for (const leases of collectors.values()) await leases.stop();
  });

  it('a collector that stops cleanly releases its nodes at once', async () => {
    const table = new FakeTable(60_000);
    const collectors = new Map([
      ['c1', await start(table, 'c1')],
      ['c2', await start(table, 'c2')],
    ]);
    await rounds(collectors, 2);
    await collectors.get('c1')?.stop();
    collectors.delete('c1');
    await rounds(collectors, 2);
    expect(collectors.get('c2')?.held().length).toBe(83);
    await collectors.get('c2')?.stop();
  });
});

/** One collector's view of the table, which can lose its connection to NATS. */
class Reachable implements KeyValueTable {
  offline = false;
  constructor(private readonly table: FakeTable) {}
  get ttlMs() {
    return this.table.ttlMs;
  }
  private call<T>(work: () => Promise<T>): Promise<T> {
    return this.offline ? Promise.reject(new Error('NATS connection closed')) : work();
  }
  create(key: string, value: string) {
    return this.call(() => this.table.create(key, value));
  }
  update(key: string, value: string, revision: number) {
    return this.call(() => this.table.update(key, value, revision));
  }
  put(key: string, value: string) {
    return this.call(() => this.table.put(key, value));
  }
  remove(key: string, revision: number) {
    return this.call(() => this.table.remove(key, revision));
  }
  entries(prefix: string) {
    return this.call(() => this.table.entries(prefix));
  }
}

describe('a collector cut off from NATS', () => {
  const groups = shareGroups(inventory.nodes, topology, 'even');
  const start = (table: FakeTable, view: KeyValueTable, member: string, released: NodeId[] = []) =>
    startLeases({
      table: view,
      member,
      mode: 'even',
      groups,
      logger: silentLogger(),
      now: () => table.nowMs,
      autoRenew: false,
      onChange: (change) => released.push(...change.released),
    });

  it('stops polling before its leases can lapse, so no node ever has two pollers, and rejoins', async () => {
    const table = new FakeTable(3000);
    const view = new Reachable(table);
    const releasedByC2: NodeId[] = [];
    const collectors = new Map([
      ['c1', await start(table, table, 'c1')],
      ['c2', await start(table, view, 'c2', releasedByC2)],
    ]);
    await rounds(collectors, 2);
    const held = collectors.get('c2')?.held() ?? [];
    expect(held.length).toBeGreaterThan(30);

    view.offline = true;
    const noneTwice = () =>
      expect([...holdersOf(collectors).values()].every((holders) => holders.length <= 1)).toBe(true);
    for (let step = 0; step < 6; step++) {
      table.nowMs += 500;
      await rounds(collectors, 1);
      noneTwice();
    }
    // Fenced at two thirds of the lifetime, before the server let its leases go; c1 took them after.
    expect(collectors.get('c2')?.held()).toEqual([]);
    expect([...releasedByC2].sort()).toEqual([...held].sort());
    expect(collectors.get('c1')?.held()).toHaveLength(83);

    view.offline = false;
    for (let step = 0; step < 4; step++) {
      table.nowMs += 500;
      await rounds(collectors, 1);
      noneTwice();
    }
    expect([...holdersOf(collectors).values()].every((holders) => holders.length === 1)).toBe(true);
    expect(collectors.get('c2')?.held().length).toBeGreaterThan(30);
    for (const leases of collectors.values()) await leases.stop();
  });

  it('back before its leases lapsed, it takes them back in one round', async () => {
    const table = new FakeTable(3000);
    const view = new Reachable(table);
    const c2 = await start(table, view, 'c2');
    expect(c2.held()).toHaveLength(83);
    view.offline = true;
    table.nowMs += 1000;
    await c2.renew();
    expect(c2.held()).toHaveLength(83);
    table.nowMs += 1000;
    await c2.renew();
    expect(c2.held()).toEqual([]);
    view.offline = false;
    table.nowMs += 500;
    await c2.renew();
    expect(c2.held()).toHaveLength(83);
    await c2.stop();
  });
});

describe('collector ids', () => {
  it('refuses a second collector under an id whose heartbeat is alive', async () => {
    const table = new FakeTable(60_000);
    const groups = shareGroups(inventory.nodes, topology, 'even');
    const options = {
      table,
      mode: 'even',
      groups,
      logger: silentLogger(),
      now: () => table.nowMs,
      autoRenew: false,
    };
    const first = await startLeases({ ...options, member: 'c1' });
    await expect(startLeases({ ...options, member: 'c1' })).rejects.toThrow(/collector id "c1" is in use/);
    await first.stop();
    const again = await startLeases({ ...options, member: 'c1' });
    expect(again.held()).toHaveLength(83);
    await again.stop();
  });
});

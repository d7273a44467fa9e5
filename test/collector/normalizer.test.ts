import { describe, expect, it } from 'vitest';
import { normalizeNodePoll, unreachablePoint, type NodeMemory } from '../../collector/normalizer';
import type { IfReading } from '../../collector/poll/if-mib';
import { loadInventoryText } from '../../inventory/index';
import { asNodeId } from '../../domain';

const loaded = loadInventoryText(
  't.yaml',
  `
network: { id: t, name: 测试, domain: t.gov.cn }
credentials: { c: { version: 2c, community: x } }
nodes:
  - { id: core, name: 核心, tier: city, zone: internal, role: router, vendor: huawei, model: NE40E, address: 10.0.0.1, credentials: c, interfaces: [{ name: GE0/0/1, speedMbps: 1000 }, { name: GE0/0/2, speedMbps: 1000 }] }
  - { id: county, name: 县, tier: county, zone: internal, role: router, vendor: huawei, model: AR, address: 10.0.0.2, credentials: c, parent: core, interfaces: [{ name: GE0/0/0, speedMbps: 1000 }] }
links:
  - { id: up, a: "core:GE0/0/1", b: "county:GE0/0/0", capacityMbps: 100, medium: hfc }
`,
);
if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));
const { topology } = loaded;
const core = topology.node(asNodeId('core'));

const row = (ifIndex: number, inOctets: bigint, extra: Partial<IfReading> = {}): IfReading => ({
  ifIndex,
  name: `GE0/0/${ifIndex}`,
  operUp: true,
  inOctets,
  outOctets: 0n,
  counterBits: 64,
  inErrors: 0n,
  outErrors: 0n,
  inDiscards: 0n,
  outDiscards: 0n,
  highSpeedMbps: 1000,
  speedBps: null,
  ...extra,
});

function poll(previous: NodeMemory | null, uptimeCs: number, timeMs: number, rows: IfReading[]) {
  return normalizeNodePoll(topology, core, previous, {
    timeMs,
    system: { uptimeCs, sysName: 'core' },
    interfaces: rows,
    hostResources: {
      cpuPct: 12,
      memPct: 40,
      storage: [{ index: 1, descr: 'flash', ram: false, sizeBytes: 1000, usedBytes: 250 }],
      values: 0,
      requests: 1,
    },
    pollMs: 3,
  });
}

describe('normalizeNodePoll', () => {
  const first = poll(null, 10_000, 1_000_000, [row(1, 0n), row(2, 0n, { inErrors: 10n })]);

  it('first poll: status, node and storage points, no rates yet', () => {
    expect(first.points.find((p) => p.measurement === 'interface')?.fields).toEqual({ operUp: 1 });
    expect(first.points.find((p) => p.measurement === 'node')).toEqual({
      measurement: 'node',
      tags: { node: 'core', tier: 'city', zone: 'internal', role: 'router' },
      fields: { uptimeS: 100, reachable: 1, pollMs: 3, cpuPct: 12, memPct: 40 },
      timeMs: 1_000_000,
    });
    expect(first.points.find((p) => p.measurement === 'storage')?.fields).toEqual({
      usedPct: 25,
      sizeBytes: 1000,
      usedBytes: 250,
    });
  });

  it.each([
    {
      name: '10 Mbit/s on the 100 Mbit/s HFC uplink: 10 % of the lease',
      ifIndex: 1,
      octets: 12_500_000n,
      want: { inBps: 10e6, inUtilPct: 10 },
    },
    {
      name: 'no inventory link: % of ifHighSpeed',
      ifIndex: 2,
      octets: 12_500_000n,
      want: { inBps: 10e6, inUtilPct: 1 },
    },
    {
      name: 'beyond line rate: clamped to 1 Gbit/s',
      ifIndex: 2,
      octets: 10n ** 10n,
      want: { inBps: 1e9, inUtilPct: 100 },
    },
  ])('$name', ({ ifIndex, octets, want }) => {
    const next = poll(first.memory, 11_000, 1_010_000, [
      row(1, ifIndex === 1 ? octets : 0n),
      row(2, ifIndex === 2 ? octets : 0n, { inErrors: 30n }),
    ]);
    const point = next.points.find(
      (p) => p.measurement === 'interface' && p.tags.ifIndex === String(ifIndex),
    );
    expect(point?.fields).toMatchObject(want);
    if (ifIndex === 2) expect(point?.fields.inErrorsPs).toBe(2);
  });

  it('status change → interface.state; reboot → node.reboot and no rates', () => {
    const down = poll(first.memory, 11_000, 1_010_000, [row(1, 100n, { operUp: false }), row(2, 100n)]);
    expect(down.events).toEqual([
      {
        type: 'interface.state',
        node: 'core',
        timeMs: 1_010_000,
        ifIndex: 1,
        ifName: 'GE0/0/1',
        state: 'down',
        source: 'poll',
      },
    ]);
    const rebooted = poll(down.memory, 500, 1_020_000, [row(1, 5n, { operUp: false }), row(2, 5n)]);
    expect(rebooted.events).toEqual([
      { type: 'node.reboot', node: 'core', timeMs: 1_020_000, source: 'poll', uptimeS: 5 },
    ]);
    expect(rebooted.points.filter((p) => p.measurement === 'interface').map((p) => p.fields)).toEqual([
      { operUp: 0 },
      { operUp: 1 },
    ]);
  });

  it('an unreachable node gets a reachable=0 point', () => {
    expect(unreachablePoint(core, 7, 2000)).toEqual({
      measurement: 'node',
      tags: { node: 'core', tier: 'city', zone: 'internal', role: 'router' },
      fields: { reachable: 0, pollMs: 2000 },
      timeMs: 7,
    });
  });
});

/**
 * Pure pieces around the pollers, with a stub SNMP session: the three video MIBs, LLDP drift,
 * trap sender resolution, and video points with the E-model MOS.
 */
import { describe, expect, it } from 'vitest';
import { asNodeId, mosFromRtt } from '../../domain';
import { normalizeVideo } from '../../collector/normalizer';
import { compareLldp, driftKey } from '../../collector/poll/lldp';
import { ciscoRttMonProbe } from '../../collector/poll/video/cisco-rttmon';
import { dismanPingProbe, pingJitterMs } from '../../collector/poll/video/disman-ping';
import { huaweiNqaProbe } from '../../collector/poll/video/huawei-nqa';
import { decodeStringIndex } from '../../collector/poll/video/probe';
import { ObjectType } from '../../collector/snmp/net-snmp';
import type { Column, SnmpSession, Varbind } from '../../collector/snmp/session';
import { loadInventoryText } from '../../inventory/index';

/** A session that answers walkColumns from a flat OID → value table. */
function stubSession(values: Record<string, number | string>): SnmpSession {
  const vb = (oid: string, value: number | string): Varbind => ({
    oid,
    type: typeof value === 'number' ? ObjectType.Gauge32 : ObjectType.OctetString,
    value: typeof value === 'number' ? value : Buffer.from(value),
  });
  return {
    target: { host: '127.0.0.1', port: 161 },
    garbledCount: 0,
    get: () => Promise.resolve({ ok: true, value: [] }),
    walkColumns: (columns) => {
      const out: Column[] = columns.map((base) => {
        const column: Column = new Map();
        for (const [oid, value] of Object.entries(values))
          if (oid.startsWith(`${base}.`)) column.set(oid.slice(base.length + 1), vb(oid, value));
        return column;
      });
      return Promise.resolve({ ok: true, value: { scalars: [], columns: out, requests: 1 } });
    },
    close: () => undefined,
  };
}

const idx = (s: string) => [s.length, ...Buffer.from(s)].join('.');
const OWNER = idx('egov-noc');

describe('video probes', () => {
  it('SnmpAdminString index decoding', () => {
    const parts = `${OWNER}.${idx('vc-ny-wolong')}.1`.split('.').map(Number);
    const owner = decodeStringIndex(parts, 0);
    expect(owner?.text).toBe('egov-noc');
    const test = decodeStringIndex(parts, owner?.next ?? 0);
    expect(test?.text).toBe('vc-ny-wolong');
    expect(parts[test?.next ?? 0]).toBe(1);
    expect(decodeStringIndex([5, 1, 2], 0)).toBeNull();
  });

  it('Huawei NQA: latest stats row, exact loss from probes, MOS ×100 from the device', async () => {
    const e = '1.3.6.1.4.1.2011.5.25.111.4.3.1';
    const row = (n: number) => `${OWNER}.${idx('vc-a')}.${n}`;
    const result = await huaweiNqaProbe.poll(
      stubSession({
        [`${e}.2.${row(1)}`]: 1,
        [`${e}.46.${row(1)}`]: 99,
        [`${e}.2.${row(2)}`]: 1,
        [`${e}.40.${row(2)}`]: 985,
        [`${e}.41.${row(2)}`]: 1000,
        [`${e}.46.${row(2)}`]: 42,
        [`${e}.47.${row(2)}`]: 2,
        [`${e}.48.${row(2)}`]: 7,
        [`${e}.60.${row(2)}`]: 412,
        [`${e}.2.${OWNER}.${idx('vc-down')}.1`]: 2,
      }),
      10,
    );
    expect(result.ok && result.value.readings).toEqual([
      { linkId: 'vc-a', rttMs: 42, jitterMs: 7, lossPct: 1.5, mos: 4.12 },
      { linkId: 'vc-down', rttMs: null, jitterMs: null, lossPct: 100, mos: 1 },
    ]);
  });

  it('DISMAN-PING: jitter is the RTT standard deviation, loss from probes, no device MOS', async () => {
    const e = '1.3.6.1.2.1.80.1.3.1';
    const row = `${OWNER}.${idx('vc-p')}`;
    // RTTs 10, 20, 30 → mean 20, sum of squares 1400, population sd √(1400/3 − 400) = 8.165
    const result = await dismanPingProbe.poll(
      stubSession({
        [`${e}.6.${row}`]: 20,
        [`${e}.7.${row}`]: 3,
        [`${e}.8.${row}`]: 4,
        [`${e}.9.${row}`]: 1400,
      }),
      10,
    );
    const reading = result.ok ? result.value.readings[0] : undefined;
    expect(reading).toMatchObject({ linkId: 'vc-p', rttMs: 20, lossPct: 25, mos: null });
    expect(reading?.jitterMs).toBeCloseTo(Math.sqrt(1400 / 3 - 400), 9);
    expect(pingJitterMs(20, 0, 0)).toBeNull();
  });

  it('Cisco RTTMON: operations named by their tag, loss = (SD+DS+MIA)/(RTTs+SD+DS+MIA)', async () => {
    const j = '1.3.6.1.4.1.9.9.42.1.5.2.1';
    const result = await ciscoRttMonProbe.poll(
      stubSession({
        '1.3.6.1.4.1.9.9.42.1.2.1.1.3.1': 'vc-c',
        [`${j}.1.1`]: 95,
        [`${j}.2.1`]: 95 * 30,
        [`${j}.26.1`]: 2,
        [`${j}.27.1`]: 2,
        [`${j}.29.1`]: 1,
        [`${j}.31.1`]: 1,
        [`${j}.42.1`]: 0,
        [`${j}.46.1`]: 4,
      }),
      10,
    );
    expect(result.ok && result.value.readings).toEqual([
      { linkId: 'vc-c', rttMs: 30, jitterMs: 4, lossPct: 5, mos: null },
    ]);
  });
});

const YAML = `
network: { id: t, name: 测试, domain: t.gov.cn }
credentials: { c: { version: 2c, community: x } }
nodes:
  - { id: core, name: 核心, tier: city, zone: internal, role: router, vendor: huawei, model: NE40E, address: 10.0.0.1, credentials: c, interfaces: [{ name: GE0/0/1, speedMbps: 1000 }, { name: GE0/0/2, speedMbps: 1000 }] }
  - { id: county-a, name: 县A, tier: county, zone: internal, role: router, vendor: huawei, model: AR, address: 10.0.0.2, credentials: c, parent: core, interfaces: [{ name: GE0/0/0, speedMbps: 1000 }] }
  - { id: county-b, name: 县B, tier: county, zone: video, role: mcu, vendor: huawei, model: VP, address: 10.0.0.3, credentials: c, parent: core, interfaces: [{ name: GE0/0/0, speedMbps: 1000 }] }
links:
  - { id: up-a, a: "core:GE0/0/1", b: "county-a:GE0/0/0", capacityMbps: 100, medium: hfc }
  - { id: up-b, a: "core:GE0/0/2", b: "county-b:GE0/0/0", capacityMbps: 100, medium: fiber }
videoLinks:
  - { id: vc-b, name: 视频, a: county-b, b: core, probe: ping, meetings: [] }
`;
const loaded = loadInventoryText('t.yaml', YAML);
if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));
const { topology, inventory } = loaded;

describe('LLDP drift', () => {
  const core = asNodeId('core');
  it.each([
    {
      name: 'everything as the inventory says',
      seen: [
        { localIfName: 'GE0/0/1', remoteSysName: 'county-a', remotePort: 'GE0/0/0' },
        { localIfName: 'GE0/0/2', remoteSysName: 'county-b.t.gov.cn', remotePort: 'GE0/0/0' },
      ],
      want: { unknownNeighbours: [], missingLinks: [] },
    },
    {
      name: 'a link not seen, a neighbour not in the inventory',
      seen: [
        { localIfName: 'GE0/0/1', remoteSysName: 'county-a', remotePort: 'GE0/0/0' },
        { localIfName: 'GE0/0/9', remoteSysName: 'rogue-switch', remotePort: 'eth1' },
      ],
      want: {
        unknownNeighbours: [{ localIfName: 'GE0/0/9', remoteSysName: 'rogue-switch', remotePort: 'eth1' }],
        missingLinks: ['up-b'],
      },
    },
    {
      name: 'cabled to the wrong port of the right node',
      seen: [
        { localIfName: 'GE0/0/1', remoteSysName: 'county-a', remotePort: 'GE0/0/7' },
        { localIfName: 'GE0/0/2', remoteSysName: 'county-b', remotePort: 'GE0/0/0' },
      ],
      want: {
        unknownNeighbours: [{ localIfName: 'GE0/0/1', remoteSysName: 'county-a', remotePort: 'GE0/0/7' }],
        missingLinks: ['up-a'],
      },
    },
  ])('$name', ({ seen, want }) => {
    expect(compareLldp(topology, core, seen)).toEqual(want);
  });

  it('the drift key ignores order', () => {
    const a = { unknownNeighbours: [], missingLinks: ['x', 'y'] };
    expect(driftKey(a)).toBe(driftKey({ unknownNeighbours: [], missingLinks: ['y', 'x'] }));
  });
});

describe('video points', () => {
  const node = topology.node(asNodeId('county-b'));
  it('tags link/node/peer/probe; MOS by the E-model when the device gives none; device MOS kept', () => {
    const points = normalizeVideo(
      node,
      inventory.videoLinks,
      [
        { linkId: 'vc-b', rttMs: 80, jitterMs: 6, lossPct: 0.5, mos: null },
        { linkId: 'not-in-inventory', rttMs: 1, jitterMs: 1, lossPct: 0, mos: 4.4 },
      ],
      1000,
    );
    expect(points).toEqual([
      {
        measurement: 'video',
        tags: { link: 'vc-b', node: 'county-b', peer: 'core', probe: 'ping' },
        fields: { rttMs: 80, jitterMs: 6, lossPct: 0.5, mos: mosFromRtt(80, 6, 0.5) },
        timeMs: 1000,
      },
    ]);
    const down = normalizeVideo(
      node,
      inventory.videoLinks,
      [{ linkId: 'vc-b', rttMs: null, jitterMs: null, lossPct: 100, mos: null }],
      1,
    );
    expect(down[0]?.fields).toEqual({ lossPct: 100, mos: 1 });
  });
});

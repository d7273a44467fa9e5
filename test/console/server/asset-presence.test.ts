/**
 * Parts that appear in or leave entPhysicalTable: paired by serial, then by class and name, never by
 * slot number — a reload that renumbers every entPhysicalIndex is no change; what is left unpaired is
 * inserted or removed, with its class, name, serial and container; an empty read keeps the parts.
 * Through the register: stored with class and container, published, and restored after a restart.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InProcessBus } from '../../../bus/index';
import { silentLogger } from '../../../common';
import type { AssetChangeEvent, MetricPoint, SamplesEvent } from '../../../domain';
import { asNodeId } from '../../../domain';
import { loadInventoryText } from '../../../inventory/index';
import { assetChanges, pairParts } from '../../../console/server/assets/changes';
import type { AssetObservation, ModuleFacts } from '../../../console/server/assets/observation';
import { AssetRegister } from '../../../console/server/assets/register';

const core = asNodeId('core');
const CHASSIS = {
  model: 'NE40E-X8',
  serial: 'CH1',
  hardwareRev: 'REV A',
  firmwareRev: '',
  softwareRev: 'V8',
};

function part(slot: string, cls: string, name: string, serial: string, container = 'NE40E-X8'): ModuleFacts {
  return {
    slot,
    class: cls,
    name,
    container,
    model: 'M',
    serial,
    hardwareRev: '',
    firmwareRev: '',
    softwareRev: '',
  };
}

const BEFORE = [
  part('2', 'module', 'MPU 0', 'BOARD1'),
  part('3', 'powerSupply', 'PWR1', 'PSU1'),
  part('4', 'powerSupply', 'PWR2', 'PSU2'),
  part('5', 'fan', 'FAN1', 'FAN1S'),
  part('101', 'port', 'GE0/0/1', 'OPT1', 'MPU 0'),
];

const read = (modules: ModuleFacts[], timeMs = 2_000): AssetObservation => ({
  node: core,
  timeMs,
  chassis: CHASSIS,
  modules,
});
const known = { chassis: CHASSIS, modules: BEFORE };
const summary = (obs: AssetObservation) =>
  assetChanges(known, obs).map((c) => [c.change, c.partClass, c.slotName, c.oldValue, c.newValue]);

describe('pairing parts between two reads', () => {
  it('a reload that renumbers every entPhysicalIndex with the same serials is no change', () => {
    const renumbered = BEFORE.map((p, i) => ({ ...p, slot: String(1000 + i) })).reverse();
    expect(assetChanges(known, read(renumbered))).toEqual([]);
    const { pairs, removed, inserted } = pairParts(BEFORE, renumbered);
    expect(pairs).toHaveLength(BEFORE.length);
    expect(removed).toEqual([]);
    expect(inserted).toEqual([]);
  });

  it('a renumbered part with a new serial under the same class and name is a replacement, not remove+insert', () => {
    const after = BEFORE.map((p, i) => ({ ...p, slot: String(50 + i) }));
    after[1] = { ...(after[1] as ModuleFacts), serial: 'PSU9' };
    expect(summary(read(after))).toEqual([['module-replaced', 'powerSupply', 'PWR1', 'PSU1', 'PSU9']]);
  });

  it('a part gone is removed, with its class, name, serial, slot and container', () => {
    const after = BEFORE.filter((p) => p.name !== 'PWR2');
    expect(assetChanges(known, read(after))).toEqual([
      {
        node: core,
        timeMs: 2_000,
        change: 'module-removed',
        slot: '4',
        slotName: 'PWR2',
        partClass: 'powerSupply',
        container: 'NE40E-X8',
        field: 'serial',
        oldValue: 'PSU2',
        newValue: '',
      },
    ]);
  });

  it('a new part is inserted; the same part moved to another port is neither', () => {
    const after = [
      ...BEFORE.filter((p) => p.name !== 'GE0/0/1'),
      part('102', 'port', 'GE0/0/2', 'OPT1', 'MPU 0'),
      part('6', 'module', 'LPU 1', 'CARD1'),
    ];
    expect(summary(read(after))).toEqual([['module-inserted', 'module', 'LPU 1', '', 'CARD1']]);
  });

  it('a part moved to another slot while another takes its place: one insertion, no removal', () => {
    const after = [
      ...BEFORE.filter((p) => p.name !== 'FAN1'),
      part('7', 'fan', 'FAN2', 'FAN1S'),
      part('5', 'fan', 'FAN1', 'FANNEW'),
    ];
    expect(summary(read(after))).toEqual([['module-inserted', 'fan', 'FAN1', '', 'FANNEW']]);
  });

  it('parts sharing a class and name pair in read order; the extra one is inserted', () => {
    const twins = [part('8', 'port', 'SFP', 'A'), part('9', 'port', 'SFP', 'B')];
    const after = [
      part('8', 'port', 'SFP', 'C'),
      part('9', 'port', 'SFP', 'D'),
      part('10', 'port', 'SFP', 'E'),
    ];
    const changes = assetChanges({ chassis: CHASSIS, modules: twins }, read(after)).map((c) => [
      c.change,
      c.oldValue,
      c.newValue,
    ]);
    expect(changes).toEqual([
      ['module-replaced', 'A', 'C'],
      ['module-replaced', 'B', 'D'],
      ['module-inserted', '', 'E'],
    ]);
  });

  it('an empty read where there were parts is a cut-short walk, not every part removed', () => {
    expect(assetChanges(known, read([]))).toEqual([]);
  });
});

describe('the register with parts inserted and removed', () => {
  let dir: string;
  let bus: InProcessBus;
  let published: AssetChangeEvent[];
  const loaded = loadInventoryText(
    'assets.yaml',
    `
network: { id: assets, name: 台账测试网, domain: assets.gov.cn }
credentials:
  v2c: { version: 2c, community: x }
nodes:
  - { id: core, name: 核心路由器, tier: city, zone: internal, role: router, vendor: huawei, model: NE40E-X8, address: 10.9.0.1, credentials: v2c }
`,
  );
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));
  const topology = loaded.topology;

  const samples = (timeMs: number, modules: ModuleFacts[]): SamplesEvent => {
    const point = (measurement: string, tags: Record<string, string>): MetricPoint => ({
      measurement,
      tags: { node: 'core', ...tags },
      fields: { seen: 1 },
      timeMs,
    });
    return {
      type: 'samples',
      node: core,
      timeMs,
      points: [
        point('entity', { ...CHASSIS }),
        ...modules.map(({ slot, ...rest }) => point('module', { index: slot, ...rest })),
      ],
    };
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'egov-asset-presence-'));
    bus = new InProcessBus();
    published = [];
    bus.subscribe('asset.change', (event) => published.push(event));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('stores and publishes removals and insertions with class and container; a restart keeps them', () => {
    const register = new AssetRegister(dir, topology, bus, silentLogger());
    register.observe(samples(1_000, BEFORE));
    register.observe(
      samples(
        2_000,
        BEFORE.filter((p) => p.name !== 'PWR2'),
      ),
    );
    register.observe(samples(3_000, [...BEFORE, part('6', 'module', 'LPU 1', 'CARD1')]));
    register.observe(samples(4_000, [...BEFORE, part('6', 'module', 'LPU 1', 'CARD1')].reverse()));
    expect(published.map((e) => [e.change, e.partClass, e.slotName, e.container])).toEqual([
      ['module-removed', 'powerSupply', 'PWR2', 'NE40E-X8'],
      ['module-inserted', 'powerSupply', 'PWR2', 'NE40E-X8'],
      ['module-inserted', 'module', 'LPU 1', 'NE40E-X8'],
    ]);
    register.close();
    const again = new AssetRegister(dir, topology, bus, silentLogger());
    expect(again.changes({ limit: 10 }).map((c) => [c.change, c.partClass, c.container, c.slotName])).toEqual(
      [
        ['module-inserted', 'module', 'NE40E-X8', 'LPU 1'],
        ['module-inserted', 'powerSupply', 'NE40E-X8', 'PWR2'],
        ['module-removed', 'powerSupply', 'NE40E-X8', 'PWR2'],
      ],
    );
    expect(again.assets()[0]?.modules.find((m) => m.name === 'GE0/0/1')?.container).toBe('MPU 0');
    again.observe(samples(5_000, []));
    expect(again.assets()[0]?.modules).toHaveLength(BEFORE.length + 1);
    expect(published).toHaveLength(3);
    again.close();
  });
});

/**
 * The asset register from samples events: a node's first entity read is recorded without changes; a
 * new serial in a slot is "module replaced" and a new software/firmware revision "firmware upgraded",
 * each stored with old and new value and published as asset.change; the file survives a restart and
 * refuses a newer schema version.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InProcessBus } from '../../../bus/index';
import { silentLogger } from '../../../common';
import type { AssetChangeEvent, MetricPoint, SamplesEvent } from '../../../domain';
import { asNodeId } from '../../../domain';
import { loadInventoryText } from '../../../inventory/index';
import { AssetRegister } from '../../../console/server/assets/register';
import { assetChanges } from '../../../console/server/assets/changes';

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
const { topology } = loaded;
const core = asNodeId('core');

function samples(
  timeMs: number,
  parts: { software?: string; psuSerial?: string; firmware?: string },
): SamplesEvent {
  const point = (measurement: string, tags: Record<string, string>): MetricPoint => ({
    measurement,
    tags: { node: 'core', ...tags },
    fields: { seen: 1 },
    timeMs,
  });
  const revs = { hardwareRev: 'REV A', firmwareRev: '', softwareRev: parts.software ?? 'V800R012C10SPC300' };
  return {
    type: 'samples',
    node: core,
    timeMs,
    points: [
      point('entity', { model: 'NE40E-X8', serial: '2102351931P0AAAA', ...revs }),
      point('module', {
        index: '2',
        class: 'module',
        name: 'MPU 0',
        model: 'NE40E-X8-MPU',
        serial: '2102351931P0BBBB',
        ...revs,
        firmwareRev: parts.firmware ?? '1.12',
      }),
      point('module', {
        index: '3',
        class: 'powerSupply',
        name: 'PWR1',
        model: 'PAC-600WA',
        serial: parts.psuSerial ?? '2102351931P0CCCC',
        hardwareRev: '',
        firmwareRev: '',
        softwareRev: '',
      }),
    ],
  };
}

let dir: string;
let bus: InProcessBus;
let published: AssetChangeEvent[];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'egov-assets-'));
  bus = new InProcessBus();
  published = [];
  bus.subscribe('asset.change', (event) => published.push(event));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('asset register', () => {
  it('records the first read without changes, then a swapped supply as module replaced', () => {
    const register = new AssetRegister(dir, topology, bus, silentLogger());
    register.observe(samples(1_000, {}));
    expect(published).toEqual([]);
    const [asset] = register.assets();
    expect(asset).toMatchObject({
      node: 'core',
      firstSeenMs: 1_000,
      chassis: { serial: '2102351931P0AAAA' },
    });
    expect(asset?.modules.map((m) => m.name)).toEqual(['MPU 0', 'PWR1']);

    register.observe(samples(2_000, { psuSerial: '2102351931P0DDDD' }));
    expect(published).toEqual([
      expect.objectContaining({
        type: 'asset.change',
        node: 'core',
        timeMs: 2_000,
        change: 'module-replaced',
        slot: '3',
        slotName: 'PWR1',
        field: 'serial',
        oldValue: '2102351931P0CCCC',
        newValue: '2102351931P0DDDD',
      }),
    ]);
    expect(register.changes({ limit: 10 })).toHaveLength(1);
    expect(register.assets()[0]?.modules.find((m) => m.slot === '3')?.serial).toBe('2102351931P0DDDD');
    register.close();
  });

  it('an upgrade is firmware upgraded for the chassis software and the board firmware', () => {
    const register = new AssetRegister(dir, topology, bus, silentLogger());
    register.observe(samples(1_000, {}));
    register.observe(samples(2_000, { software: 'V800R012C10SPC400', firmware: '1.13' }));
    const changes = published.map((e) => [e.change, e.slotName, e.field, e.oldValue, e.newValue]);
    expect(changes).toEqual(
      expect.arrayContaining([
        ['firmware-upgraded', 'NE40E-X8', 'softwareRev', 'V800R012C10SPC300', 'V800R012C10SPC400'],
        ['firmware-upgraded', 'MPU 0', 'firmwareRev', '1.12', '1.13'],
      ]),
    );
    expect(published.every((e) => e.change === 'firmware-upgraded')).toBe(true);
    register.close();
  });

  it('survives a restart: the next read compares with the stored one; last seen moves on', () => {
    const first = new AssetRegister(dir, topology, bus, silentLogger());
    first.observe(samples(1_000, {}));
    first.observe({ type: 'samples', node: core, timeMs: 5_000, points: [] });
    first.close();
    const second = new AssetRegister(dir, topology, bus, silentLogger());
    expect(second.assets()[0]).toMatchObject({ firstSeenMs: 1_000, lastSeenMs: 5_000, readAtMs: 1_000 });
    second.observe(samples(9_000, { psuSerial: 'NEW' }));
    expect(published.map((e) => e.newValue)).toEqual(['NEW']);
    expect(second.changeCounts().get('core')).toBe(1);
    second.close();
    expect(statSync(join(dir, 'assets.sqlite')).mode & 0o777).toBe(0o600);
  });

  it('refuses a file written by a newer release', () => {
    new AssetRegister(dir, topology, bus, silentLogger()).close();
    const db = new Database(join(dir, 'assets.sqlite'));
    db.pragma('user_version = 99');
    db.close();
    expect(() => new AssetRegister(dir, topology, bus, silentLogger())).toThrow(/schema version 99/);
  });

  it('a part without a serial is compared by revision only; parts read the first time are no change', () => {
    const known = {
      chassis: { model: 'M', serial: '', hardwareRev: '', firmwareRev: '', softwareRev: '1' },
      modules: [],
    };
    const obs = {
      node: core,
      timeMs: 1,
      chassis: { model: 'M', serial: 'S', hardwareRev: '', firmwareRev: '', softwareRev: '1' },
      modules: [
        {
          slot: '9',
          class: 'port',
          name: 'GE0/0/9',
          container: 'MPU 0',
          model: 'SFP',
          serial: 'X',
          hardwareRev: '',
          firmwareRev: '',
          softwareRev: '',
        },
      ],
    };
    expect(assetChanges(known, obs)).toEqual([]);
    expect(assetChanges(null, obs)).toEqual([]);
  });
});

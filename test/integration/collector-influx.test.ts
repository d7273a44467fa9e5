/**
 * The collector writing into a real InfluxDB 1.x (Debian's influxd, started here) through the
 * metrics/ store: the measurements, tags and fields of docs/metrics.md come back from InfluxQL
 * queries, with rates equal to the simulator's counters.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InProcessBus } from '../../bus/index';
import { startCollector } from '../../collector/index';
import { loadInventory } from '../../inventory/index';
import { asNodeId } from '../../domain';
import { openMetricsStore, type MetricsStore } from '../../metrics';
import { memoryLogger } from '../../common';
import { startSimulator, type Simulator } from '../../simulator/index';
import { startInfluxd, type Influxd } from '../support/influxd';

const loaded = loadInventory('configs/examples/nanyang.yaml');
if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));
const { inventory, topology } = loaded;

let clockMs = Date.now() - 10 * 60_000;
const clock = () => clockMs;
let influxd: Influxd;
let sim: Simulator;
let store: MetricsStore;
const spoolDir = mkdtempSync(join(tmpdir(), 'egov-collector-spool-'));

beforeAll(async () => {
  [influxd, sim] = await Promise.all([startInfluxd(), startSimulator({ topology, clock })]);
  store = openMetricsStore(`influx://127.0.0.1:${influxd.port}/egov_noc`, {
    logger: memoryLogger(),
    spoolDir,
  });
  await store.init();
});

afterAll(async () => {
  await store?.close();
  await sim?.stop();
  await influxd?.destroy();
  rmSync(spoolDir, { recursive: true, force: true });
});

describe('collector → InfluxDB', () => {
  it('stores interface, node, storage and video points that InfluxQL reads back', async () => {
    const collector = await startCollector({
      topology,
      inventory,
      manifest: sim.manifest,
      store,
      bus: new InProcessBus(),
      logger: memoryLogger(),
      schedule: false,
      hostHealth: false,
      now: clock,
    });
    const nodes = ['xichuan-gw', 'ny-mcu', 'ny-core', 'ny-dx'].map(asNodeId);
    await Promise.all(nodes.map((n) => collector.pollNow(n)));
    const t0 = clockMs;
    clockMs += 60_000;
    await Promise.all(nodes.map((n) => collector.pollNow(n)));
    await collector.stop();
    expect(store.health()).toMatchObject({ backendUp: true, droppedPoints: 0, spooledPoints: 0 });

    const ifIndex =
      topology.node(asNodeId('xichuan-gw')).interfaces.find((i) => i.name === 'GE0/0/0')?.ifIndex ?? 0;
    const [iface] = await store.latest('interface', { node: 'xichuan-gw', ifName: 'GE0/0/0' });
    const a = sim.expectedCounters('xichuan-gw', ifIndex, t0);
    const b = sim.expectedCounters('xichuan-gw', ifIndex, clockMs);
    expect(iface?.tags).toMatchObject({
      node: 'xichuan-gw',
      ifIndex: String(ifIndex),
      ifName: 'GE0/0/0',
      tier: 'county',
      zone: 'internal',
    });
    expect(iface?.fields.inBps).toBeCloseTo(((b.inOctets - a.inOctets) * 8) / 60, 0);
    expect(iface?.fields.operUp).toBe(1);

    const series = await store.query({
      measurement: 'interface',
      field: 'inBps',
      where: { node: 'xichuan-gw', ifName: 'GE0/0/0' },
      startMs: t0 - 60_000,
      endMs: clockMs + 60_000,
      stepS: 60,
      aggregation: 'max',
    });
    expect(series[0]?.points.length).toBe(1);

    const [node] = await store.latest('node', { node: 'ny-core' });
    expect(node?.tags).toMatchObject({ node: 'ny-core', tier: 'city', zone: 'internal', role: 'router' });
    expect(node?.fields.reachable).toBe(1);
    // Storage is HOST-RESOURCES, on the net-snmp host; the Huawei router reports its hardware instead.
    expect((await store.latest('storage', { node: 'ny-dx' })).length).toBeGreaterThan(0);
    const [hardware] = await store.latest('hardware', { node: 'ny-core' });
    expect(hardware?.tags.profile).toBe('huawei-vrp');
    expect(hardware?.fields.temperatureC).toBeGreaterThan(0);
    const [entity] = await store.latest('entity', { node: 'ny-core' });
    expect(entity?.tags).toMatchObject({ model: 'NE40E-X8', softwareRev: 'V800R012C10SPC300' });
    const video = await store.latest('video', { node: 'ny-mcu' });
    expect(video.map((p) => p.tags.link).sort()).toEqual(
      inventory.videoLinks
        .filter((l) => l.a === 'ny-mcu')
        .map((l) => l.id)
        .sort(),
    );
  });
});

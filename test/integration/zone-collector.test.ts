/**
 * A collector confined to one zone (三网隔离: the 政务内网 has its own collector): it polls only the
 * internal nodes of the simulated Zhaoqing network, refuses to poll any other, rejects and counts
 * traps from other zones' agents, and refuses to start on a zone the inventory lacks.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asNodeId, type BusEvent } from '../../domain';
import { InProcessBus } from '../../bus/index';
import { startCollector, type RunningCollector } from '../../collector/index';
import { memoryLogger, silentLogger } from '../../common';
import { loadInventory } from '../../inventory/index';
import { startSimulator, type Simulator } from '../../simulator/index';
import { MemoryMetricsStore } from '../support/memory-metrics-store';
import { freeUdpPort } from '../support/snmpd';

const loaded = loadInventory('configs/examples/zhaoqing.yaml');
if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));
const { inventory, topology } = loaded;
const internalIds = inventory.nodes.filter((n) => n.zone === 'internal').map((n) => n.id as string);

let sim: Simulator;
let collector: RunningCollector;
const bus = new InProcessBus();
const events: BusEvent[] = [];
bus.subscribeAll((e) => events.push(e));
const logger = memoryLogger();

beforeAll(async () => {
  const trapPort = await freeUdpPort();
  sim = await startSimulator({ topology, trapTarget: { host: '127.0.0.1', port: trapPort } });
  collector = await startCollector({
    topology,
    inventory,
    manifest: sim.manifest,
    store: new MemoryMetricsStore(),
    bus,
    logger,
    zone: 'internal',
    intervalS: 1,
    trapPort,
    hostHealth: false,
    timing: { timeoutMs: 2000, retries: 1, backoff: 1 },
  });
}, 60_000);

afterAll(async () => {
  await collector?.stop();
  await sim?.stop();
});

const sampledNodes = () =>
  new Set(events.flatMap((e) => (e.type === 'samples' && e.points.length > 0 ? [e.node as string] : [])));

describe('collect --zone internal', () => {
  it('polls every internal node and no node of another zone', async () => {
    expect(internalIds.length).toBeGreaterThan(5);
    await expect
      .poll(() => internalIds.every((id) => sampledNodes().has(id)), { timeout: 15_000 })
      .toBe(true);
    expect([...sampledNodes()].filter((id) => !internalIds.includes(id))).toEqual([]);
    expect(collector.stats()).toMatchObject({
      nodes: internalIds.length,
      outOfZone: inventory.nodes.length - internalIds.length,
    });
  });

  it('refuses to poll a node of another zone, saying why', async () => {
    await expect(collector.pollNow(asNodeId('zq-ex-core'))).rejects.toThrow(
      'node "zq-ex-core" is in zone external; this collector is confined to zone internal and refuses it',
    );
  });

  it('publishes traps from its zone and rejects, counts and logs those from another', async () => {
    for (const node of ['duanzhou-in', 'duanzhou-ex']) {
      const fault = sim.inject({ kind: 'reboot', node });
      if (!fault.ok) throw new Error(fault.reason);
    }
    await expect
      .poll(() => events.some((e) => e.type === 'trap' && e.node === 'duanzhou-in' && e.trap === 'coldStart'))
      .toBe(true);
    await expect.poll(() => collector.stats().traps?.outOfZone).toBe(1);
    expect(events.some((e) => e.type === 'trap' && e.node === 'duanzhou-ex')).toBe(false);
    expect(
      logger.lines.some(
        (l) => l.msg === 'trap rejected' && (l.obj as { node?: string }).node === 'duanzhou-ex',
      ),
    ).toBe(true);
  });

  it('refuses to start confined to a zone the inventory has no node in', async () => {
    const nanyang = loadInventory('configs/examples/nanyang.yaml');
    if (!nanyang.ok) throw new Error('nanyang.yaml must load');
    await expect(
      startCollector({
        topology: nanyang.topology,
        inventory: nanyang.inventory,
        store: new MemoryMetricsStore(),
        bus: new InProcessBus(),
        logger: silentLogger(),
        zone: 'external',
        schedule: false,
        hostHealth: false,
      }),
    ).rejects.toThrow(
      'collector confined to zone "external", but the inventory has no node in it (zones: internal, video)',
    );
  });
});

/**
 * The collector against the simulated Nanyang network (83 agents speaking real SNMP): the stored
 * rates equal the simulator's own counters, and injected faults (saturation, counter wrap, reboot,
 * node down, degraded video) give the right numbers and events. The simulator's traps become bus
 * events within a second (who else may send traps: collector-traps.test.ts). The simulated clock is
 * shared, so each "minute" passes instantly.
 */
import { execFile } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asNodeId, type BusEvent, type InventoryNode } from '../../domain';
import { InProcessBus } from '../../bus/index';
import { startCollector, type RunningCollector } from '../../collector/index';
import { memoryLogger } from '../../common';
import { loadInventory, Topology } from '../../inventory/index';
import { startSimulator, type Simulator } from '../../simulator/index';
import { MemoryMetricsStore } from '../support/memory-metrics-store';
import { freeUdpPort } from '../support/snmpd';
import { waitUntil } from '../support/wait';

const run = promisify(execFile);
const loaded = loadInventory('configs/examples/nanyang.yaml');
if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));
const { inventory, topology } = loaded;

// Wednesday 10:00 in Nanyang (UTC+8): a working-hours peak.
let clockMs = Date.parse('2026-11-25T02:00:00Z');
const clock = () => clockMs;
const advance = (s: number) => (clockMs += s * 1000);

let sim: Simulator;
let trapPort: number;
const store = new MemoryMetricsStore();
const bus = new InProcessBus();
const events: BusEvent[] = [];
bus.subscribeAll((e) => events.push(e));
const logger = memoryLogger();
let collector: RunningCollector;
let dropped: Topology;

function nodeOf(id: string): InventoryNode {
  const node = topology.find(id);
  if (!node) throw new Error(`no node ${id}`);
  return node;
}
const ifIndexOf = (id: string, ifName: string) => {
  const i = nodeOf(id).interfaces.find((x) => x.name === ifName);
  if (!i) throw new Error(`no ${id}:${ifName}`);
  return i.ifIndex;
};
const lastIf = (node: string, ifName: string) => store.find('interface', { node, ifName }).at(-1);
const pollAll = (...ids: string[]) => Promise.all(ids.map((id) => collector.pollNow(asNodeId(id))));

beforeAll(async () => {
  trapPort = await freeUdpPort();
  sim = await startSimulator({ topology, clock, trapTarget: { host: '127.0.0.1', port: trapPort } });
  // The collector's inventory lacks one link the network has: LLDP must report it (and nothing else).
  const missing = topology.linkAt(asNodeId('xichuan-gw'), 'GE0/0/1');
  dropped = new Topology({ ...inventory, links: inventory.links.filter((l) => l !== missing) });
  collector = await startCollector({
    topology: dropped,
    inventory: dropped.inventory,
    manifest: sim.manifest,
    store,
    bus,
    logger,
    trapPort,
    trapAddress: '127.0.0.1',
    schedule: false,
    hostHealth: false,
    now: clock,
    // A busy machine may take a while to answer; only node-down waits this out (twice).
    timing: { timeoutMs: 3000, retries: 0, backoff: 1 },
    missesBeforeUnreachable: 2,
  });
});

afterAll(async () => {
  await collector?.stop();
  await sim?.stop();
});

describe('collector × simulator', () => {
  it('rates equal the simulated counters (v3 authPriv and v2c nodes), utilization of the HFC lease', async () => {
    const nodes = ['xichuan-gw', 'xichuan-sw', 'ny-core'];
    await pollAll(...nodes);
    const t0 = clockMs;
    advance(60);
    await pollAll(...nodes);
    const up = ifIndexOf('xichuan-gw', 'GE0/0/0');
    const a = sim.expectedCounters('xichuan-gw', up, t0);
    const b = sim.expectedCounters('xichuan-gw', up, clockMs);
    const point = lastIf('xichuan-gw', 'GE0/0/0');
    expect(point?.fields.inBps).toBeCloseTo(((b.inOctets - a.inOctets) * 8) / 60, 3);
    expect(point?.fields.outBps).toBeCloseTo(((b.outOctets - a.outOctets) * 8) / 60, 3);
    // 100 Mbit/s HFC lease on the uplink: utilization is of the lease.
    expect(point?.fields.inUtilPct).toBeCloseTo((point?.fields.inBps ?? 0) / 1e6, 6);
    expect(point?.fields.inBps).toBeGreaterThan(0);
    expect(point?.tags).toMatchObject({
      node: 'xichuan-gw',
      ifName: 'GE0/0/0',
      tier: 'county',
      zone: 'internal',
    });
    const [n0, node] = store.find('node', { node: 'xichuan-gw' }).slice(-2);
    expect(node?.fields.reachable).toBe(1);
    expect((node?.fields.uptimeS ?? 0) - (n0?.fields.uptimeS ?? 0)).toBeCloseTo(60, 6);
    expect(node?.fields.cpuPct).toBeGreaterThanOrEqual(0);
    expect(node?.fields.memPct).toBeGreaterThan(0);
    // A Huawei router reports its board through HUAWEI-ENTITY-EXTENT-MIB, not HOST-RESOURCES storage.
    expect(store.find('storage', { node: 'xichuan-gw' })).toEqual([]);
    expect(store.find('hardware', { node: 'xichuan-gw' }).at(-1)?.tags.profile).toBe('huawei-vrp');
  });

  it('link saturated: 97–99 % of the lease, never above line rate', async () => {
    const fault = sim.inject({ kind: 'link-saturated', a: 'ny-core', b: 'xichuan-gw' });
    expect(fault.ok).toBe(true);
    await pollAll('xichuan-gw');
    advance(60);
    await pollAll('xichuan-gw');
    const point = lastIf('xichuan-gw', 'GE0/0/0');
    expect(point?.fields.inUtilPct).toBeGreaterThanOrEqual(96.5);
    expect(point?.fields.inUtilPct).toBeLessThanOrEqual(100);
    expect(point?.fields.inBps).toBeLessThanOrEqual(100e6);
    if (fault.ok) sim.clear(fault.id);
  });

  it('counter wrap: Counter32 rates bridge the wrap and equal the 64-bit truth', async () => {
    const s32 = new MemoryMetricsStore();
    const c32b = await startCollector({
      topology,
      inventory,
      manifest: sim.manifest,
      store: s32,
      bus: new InProcessBus(),
      logger: memoryLogger(),
      schedule: false,
      hostHealth: false,
      now: clock,
      preferHcCounters: false,
    });
    const wrap = sim.inject({ kind: 'counter-wrap', node: 'wolong-gw' });
    expect(wrap.ok).toBe(true);
    await Promise.all([c32b.pollNow(asNodeId('wolong-gw')), collector.pollNow(asNodeId('wolong-gw'))]);
    advance(60);
    await Promise.all([c32b.pollNow(asNodeId('wolong-gw')), collector.pollNow(asNodeId('wolong-gw'))]);
    const p32 = s32.find('interface', { node: 'wolong-gw', ifName: 'GE0/0/0' }).at(-1);
    const p64 = lastIf('wolong-gw', 'GE0/0/0');
    expect(p32?.fields.inBps).toBeGreaterThan(0);
    expect(p32?.fields.inBps).toBeCloseTo(p64?.fields.inBps ?? -1, 3);
    expect(p32?.fields.outBps).toBeCloseTo(p64?.fields.outBps ?? -1, 3);
    await c32b.stop();
    if (wrap.ok) sim.clear(wrap.id);
  });

  it('reboot: the delta across it is dropped, a node.reboot event from the poll and one from the coldStart trap', async () => {
    await pollAll('wancheng-gw');
    const before = store.find('interface', { node: 'wancheng-gw', ifName: 'GE0/0/0' }).length;
    expect(sim.inject({ kind: 'reboot', node: 'wancheng-gw' }).ok).toBe(true);
    // The trap arrives on its own, before any poll could notice the reboot (no poll is run here).
    await waitUntil('the coldStart trap', () =>
      events.find((e) => e.type === 'trap' && e.node === 'wancheng-gw' && e.trap === 'coldStart'),
    );
    expect(events).toContainEqual(
      expect.objectContaining({ type: 'node.reboot', node: 'wancheng-gw', source: 'trap' }),
    );

    advance(30);
    await pollAll('wancheng-gw');
    const after = store.find('interface', { node: 'wancheng-gw', ifName: 'GE0/0/0' });
    expect(after.length).toBe(before + 1);
    expect(after.at(-1)?.fields.inBps).toBeUndefined();
    expect(events).toContainEqual(
      expect.objectContaining({ type: 'node.reboot', node: 'wancheng-gw', source: 'poll' }),
    );
    advance(60);
    await pollAll('wancheng-gw');
    expect(lastIf('wancheng-gw', 'GE0/0/0')?.fields.inBps).toBeGreaterThan(0);
  });

  it('node down: unreachable after two missed polls, reachable again when cleared; its neighbours go on', async () => {
    await pollAll('nanzhao-gw');
    const fault = sim.inject({ kind: 'node-down', node: 'nanzhao-gw' });
    expect(fault.ok).toBe(true);
    for (let i = 0; i < 2; i++) {
      advance(60);
      await pollAll('nanzhao-gw', 'ny-core');
    }
    expect(events).toContainEqual(
      expect.objectContaining({ type: 'node.state', node: 'nanzhao-gw', state: 'unreachable' }),
    );
    expect(store.find('node', { node: 'ny-core' }).at(-1)?.fields.reachable).toBe(1);
    // ny-core's port facing nanzhao went down: seen by the poll.
    expect(events).toContainEqual(
      expect.objectContaining({
        type: 'interface.state',
        node: 'ny-core',
        ifName: 'GE0/0/3',
        state: 'down',
        source: 'poll',
      }),
    );
    if (fault.ok) sim.clear(fault.id);
    advance(60);
    await pollAll('nanzhao-gw');
    const states = events
      .filter((e) => e.type === 'node.state' && e.node === 'nanzhao-gw')
      .map((e) => (e.type === 'node.state' ? e.state : ''));
    expect(states.slice(-2)).toEqual(['unreachable', 'reachable']);
  });

  it('video: NQA and DISMAN-PING readings become video points; degraded loss and jitter show, MOS falls', async () => {
    await pollAll('ny-mcu');
    const nqaBefore = store.find('video', { link: 'vc-ny-wolong' }).at(-1);
    const ping = store.find('video', { link: 'vc-ny-fangcheng' }).at(-1);
    expect(nqaBefore?.tags).toEqual({
      link: 'vc-ny-wolong',
      node: 'ny-mcu',
      peer: 'wolong-mcu',
      probe: 'nqa',
    });
    expect(nqaBefore?.fields.mos).toBeGreaterThan(3.5);
    expect(Object.keys(ping?.fields ?? {}).sort()).toEqual(['jitterMs', 'lossPct', 'mos', 'rttMs']);
    expect(ping?.fields.mos).toBeGreaterThan(1);
    const fault = sim.inject({ kind: 'video-degraded', videoLink: 'vc-ny-wolong', lossPct: 8, jitterMs: 60 });
    expect(fault.ok).toBe(true);
    advance(60);
    await pollAll('ny-mcu');
    const degraded = store.find('video', { link: 'vc-ny-wolong' }).at(-1);
    expect(degraded?.fields.lossPct).toBeCloseTo(8, 0);
    expect(degraded?.fields.jitterMs).toBeGreaterThanOrEqual(50);
    expect(degraded?.fields.mos).toBeLessThan(nqaBefore?.fields.mos ?? 0);
    if (fault.ok) sim.clear(fault.id);
  });

  it('LLDP: the link the inventory lacks is reported as topology drift', async () => {
    await pollAll('xichuan-sw', 'xichuan-mcu');
    const drift = events.filter((e) => e.type === 'topology.drift');
    expect(drift).toContainEqual(
      expect.objectContaining({
        node: 'xichuan-sw',
        unknownNeighbours: [
          { localIfName: 'GigabitEthernet1/0/24', remoteSysName: 'xichuan-gw', remotePort: 'GE0/0/1' },
        ],
        missingLinks: [],
      }),
    );
    // A node whose neighbours match the inventory reports that once (nothing unknown, nothing
    // missing), so an alert kept open across a collector restart is resolved.
    const matching = drift.filter((e) => e.node === 'xichuan-mcu');
    expect(matching).toEqual([
      expect.objectContaining({ node: 'xichuan-mcu', unknownNeighbours: [], missingLinks: [] }),
    ]);
  });

  it("a trap from Debian's snmptrap on the agents' shared address names no node, whatever its varbinds say", async () => {
    const node = nodeOf('xichuan-gw');
    const unknownBefore = collector.stats().traps?.unknownSenders ?? 0;
    const eventsBefore = events.length;
    await run('/usr/bin/snmptrap', [
      ...['-v2c', '-c', 'ny-sim-ro', '-m', '', `127.0.0.1:${trapPort}`, '', '1.3.6.1.6.3.1.1.5.3'],
      ...['1.3.6.1.2.1.2.2.1.1.1', 'i', '1', '1.3.6.1.6.3.18.1.3.0', 'a', node.address],
      ...['1.3.6.1.2.1.1.5.0', 's', 'xichuan-gw'],
    ]);
    await expect.poll(() => collector.stats().traps?.unknownSenders).toBe(unknownBefore + 1);
    expect(events.slice(eventsBefore).filter((e) => e.type === 'trap')).toEqual([]);
    expect(logger.lines.some((l) => l.msg === 'trap from unknown sender')).toBe(true);
  });

  it('a garbled datagram on the trap port is counted and logged; the receiver goes on', async () => {
    const rejectedBefore = collector.stats().traps?.rejected ?? 0;
    const socket = createSocket('udp4');
    await new Promise<void>((resolve, reject) =>
      socket.send(
        Buffer.from('30 82 ff ff 02 01 00 de ad be ef'.replace(/ /g, ''), 'hex'),
        trapPort,
        '127.0.0.1',
        (e) => (e ? reject(e) : resolve()),
      ),
    );
    socket.close();
    await waitUntil(
      'the garbled trap to be counted',
      () => (collector.stats().traps?.rejected ?? 0) > rejectedBefore,
    );
    expect(collector.stats().traps?.rejected).toBe(rejectedBefore + 1);
    expect(logger.lines.some((l) => l.msg === 'trap rejected')).toBe(true);
  });
});

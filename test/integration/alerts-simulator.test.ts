/**
 * The alert engine against the simulated Nanyang network: real SNMP agents, the real collector
 * polling every 2 s (traps on), the engine on the bus. A county uplink is cut in the simulator →
 * one critical root cause naming the county router with its two nodes behind it, within two poll
 * rounds of that router; the link comes back → resolved, and the nodes behind it never fire. Time is
 * counted in poll rounds seen on the bus, not on the wall clock, so a busy machine only slows it down.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAlertEngine, type AlertEngine } from '../../alerts/index';
import { type Alert, type AlertChangeEvent } from '../../domain';
import { InProcessBus } from '../../bus/index';
import { startCollector, type RunningCollector } from '../../collector/index';
import { memoryLogger, silentLogger } from '../../common';
import { waitUntil } from '../support/wait';
import { loadInventory } from '../../inventory/index';
import { startSimulator, type Simulator } from '../../simulator/index';
import { MemoryMetricsStore } from '../support/memory-metrics-store';
import { freeUdpPort } from '../support/snmpd';

const loaded = loadInventory('configs/examples/nanyang.yaml');
if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));
const { inventory, topology } = loaded;
const INTERVAL_S = 2;

let sim: Simulator;
let collector: RunningCollector;
let engine: AlertEngine;
let dir: string;
const bus = new InProcessBus();
const changes: AlertChangeEvent[] = [];
/** Poll outcomes (samples events) per node, in arrival order: the test's clock. */
const polls = new Map<string, number>();
bus.subscribeAll((event) => {
  if (event.type === 'samples') polls.set(event.node, (polls.get(event.node) ?? 0) + 1);
});
const pollsOf = (node: string) => polls.get(node) ?? 0;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'egov-alerts-int-'));
  const trapPort = await freeUdpPort();
  sim = await startSimulator({ topology, trapTarget: { host: '127.0.0.1', port: trapPort } });
  engine = await startAlertEngine({
    topology,
    bus,
    dbPath: join(dir, 'alerts.sqlite'),
    correlationWindowMs: 1_000,
    pollIntervalS: INTERVAL_S,
    tickMs: 50,
    log: silentLogger(),
  });
  engine.onChange((change) => changes.push(change));
  collector = await startCollector({
    topology,
    inventory,
    manifest: sim.manifest,
    store: new MemoryMetricsStore(),
    bus,
    logger: memoryLogger(),
    intervalS: INTERVAL_S,
    trapPort,
    trapAddress: '127.0.0.1',
    hostHealth: false,
    // Two missed polls before "unreachable": one slow answer on a busy host is not an outage.
    timing: { timeoutMs: 1000, retries: 0, backoff: 1 },
    missesBeforeUnreachable: 2,
  });
  // A healthy network first: every node polled twice (rates need two), no alert open.
  await waitUntil(
    'every node polled twice',
    () => topology.inventory.nodes.every((n) => pollsOf(n.id) >= 2),
    { timeoutMs: 45_000 },
  );
}, 60_000);

afterAll(async () => {
  await collector?.stop();
  await engine?.stop();
  await sim?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('alerts × collector × simulator', () => {
  it('a healthy network has no alerts', () => {
    expect(engine.list({ includeSuppressed: true }).map((a) => `${a.rule}@${a.node ?? '-'}`)).toEqual([]);
  });

  it('a cut county uplink gives one critical root cause within two poll intervals, and clears without the children firing', async () => {
    const pollsAtCut = pollsOf('xichuan-gw');
    let pollsAtRoot: number | null = null;
    engine.onChange((change) => {
      if (
        change.change === 'opened' &&
        change.alert.node === 'xichuan-gw' &&
        change.alert.suppressedBy === null
      )
        pollsAtRoot ??= pollsOf('xichuan-gw');
    });
    const fault = sim.inject({ kind: 'link-down', a: 'ny-core', b: 'xichuan-gw' });
    if (!fault.ok) throw new Error(fault.reason);
    const root = await waitUntil('the root-cause alert', () =>
      engine.list().find((a) => a.node === 'xichuan-gw'),
    );
    expect(root).toMatchObject({ severity: 'critical', status: 'firing', suppressedBy: null });
    expect(['uplink-down', 'node-unreachable']).toContain(root.rule);
    expect([...root.impacted].sort()).toEqual(['xichuan-mcu', 'xichuan-sw']);
    // Within two poll rounds of the router: its two missed polls (a poll already in flight at the cut
    // may still have answered, so at most three outcomes since the cut).
    expect(pollsAtRoot).not.toBeNull();
    expect((pollsAtRoot ?? 0) - pollsAtCut).toBeLessThanOrEqual(3);

    // The children's unreachability arrives and is folded under it, never shown. (On a busy host other
    // nodes may miss polls too; that is the collector's business, so look at 淅川 only.)
    const foldedUnderRoot = (node: string) =>
      engine.list({ includeSuppressed: true }).some((a) => a.node === node && a.suppressedBy === root.id);
    await waitUntil(
      'both nodes behind the router folded under it, and the root cause known as the uplink',
      () =>
        foldedUnderRoot('xichuan-sw') &&
        foldedUnderRoot('xichuan-mcu') &&
        engine.get(root.id)?.rule === 'uplink-down',
    );
    const xichuan = new Set(['xichuan-gw', 'xichuan-sw', 'xichuan-mcu']);
    const inXichuan = (a: Alert) => a.node !== null && xichuan.has(a.node);
    expect(
      engine
        .list()
        .filter(inXichuan)
        .map((a) => `${a.rule}@${a.node ?? '-'}`),
    ).toEqual([`${root.rule}@xichuan-gw`]);
    expect(engine.get(root.id)?.rule).toBe('uplink-down');
    const suppressed = engine.list({ includeSuppressed: true }).filter((a) => a.suppressedBy === root.id);
    expect(suppressed.every((a) => a.node !== null && ['xichuan-sw', 'xichuan-mcu'].includes(a.node))).toBe(
      true,
    );

    const cleared = sim.clear(fault.id);
    expect(cleared.ok).toBe(true);
    await waitUntil('the root cause to resolve', () => engine.get(root.id)?.status === 'resolved');
    // Everything behind it answers again at the next polls; nothing fires meanwhile.
    await waitUntil(
      'all 淅川 alerts closed',
      () => engine.list({ includeSuppressed: true }).filter(inXichuan).length === 0,
    );
    const visibleOpened = changes.filter(
      (c): c is AlertChangeEvent & { alert: Alert } =>
        c.change === 'opened' && c.alert.suppressedBy === null && inXichuan(c.alert),
    );
    expect(visibleOpened.map((c) => `${c.alert.rule}@${c.alert.node ?? '-'}`)).toEqual([
      `${root.rule}@xichuan-gw`,
    ]);
  });
});

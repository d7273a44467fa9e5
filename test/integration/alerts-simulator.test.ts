/**
 * The alert engine against the simulated Nanyang network: real SNMP agents, the real collector
 * polling every 2 s (traps on), the engine on the bus. A county uplink is cut in the simulator →
 * one critical root cause naming the county router with its two nodes behind it, within two poll
 * intervals; the link comes back → resolved, and the nodes behind it never fire.
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

async function waitFor<T>(
  what: string,
  probe: () => T | undefined | null | false,
  timeoutMs: number,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

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
  // A healthy network first: every node polled at least once, no alert open.
  await new Promise((resolve) => setTimeout(resolve, 2 * INTERVAL_S * 1000 + 500));
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
    const fault = sim.inject({ kind: 'link-down', a: 'ny-core', b: 'xichuan-gw' });
    if (!fault.ok) throw new Error(fault.reason);
    const cutAt = Date.now();
    const root = await waitFor(
      'the root-cause alert',
      () => engine.list().find((a) => a.node === 'xichuan-gw'),
      2 * INTERVAL_S * 1000,
    );
    const tookMs = Date.now() - cutAt;
    expect(root).toMatchObject({ severity: 'critical', status: 'firing', suppressedBy: null });
    expect(['uplink-down', 'node-unreachable']).toContain(root.rule);
    expect([...root.impacted].sort()).toEqual(['xichuan-mcu', 'xichuan-sw']);
    expect(tookMs).toBeLessThanOrEqual(2 * INTERVAL_S * 1000);

    // Two more poll rounds: the children's unreachability arrives and is folded, never shown. (On a
    // busy host other nodes may miss polls too; that is the collector's business, so look at 淅川 only.)
    await new Promise((resolve) => setTimeout(resolve, 2 * INTERVAL_S * 1000 + 500));
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

    const clearedAt = Date.now();
    const cleared = sim.clear(fault.id);
    expect(cleared.ok).toBe(true);
    await waitFor(
      'the root cause to resolve',
      () => engine.get(root.id)?.status === 'resolved',
      2 * INTERVAL_S * 1000 + 1000,
    );
    // Everything behind it answers again at the next polls; nothing fires meanwhile.
    await waitFor(
      'all 淅川 alerts closed',
      () => engine.list({ includeSuppressed: true }).filter(inXichuan).length === 0,
      4 * INTERVAL_S * 1000,
    );
    const visibleOpened = changes.filter(
      (c): c is AlertChangeEvent & { alert: Alert } =>
        c.change === 'opened' && c.alert.suppressedBy === null && inXichuan(c.alert),
    );
    expect(visibleOpened.map((c) => `${c.alert.rule}@${c.alert.node ?? '-'}`)).toEqual([
      `${root.rule}@xichuan-gw`,
    ]);
    expect(Date.now() - clearedAt).toBeLessThan(5 * INTERVAL_S * 1000);
  });
});

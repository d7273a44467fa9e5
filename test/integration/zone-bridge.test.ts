/**
 * 三网隔离 end to end: the simulated Zhaoqing network (real SNMP agents), the real collector walking
 * LLDP, the alert engine on the bus. `zone-bridge duanzhou-in duanzhou-ex` through the simulator's
 * control endpoint puts the external router in the internal router's LLDP table → one critical
 * isolation-breach alert on duanzhou-in; clearing the fault resolves it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAlertEngine, type AlertEngine } from '../../alerts/index';
import { asNodeId } from '../../domain';
import { InProcessBus } from '../../bus/index';
import { startCollector, type RunningCollector } from '../../collector/index';
import { silentLogger } from '../../common';
import { loadInventory } from '../../inventory/index';
import { startSimulator, type Simulator } from '../../simulator/index';
import { MemoryMetricsStore } from '../support/memory-metrics-store';

const loaded = loadInventory('configs/examples/zhaoqing.yaml');
if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));
const { inventory, topology } = loaded;
const INTERNAL = asNodeId('duanzhou-in');

let sim: Simulator;
let collector: RunningCollector;
let engine: AlertEngine;
let dir: string;
const bus = new InProcessBus();

async function control(
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; json: unknown }> {
  const response = await fetch(`${sim.controlUrl}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${sim.controlToken}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, json: await response.json() };
}

const breaches = () => engine.list().filter((a) => a.rule === 'isolation-breach');

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'egov-zone-bridge-'));
  sim = await startSimulator({ topology });
  engine = await startAlertEngine({
    topology,
    bus,
    dbPath: join(dir, 'alerts.sqlite'),
    tickMs: 50,
    log: silentLogger(),
  });
  collector = await startCollector({
    topology,
    inventory,
    manifest: sim.manifest,
    store: new MemoryMetricsStore(),
    bus,
    logger: silentLogger(),
    hostHealth: false,
    schedule: false,
    lldpEveryN: 1,
    timing: { timeoutMs: 2000, retries: 1, backoff: 1 },
  });
}, 60_000);

afterAll(async () => {
  await collector?.stop();
  await engine?.stop();
  await sim?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('zone-bridge fault × collector LLDP × isolation-breach', () => {
  it('LLDP that agrees with the inventory raises nothing', async () => {
    await collector.pollNow(INTERNAL);
    expect(engine.list({ includeSuppressed: true })).toEqual([]);
  });

  it('refuses a bridge between nodes that may touch, naming why', async () => {
    const sameZone = await control('POST', '/faults', {
      kind: 'zone-bridge',
      a: 'duanzhou-in',
      b: 'dinghu-in',
    });
    expect(sameZone.status).toBe(400);
    expect(sameZone.json).toMatchObject({
      error: expect.stringMatching(/may be connected directly/) as unknown,
    });
    const unknown = await control('POST', '/faults', { kind: 'zone-bridge', a: 'duanzhou-in', b: 'nowhere' });
    expect(unknown.json).toMatchObject({ error: 'unknown node "nowhere"' });
  });

  it('a cross-zone LLDP neighbour raises one critical isolation-breach; clearing the fault resolves it', async () => {
    const injected = await control('POST', '/faults', {
      kind: 'zone-bridge',
      a: 'duanzhou-in',
      b: 'duanzhou-ex',
    });
    expect(injected.status).toBe(201);
    const { id } = injected.json as { id: string };

    await collector.pollNow(INTERNAL);
    await expect
      .poll(() => breaches().map((a) => [a.node, a.severity, a.params.peer]))
      .toEqual([['duanzhou-in', 'critical', 'duanzhou-ex']]);
    const [alert] = breaches();
    expect(alert?.summary).toMatch(
      /^端州区党政内网路由器 接口 \S+ 直连政务外网设备 端州区电子政务外网路由器，违反三网隔离$/,
    );
    // polled again with the bridge still there: still the one alert
    await collector.pollNow(INTERNAL);
    expect(breaches()).toHaveLength(1);

    expect((await control('DELETE', `/faults/${id}`)).status).toBe(200);
    await collector.pollNow(INTERNAL);
    await expect.poll(() => alert && engine.get(alert.id)?.status).toBe('resolved');
    expect(breaches()).toEqual([]);
  });
});

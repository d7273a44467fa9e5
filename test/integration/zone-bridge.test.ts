/**
 * 三网隔离 end to end: the simulated Zhaoqing network (real SNMP agents), the real collector walking
 * LLDP, the alert engine on the bus. `zone-bridge duanzhou-in duanzhou-ex` through the simulator's
 * control endpoint puts the external router in the internal router's LLDP table → one critical
 * isolation-breach alert on duanzhou-in; clearing the fault resolves it. Debian's snmpwalk reads the
 * bridged LLDP row independently of our collector.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { promisify } from 'node:util';
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

const run = promisify(execFile);

/** lldpRemSysName of a v2c agent, walked with net-snmp's snmpwalk. */
async function remoteSysNames(node: string): Promise<string[]> {
  const agent = sim.manifest.find((m) => m.id === node);
  if (!agent?.community) throw new Error(`${node} is not a v2c agent`);
  const { stdout } = await run('snmpwalk', [
    '-v2c',
    '-c',
    agent.community,
    '-On',
    '-Oqv',
    `${agent.host}:${agent.port}`,
    '1.0.8802.1.1.2.1.4.1.1.9',
  ]);
  return stdout
    .split('\n')
    .map((line) => line.trim().replace(/^"|"$/g, ''))
    .filter((line) => line !== '');
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

  it('shows the bridged neighbour to an independent SNMP client, and takes it away on clear', async () => {
    const before = await remoteSysNames('zq-portal');
    expect(before).toEqual(['zq-fw']);
    const injected = await control('POST', '/faults', {
      kind: 'zone-bridge',
      a: 'zq-portal',
      b: 'gaoyao-in',
    });
    expect(injected.status).toBe(201);
    expect(await remoteSysNames('zq-portal')).toEqual(['zq-fw', 'gaoyao-in']);
    await control('DELETE', `/faults/${(injected.json as { id: string }).id}`);
    expect(await remoteSysNames('zq-portal')).toEqual(before);
  });
});

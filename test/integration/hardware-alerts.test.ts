/**
 * Hardware faults become alerts end to end: the simulator's vendor MIBs → the collector's device
 * profiles → `component`/`optic`/`hardware` points on the bus → the shipped rules (hardware-failure,
 * optic-rx-low, temperature-high; hold times shortened) → open, then resolved when the fault clears.
 * Polls are stepped with pollNow, so nothing waits on the wall clock.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAlertRules, startAlertEngine, type AlertEngine, type AlertRules } from '../../alerts/index';
import { InProcessBus } from '../../bus/index';
import { startCollector, type RunningCollector } from '../../collector/index';
import { memoryLogger, silentLogger } from '../../common';
import { alertSummaryIn, asNodeId, CHINA_STANDARD_TIME_OFFSET_MIN } from '../../domain';
import { loadInventoryText } from '../../inventory/index';
import { startSimulator, type Simulator } from '../../simulator/index';
import { MemoryMetricsStore } from '../support/memory-metrics-store';
import { waitUntil } from '../support/wait';

const INVENTORY = `
network: { id: hw, name: 硬件告警测试网, domain: hw.gov.cn }
credentials:
  v2c: { version: 2c, community: hw-ro }
nodes:
  - { id: hw-core, name: 华为核心路由器, tier: city, zone: internal, role: router, vendor: huawei, model: NE40E-X8, address: 10.9.0.1, credentials: v2c, ports: 4 }
  - { id: h3c-sw, name: 华三交换机, tier: city, zone: internal, role: switch, vendor: h3c, model: S5560X-54C, address: 10.9.0.2, credentials: v2c, parent: hw-core, ports: 8 }
  - { id: cisco-gw, name: 思科路由器, tier: district, zone: internal, role: router, vendor: cisco, model: ISR4331, address: 10.9.0.3, credentials: v2c, parent: hw-core, ports: 4 }
links:
  - { a: "hw-core:GE0/0/1", b: "h3c-sw:GigabitEthernet1/0/1", capacityMbps: 1000, medium: fiber }
  - { a: "hw-core:GE0/0/2", b: "cisco-gw:GigabitEthernet0/0", capacityMbps: 100, medium: hfc }
`;
const loaded = loadInventoryText('hw.yaml', INVENTORY);
if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));
const { inventory, topology } = loaded;
const NODES = ['hw-core', 'h3c-sw', 'cisco-gw'];

/** The shipped rules, with the threshold hold times at 0 so one poll decides. */
function shippedRulesWithoutHold(): AlertRules {
  const result = loadAlertRules();
  if (!result.ok) throw new Error('shipped rules do not load');
  const rules = result.rules.rules.map((rule) =>
    rule.kind === 'threshold' && (rule.id === 'optic-rx-low' || rule.id === 'temperature-high')
      ? { ...rule, for: 0 }
      : rule,
  );
  return { ...result.rules, rules };
}

let sim: Simulator;
let collector: RunningCollector;
let engine: AlertEngine;
let dir: string;
const bus = new InProcessBus();
const pollAll = () => Promise.all(NODES.map((id) => collector.pollNow(asNodeId(id))));
const openOf = (rule: string, node: string) =>
  engine.list({ includeSuppressed: true }).filter((a) => a.rule === rule && a.node === node);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'egov-hw-alerts-'));
  sim = await startSimulator({ topology });
  engine = await startAlertEngine({
    topology,
    bus,
    rules: shippedRulesWithoutHold(),
    dbPath: join(dir, 'alerts.sqlite'),
    correlationWindowMs: 1_000,
    pollIntervalS: 60,
    tickMs: 50,
    log: silentLogger(),
  });
  collector = await startCollector({
    topology,
    inventory,
    manifest: sim.manifest,
    store: new MemoryMetricsStore(),
    bus,
    logger: memoryLogger(),
    hostHealth: false,
    schedule: false,
  });
  await pollAll();
  await pollAll();
}, 60_000);

afterAll(async () => {
  await collector?.stop();
  await engine?.stop();
  await sim?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('hardware faults → alerts', () => {
  it('a healthy network raises no hardware alert', () => {
    expect(engine.list({ includeSuppressed: true }).map((a) => `${a.rule}@${a.node ?? '-'}`)).toEqual([]);
  });

  it('fan-fail on a Huawei router opens one hardware-failure alert naming the fan, resolved when it clears', async () => {
    const fault = sim.inject({ kind: 'fan-fail', node: 'hw-core' });
    if (!fault.ok) throw new Error(fault.reason);
    await pollAll();
    const alert = await waitUntil('the fan alert', () => openOf('hardware-failure', 'hw-core')[0]);
    expect(alert).toMatchObject({ severity: 'major', status: 'firing', suppressedBy: null });
    expect(openOf('hardware-failure', 'hw-core')).toHaveLength(1);
    expect(alertSummaryIn('zh-CN', alert, CHINA_STANDARD_TIME_OFFSET_MIN)).toBe(
      '华为核心路由器 风扇 FAN 0.0 故障',
    );
    expect(alertSummaryIn('en', alert, CHINA_STANDARD_TIME_OFFSET_MIN)).toBe('hw-core: fan FAN 0.0 failed');
    sim.clear(fault.id);
    await pollAll();
    await waitUntil('the fan alert resolved', () => openOf('hardware-failure', 'hw-core').length === 0);
  });

  it('psu-fail on an H3C switch and a failed Cisco fan are alerts of the same rule', async () => {
    const psu = sim.inject({ kind: 'psu-fail', node: 'h3c-sw' });
    const fan = sim.inject({ kind: 'fan-fail', node: 'cisco-gw' });
    if (!psu.ok || !fan.ok) throw new Error('inject failed');
    await pollAll();
    const h3c = await waitUntil('the PSU alert', () => openOf('hardware-failure', 'h3c-sw')[0]);
    expect(alertSummaryIn('zh-CN', h3c, CHINA_STANDARD_TIME_OFFSET_MIN)).toBe(
      '华三交换机 电源模块 PWR2 故障',
    );
    const cisco = await waitUntil('the Cisco fan alert', () => openOf('hardware-failure', 'cisco-gw')[0]);
    expect(alertSummaryIn('en', cisco, CHINA_STANDARD_TIME_OFFSET_MIN)).toBe('cisco-gw: fan Fan 1 failed');
    sim.clear('all');
    await pollAll();
    await waitUntil(
      'both resolved',
      () => openOf('hardware-failure', 'h3c-sw').length + openOf('hardware-failure', 'cisco-gw').length === 0,
    );
  });

  it('optic-degraded opens optic-rx-low on the uplink module of the H3C switch', async () => {
    const fault = sim.inject({ kind: 'optic-degraded', node: 'h3c-sw' });
    if (!fault.ok) throw new Error(fault.reason);
    await pollAll();
    const alert = await waitUntil('the optic alert', () => openOf('optic-rx-low', 'h3c-sw')[0]);
    expect(alert.params).toMatchObject({ name: 'GigabitEthernet1/0/1', value: -28 });
    expect(alertSummaryIn('en', alert, CHINA_STANDARD_TIME_OFFSET_MIN)).toBe(
      'h3c-sw optical module GigabitEthernet1/0/1: received optical power -28 dBm below -20 dBm',
    );
    sim.clear(fault.id);
    await pollAll();
    await waitUntil('the optic alert resolved', () => openOf('optic-rx-low', 'h3c-sw').length === 0);
  });

  it('overheat opens temperature-high on a Cisco router', async () => {
    const fault = sim.inject({ kind: 'overheat', node: 'cisco-gw' });
    if (!fault.ok) throw new Error(fault.reason);
    await pollAll();
    const alert = await waitUntil('the temperature alert', () => openOf('temperature-high', 'cisco-gw')[0]);
    expect(alert.params).toMatchObject({ value: 86, threshold: 70 });
    sim.clear(fault.id);
    await pollAll();
    await waitUntil('resolved', () => openOf('temperature-high', 'cisco-gw').length === 0);
  });
});

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
  - { id: hw-core, name: 华为核心路由器, tier: city, zone: internal, role: router, vendor: huawei, model: NE40E-X8, address: 10.9.0.1, credentials: v2c, ports: 6 }
  - { id: h3c-sw, name: 华三交换机, tier: city, zone: internal, role: switch, vendor: h3c, model: S5560X-54C, address: 10.9.0.2, credentials: v2c, parent: hw-core, ports: 8 }
  - { id: cisco-gw, name: 思科路由器, tier: district, zone: internal, role: router, vendor: cisco, model: ISR4331, address: 10.9.0.3, credentials: v2c, parent: hw-core, ports: 4 }
  - { id: rj-sw, name: 锐捷汇聚交换机, tier: county, zone: internal, role: switch, vendor: ruijie, model: RG-S5750-28GT4XS-H, address: 10.9.0.4, credentials: v2c, parent: hw-core, ports: 8 }
  - { id: zte-gw, name: 中兴县级路由器, tier: county, zone: internal, role: router, vendor: zte, model: ZXR10 M6000-8S Plus, address: 10.9.0.5, credentials: v2c, parent: hw-core, ports: 4 }
links:
  - { a: "hw-core:GE0/0/1", b: "h3c-sw:GigabitEthernet1/0/1", capacityMbps: 1000, medium: fiber }
  - { a: "hw-core:GE0/0/2", b: "cisco-gw:GigabitEthernet0/0", capacityMbps: 100, medium: hfc }
  - { a: "hw-core:GE0/0/3", b: "rj-sw:GigabitEthernet 0/1", capacityMbps: 1000, medium: fiber }
`;
const loaded = loadInventoryText('hw.yaml', INVENTORY);
if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));
const { inventory, topology } = loaded;
const NODES = ['hw-core', 'h3c-sw', 'cisco-gw', 'rj-sw', 'zte-gw'];

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
const store = new MemoryMetricsStore();
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
    store,
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

describe('device health through the collector', () => {
  it('fills CPU, memory and temperature for every vendor, Ruijie and ZTE included', async () => {
    for (const id of NODES) {
      const [node] = await store.latest('node', { node: id });
      expect(node?.fields.cpuPct, id).toBeGreaterThan(0);
      expect(node?.fields.memPct, id).toBeGreaterThan(20);
      const [hardware] = await store.latest('hardware', { node: id });
      expect(hardware?.fields.temperatureC, id).toBeGreaterThanOrEqual(30);
      expect(hardware?.fields.temperatureC, id).toBeLessThan(60);
      expect(hardware?.fields, id).toMatchObject({ fans: 2, fansFailed: 0, powerSupplies: 2 });
    }
    const [huawei] = await store.latest('hardware', { node: 'hw-core' });
    expect(huawei?.tags.profile).toBe('huawei-vrp');
    const [ruijie] = await store.latest('hardware', { node: 'rj-sw' });
    expect(ruijie?.tags.profile).toBe('ruijie-rgos');
    const [zte] = await store.latest('hardware', { node: 'zte-gw' });
    expect(zte?.tags.profile).toBe('zte-zxr10');
  });

  it('after the first poll a node is asked once per poll: the profile rides in the interface request', async () => {
    const asked = () => {
      const counts = new Map<string, number>();
      for (const [node, bySender] of sim.requestsBySender())
        counts.set(
          node,
          [...bySender.values()].reduce((a, b) => a + b, 0),
        );
      return counts;
    };
    const before = asked();
    await pollAll();
    const after = asked();
    for (const id of NODES) expect((after.get(id) ?? 0) - (before.get(id) ?? 0), id).toBe(1);
    const [rj] = await store.latest('optic', { node: 'rj-sw' });
    expect(rj?.tags.name).toBe('GigabitEthernet 0/1');
    expect(rj?.fields.rxDbm).toBeLessThan(-2);
  });
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

  it('fan-fail on a Ruijie switch and psu-fail on a ZTE router are hardware-failure alerts naming the part', async () => {
    const fan = sim.inject({ kind: 'fan-fail', node: 'rj-sw' });
    const psu = sim.inject({ kind: 'psu-fail', node: 'zte-gw' });
    if (!fan.ok || !psu.ok) throw new Error('inject failed');
    await pollAll();
    const ruijie = await waitUntil('the Ruijie fan alert', () => openOf('hardware-failure', 'rj-sw')[0]);
    expect(alertSummaryIn('zh-CN', ruijie, CHINA_STANDARD_TIME_OFFSET_MIN)).toBe(
      '锐捷汇聚交换机 风扇 Fan 1 故障',
    );
    const zte = await waitUntil('the ZTE supply alert', () => openOf('hardware-failure', 'zte-gw')[0]);
    expect(alertSummaryIn('en', zte, CHINA_STANDARD_TIME_OFFSET_MIN)).toBe(
      'zte-gw: power supply PWR2 failed',
    );
    sim.clear('all');
    await pollAll();
    await waitUntil(
      'both resolved',
      () => openOf('hardware-failure', 'rj-sw').length + openOf('hardware-failure', 'zte-gw').length === 0,
    );
  });

  it('overheat opens temperature-high on a ZTE router as on a Cisco one', async () => {
    const fault = sim.inject({ kind: 'overheat', node: 'zte-gw' });
    if (!fault.ok) throw new Error(fault.reason);
    await pollAll();
    const alert = await waitUntil('the temperature alert', () => openOf('temperature-high', 'zte-gw')[0]);
    expect(alert.params).toMatchObject({ value: 86, threshold: 70 });
    sim.clear(fault.id);
    await pollAll();
    await waitUntil('resolved', () => openOf('temperature-high', 'zte-gw').length === 0);
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

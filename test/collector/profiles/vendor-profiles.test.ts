/**
 * Each vendor profile against the simulator over real SNMP on loopback: the device says who it is
 * (sysObjectID/sysDescr), the matching profile reads CPU, memory, temperature, fans, power supplies,
 * optics and the chassis from that vendor's own MIBs, and the hardware faults show in the readings.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SnmpCredentials } from '../../../domain';
import { identifyDevice, matchProfile, pollProfile } from '../../../collector/profiles/index';
import { openSession, DEFAULT_TIMING, type SnmpSession } from '../../../collector/snmp/session';
import { loadInventoryText } from '../../../inventory/index';
import { startSimulator, type Simulator } from '../../../simulator/index';

const INVENTORY = `
network: { id: vendors, name: 厂商测试网, domain: vendors.gov.cn }
credentials:
  v2c: { version: 2c, community: vendors-ro }
nodes:
  - { id: hw-core, name: 华为核心路由器, tier: city, zone: internal, role: router, vendor: huawei, model: NE40E-X8, address: 10.9.0.1, credentials: v2c, ports: 4 }
  - { id: h3c-sw, name: 华三交换机, tier: city, zone: internal, role: switch, vendor: h3c, model: S5560X-54C, address: 10.9.0.2, credentials: v2c, parent: hw-core, ports: 8 }
  - { id: cisco-gw, name: 思科路由器, tier: district, zone: internal, role: router, vendor: cisco, model: ISR4331, address: 10.9.0.3, credentials: v2c, parent: hw-core, ports: 4 }
  - { id: dx-host, name: 数据交换服务器, tier: city, zone: internal, role: server, vendor: inspur, model: NF5280M6, address: 10.9.0.4, credentials: v2c, parent: h3c-sw }
links:
  - { a: "hw-core:GE0/0/1", b: "h3c-sw:GigabitEthernet1/0/1", capacityMbps: 1000, medium: fiber }
  - { a: "hw-core:GE0/0/2", b: "cisco-gw:GigabitEthernet0/0", capacityMbps: 100, medium: hfc }
  - { a: "h3c-sw:GigabitEthernet1/0/2", b: "dx-host:eth0", capacityMbps: 1000, medium: fiber }
`;

const loaded = loadInventoryText('vendors.yaml', INVENTORY);
if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));
const { topology } = loaded;
const credentials: SnmpCredentials = { name: 'v2c', version: '2c', community: 'vendors-ro' };

let sim: Simulator;
const sessions = new Map<string, SnmpSession>();

function sessionOf(id: string): SnmpSession {
  const existing = sessions.get(id);
  if (existing) return existing;
  const entry = sim.manifest.find((m) => m.id === id);
  if (!entry) throw new Error(`no agent for ${id}`);
  const session = openSession({ host: entry.host, port: entry.port }, credentials, DEFAULT_TIMING);
  sessions.set(id, session);
  return session;
}

async function read(id: string, withEntity = true) {
  const session = sessionOf(id);
  const identity = await identifyDevice(session);
  if (!identity.ok) throw new Error(identity.error.message);
  const profile = matchProfile(identity.value.sysObjectId, identity.value.sysDescr);
  const reading = await pollProfile(session, profile, { maxRepetitions: 16, withEntity });
  if (!reading.ok) throw new Error(reading.error.message);
  return { identity: identity.value, profile, reading: reading.value };
}

beforeAll(async () => {
  sim = await startSimulator({ topology, clock: () => Date.parse('2026-11-25T02:00:00Z') });
});

afterAll(async () => {
  for (const session of sessions.values()) session.close();
  await sim?.stop();
});

describe('a profile per vendor, read from the simulated device', () => {
  it.each([
    ['hw-core', 'huawei-vrp', '1.3.6.1.4.1.2011.2.', 'NE40E-X8', /^2102351931P0/],
    ['h3c-sw', 'h3c-comware', '1.3.6.1.4.1.25506.1.', 'S5560X-54C', /^210235A1JSH/],
    ['cisco-gw', 'cisco-ios', '1.3.6.1.4.1.9.1.', 'ISR4331', /^FOC/],
  ])(
    '%s is matched to %s and reports CPU, memory, temperature, fans, supplies and its chassis',
    async (id, profileId, oidPrefix, model, serial) => {
      const { identity, profile, reading } = await read(id);
      expect(identity.sysObjectId?.startsWith(oidPrefix)).toBe(true);
      expect(profile.id).toBe(profileId);
      expect(reading.cpuPct).toBeGreaterThan(0);
      expect(reading.cpuPct).toBeLessThanOrEqual(100);
      expect(reading.memPct).toBeGreaterThan(20);
      expect(reading.memPct).toBeLessThan(80);
      expect(reading.temperatureC).toBeGreaterThanOrEqual(30);
      expect(reading.temperatureC).toBeLessThan(60);
      expect(reading.fans.map((f) => f.ok)).toEqual([true, true]);
      expect(reading.powerSupplies.map((p) => p.ok)).toEqual([true, true]);
      expect(reading.chassis).toMatchObject({ model });
      expect(reading.chassis?.serial).toMatch(serial);
    },
  );

  it('reads optical power in dBm on the linked ports of Huawei (µW) and H3C (0.01 dBm) devices', async () => {
    for (const id of ['hw-core', 'h3c-sw']) {
      const { reading } = await read(id, false);
      expect(reading.optics.length).toBeGreaterThan(0);
      for (const optic of reading.optics) {
        expect(optic.rxDbm).toBeGreaterThanOrEqual(-8);
        expect(optic.rxDbm).toBeLessThanOrEqual(-2);
        expect(optic.txDbm).toBeLessThanOrEqual(0);
      }
    }
  });

  it('a net-snmp host is read through HOST-RESOURCES and UCD-SNMP, with no vendor hardware', async () => {
    const { identity, profile, reading } = await read('dx-host');
    expect(identity.sysObjectId).toBe('1.3.6.1.4.1.8072.3.2.10');
    expect(identity.sysDescr).toMatch(/^Linux dx-host/);
    expect(profile.id).toBe('net-snmp-linux');
    expect(reading.cpuPct).toBeGreaterThan(0);
    expect(reading.memPct).toBeGreaterThan(20);
    expect(reading.storage.some((s) => s.ram)).toBe(true);
    expect(reading.fans).toEqual([]);
    expect(reading.temperatureC).toBeNull();
  });

  it('network devices no longer answer HOST-RESOURCES-MIB', async () => {
    for (const id of ['hw-core', 'h3c-sw', 'cisco-gw']) {
      const walked = await sessionOf(id).walkColumns(['1.3.6.1.2.1.25'], 10);
      if (!walked.ok) throw new Error(walked.error.message);
      expect(walked.value.columns[0]?.size, id).toBe(0);
    }
  });
});

describe('hardware faults through each vendor MIB', () => {
  it('fan-fail, psu-fail and overheat show as failed components and 86 °C', async () => {
    const injected = [
      sim.inject({ kind: 'fan-fail', node: 'hw-core' }),
      sim.inject({ kind: 'psu-fail', node: 'h3c-sw' }),
      sim.inject({ kind: 'overheat', node: 'cisco-gw' }),
      sim.inject({ kind: 'fan-fail', node: 'cisco-gw' }),
    ];
    expect(injected.every((f) => f.ok)).toBe(true);
    try {
      const huawei = (await read('hw-core', false)).reading;
      expect(huawei.fans.map((f) => f.ok)).toEqual([false, true]);
      const h3c = (await read('h3c-sw', false)).reading;
      expect(h3c.powerSupplies.filter((p) => !p.ok).map((p) => [p.name, p.state])).toEqual([['PWR2', 51]]);
      expect(h3c.fans.every((f) => f.ok)).toBe(true);
      const cisco = (await read('cisco-gw', false)).reading;
      expect(cisco.temperatureC).toBe(86);
      expect(cisco.fans.filter((f) => !f.ok).map((f) => f.name)).toEqual(['Fan 1']);
    } finally {
      sim.clear('all');
    }
    expect((await read('hw-core', false)).reading.fans.every((f) => f.ok)).toBe(true);
  });

  it('optic-degraded drops the received power of the uplink module to -28 dBm', async () => {
    const uplink = topology.uplinkOf(topology.find('h3c-sw')!.id)!;
    const port = uplink.a.node === 'h3c-sw' ? uplink.a.interface : uplink.b.interface;
    const ifIndex = topology.find('h3c-sw')!.interfaces.find((i) => i.name === port)!.ifIndex;
    const fault = sim.inject({ kind: 'optic-degraded', node: 'h3c-sw' });
    expect(fault.ok).toBe(true);
    try {
      const { reading } = await read('h3c-sw', false);
      expect(reading.optics.find((o) => o.index === String(ifIndex))?.rxDbm).toBe(-28);
      expect(reading.optics.filter((o) => o.rxDbm === -28)).toHaveLength(1);
    } finally {
      sim.clear('all');
    }
  });

  it('refuses hardware faults a node cannot have, with the reason', () => {
    const host = sim.inject({ kind: 'fan-fail', node: 'dx-host' });
    expect(host.ok ? '' : host.reason).toContain('net-snmp');
    const noPort = sim.inject({ kind: 'optic-degraded', node: 'hw-core', interface: 'nope' });
    expect(noPort.ok ? '' : noPort.reason).toContain('no optical module in "nope"');
    expect(sim.inject({ kind: 'overheat', node: 'ghost' })).toEqual({
      ok: false,
      reason: 'unknown node "ghost"',
    });
  });
});

/**
 * Each vendor profile against the simulator over real SNMP on loopback: the device says who it is
 * (sysObjectID/sysDescr), the matching profile reads CPU, memory, temperature, fans, power supplies,
 * optics and the chassis from that vendor's own MIBs, and the hardware faults show in the readings.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
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
  - { id: hw-core, name: 华为核心路由器, tier: city, zone: internal, role: router, vendor: huawei, model: NE40E-X8, address: 10.9.0.1, credentials: v2c, ports: 6 }
  - { id: h3c-sw, name: 华三交换机, tier: city, zone: internal, role: switch, vendor: h3c, model: S5560X-54C, address: 10.9.0.2, credentials: v2c, parent: hw-core, ports: 8 }
  - { id: cisco-gw, name: 思科路由器, tier: district, zone: internal, role: router, vendor: cisco, model: ISR4331, address: 10.9.0.3, credentials: v2c, parent: hw-core, ports: 4 }
  - { id: dx-host, name: 数据交换服务器, tier: city, zone: internal, role: server, vendor: inspur, model: NF5280M6, address: 10.9.0.4, credentials: v2c, parent: h3c-sw }
  - { id: rj-sw, name: 锐捷汇聚交换机, tier: county, zone: internal, role: switch, vendor: ruijie, model: RG-S5750-28GT4XS-H, address: 10.9.0.5, credentials: v2c, parent: hw-core, ports: 8 }
  - { id: zte-gw, name: 中兴县级路由器, tier: county, zone: internal, role: router, vendor: zte, model: ZXR10 M6000-8S Plus, address: 10.9.0.6, credentials: v2c, parent: hw-core, ports: 4 }
links:
  - { a: "hw-core:GE0/0/1", b: "h3c-sw:GigabitEthernet1/0/1", capacityMbps: 1000, medium: fiber }
  - { a: "hw-core:GE0/0/2", b: "cisco-gw:GigabitEthernet0/0", capacityMbps: 100, medium: hfc }
  - { a: "h3c-sw:GigabitEthernet1/0/2", b: "dx-host:eth0", capacityMbps: 1000, medium: fiber }
  - { a: "hw-core:GE0/0/3", b: "rj-sw:GigabitEthernet 0/1", capacityMbps: 1000, medium: fiber }
  - { a: "hw-core:GE0/0/4", b: "zte-gw:gei-0/1/0/1", capacityMbps: 1000, medium: fiber }
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
    ['rj-sw', 'ruijie-rgos', '1.3.6.1.4.1.4881.1.1.10.1.', 'RG-S5750-28GT4XS-H', /^G1[0-9A-Z]{11}$/],
    ['zte-gw', 'zte-zxr10', '1.3.6.1.4.1.3902.3.100.', 'ZXR10 M6000-8S Plus', /^7024\d{8}$/],
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

  it('reads optical power in dBm on the linked ports of Huawei (µW), H3C and Ruijie (0.01 dBm) devices', async () => {
    for (const id of ['hw-core', 'h3c-sw', 'rj-sw']) {
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

  it('Cisco IOS-XE sensors come from ENTITY-SENSOR-MIB: °C and fan rpm, named by ENTITY-MIB', async () => {
    const { reading } = await read('cisco-gw');
    expect(reading.sensors.map((s) => [s.name, s.type, s.ok])).toEqual([
      ['Temp: Inlet', 'celsius', true],
      ['Fan 1 Speed', 'rpm', true],
      ['Fan 2 Speed', 'rpm', true],
    ]);
    expect(reading.sensors[0]?.value).toBe(reading.temperatureC);
    expect(reading.sensors[1]?.value).toBe(5280);
  });

  it('network devices no longer answer HOST-RESOURCES-MIB', async () => {
    for (const id of ['hw-core', 'h3c-sw', 'cisco-gw', 'rj-sw', 'zte-gw']) {
      const walked = await sessionOf(id).walkColumns(['1.3.6.1.2.1.25'], 10);
      if (!walked.ok) throw new Error(walked.error.message);
      expect(walked.value.columns[0]?.size, id).toBe(0);
    }
  });
});

const run = promisify(execFile);

/** Debian's snmpwalk (net-snmp) against a simulated agent, numeric OIDs: "OID = TYPE: value" lines. */
async function snmpwalk(id: string, oid: string): Promise<string[]> {
  const entry = sim.manifest.find((m) => m.id === id);
  if (!entry) throw new Error(`no agent for ${id}`);
  const { stdout } = await run('snmpwalk', [
    '-v2c',
    '-c',
    'vendors-ro',
    '-On',
    `${entry.host}:${entry.port}`,
    oid,
  ]);
  return stdout.trim().split('\n');
}

describe("Debian's snmpwalk sees each vendor's own MIBs", () => {
  it.each([
    ['hw-core', 'hwEntityCpuUsage', '.1.3.6.1.4.1.2011.5.25.31.1.1.1.1.5'],
    ['h3c-sw', 'hh3cEntityExtCpuUsage', '.1.3.6.1.4.1.25506.2.6.1.1.1.1.6'],
    ['cisco-gw', 'cpmCPUTotal5minRev', '.1.3.6.1.4.1.9.9.109.1.1.1.1.8'],
    ['cisco-gw', 'entPhySensorValue', '.1.3.6.1.2.1.99.1.1.1.4'],
    ['rj-sw', 'ruijieCPUUtilization5Min', '.1.3.6.1.4.1.4881.1.1.10.2.36.1.1.3'],
    ['rj-sw', 'ruijieSystemFanIsNormal', '.1.3.6.1.4.1.4881.1.1.10.2.1.1.21.1.2'],
    ['zte-gw', 'zxr10SystemCpuUtility5m', '.1.3.6.1.4.1.3902.3.6002.2.1.1.9'],
    ['zte-gw', 'zxr10FanStatus', '.1.3.6.1.4.1.3902.3.6002.2.3.1.7'],
  ])('%s answers %s', async (id, _name, oid) => {
    const lines = await snmpwalk(id, oid);
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines)
      expect(line).toMatch(new RegExp(`^${oid.replaceAll('.', '\\.')}\\.[0-9.]+ = (INTEGER|Gauge32): \\d+$`));
  });

  // An empty walk makes snmpwalk ask for the subtree root itself, which answers "No Such …".
  it('and no HOST-RESOURCES-MIB on any network device', async () => {
    for (const id of ['hw-core', 'h3c-sw', 'cisco-gw', 'rj-sw', 'zte-gw'])
      expect((await snmpwalk(id, '.1.3.6.1.2.1.25')).join('\n'), id).toMatch(
        /^\.1\.3\.6\.1\.2\.1\.25 = No Such (Object|Instance) /,
      );
    expect((await snmpwalk('dx-host', '.1.3.6.1.2.1.25.3.3.1.2'))[0]).toMatch(/= INTEGER: \d+$/);
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

  it('Ruijie and ZTE: fan-fail, psu-fail and overheat through RUIJIE-SYSTEM-MIB and ZXR10-SYSTEM-HARDWARE-MIB', async () => {
    const injected = [
      sim.inject({ kind: 'fan-fail', node: 'rj-sw' }),
      sim.inject({ kind: 'psu-fail', node: 'rj-sw' }),
      sim.inject({ kind: 'overheat', node: 'zte-gw' }),
      sim.inject({ kind: 'fan-fail', node: 'zte-gw' }),
      sim.inject({ kind: 'psu-fail', node: 'zte-gw' }),
    ];
    expect(injected.every((f) => f.ok)).toBe(true);
    try {
      const ruijie = (await read('rj-sw', false)).reading;
      expect(ruijie.fans.map((f) => [f.name, f.ok, f.state])).toEqual([
        ['Fan 1', false, 5],
        ['Fan 2', true, 4],
      ]);
      expect(ruijie.powerSupplies.map((p) => [p.name, p.ok])).toEqual([
        ['Power 1', true],
        ['Power 2', false],
      ]);
      const zte = (await read('zte-gw', false)).reading;
      expect(zte.temperatureC).toBe(86);
      expect(zte.fans.map((f) => f.ok)).toEqual([false, true]);
      expect(zte.powerSupplies.filter((p) => !p.ok).map((p) => p.name)).toEqual(['PWR2']);
    } finally {
      sim.clear('all');
    }
    expect((await read('zte-gw', false)).reading.fans.every((f) => f.ok)).toBe(true);
  });

  it('optic-degraded shows on a Ruijie uplink (RUIJIE-FIBER-MIB); a ZTE node refuses it, saying why', async () => {
    const fault = sim.inject({ kind: 'optic-degraded', node: 'rj-sw' });
    expect(fault.ok).toBe(true);
    try {
      const { reading } = await read('rj-sw', false);
      // ruijieFiberEntry is indexed by ifIndex: GigabitEthernet 0/1, the uplink, is ifIndex 1.
      expect(reading.optics.filter((o) => o.rxDbm === -28).map((o) => o.index)).toEqual(['1']);
    } finally {
      sim.clear('all');
    }
    const zte = sim.inject({ kind: 'optic-degraded', node: 'zte-gw' });
    expect(zte.ok ? '' : zte.reason).toContain('reads no optical power');
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

/**
 * ENTITY-MIB parts with serials, over real SNMP against the simulator: the collector reads every
 * board, supply, fan and optic with its serial; `module-swap` gives one slot a new serial and
 * `firmware-upgrade` moves the software and board firmware on a release; both show in the next read.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { identifyDevice, matchProfile, pollProfile } from '../../../collector/profiles/index';
import { healthPoints } from '../../../collector/profiles/points';
import { openSession, DEFAULT_TIMING, type SnmpSession } from '../../../collector/snmp/session';
import { loadInventoryText } from '../../../inventory/index';
import { startSimulator, type Simulator } from '../../../simulator/index';

const INVENTORY = `
network: { id: assets, name: 台账测试网, domain: assets.gov.cn }
credentials:
  v2c: { version: 2c, community: assets-ro }
nodes:
  - { id: hw-core, name: 华为核心路由器, tier: city, zone: internal, role: router, vendor: huawei, model: NE40E-X8, address: 10.9.0.1, credentials: v2c, ports: 4 }
  - { id: h3c-sw, name: 华三交换机, tier: city, zone: internal, role: switch, vendor: h3c, model: S5560X-54C, address: 10.9.0.2, credentials: v2c, parent: hw-core, ports: 8 }
  - { id: dx-host, name: 数据交换服务器, tier: city, zone: internal, role: server, vendor: inspur, model: NF5280M6, address: 10.9.0.4, credentials: v2c, parent: h3c-sw }
links:
  - { a: "hw-core:GE0/0/1", b: "h3c-sw:GigabitEthernet1/0/1", capacityMbps: 1000, medium: fiber }
  - { a: "h3c-sw:GigabitEthernet1/0/2", b: "dx-host:eth0", capacityMbps: 1000, medium: fiber }
`;
const loaded = loadInventoryText('assets.yaml', INVENTORY);
if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));
const { topology } = loaded;

let sim: Simulator;
const sessions: SnmpSession[] = [];

async function read(id: string) {
  const entry = sim.manifest.find((m) => m.id === id);
  if (!entry) throw new Error(`no agent for ${id}`);
  const session = openSession(
    { host: entry.host, port: entry.port },
    { name: 'v2c', version: '2c', community: 'assets-ro' },
    DEFAULT_TIMING,
  );
  sessions.push(session);
  const identity = await identifyDevice(session);
  if (!identity.ok) throw new Error(identity.error.message);
  const profile = matchProfile(identity.value.sysObjectId, identity.value.sysDescr);
  const reading = await pollProfile(session, profile, { maxRepetitions: 16, withEntity: true });
  if (!reading.ok) throw new Error(reading.error.message);
  return reading.value;
}

beforeAll(async () => {
  sim = await startSimulator({ topology });
});

afterAll(async () => {
  for (const session of sessions) session.close();
  await sim.stop();
});

describe('entity modules', () => {
  it('reads every part with a serial: main board, supplies, fans, optics', async () => {
    const reading = await read('hw-core');
    const byName = new Map(reading.modules.map((m) => [m.name, m]));
    expect([...byName.keys()]).toEqual(
      expect.arrayContaining(['MPU 0', 'PWR1', 'PWR2', 'FAN1', 'FAN2', 'GE0/0/1']),
    );
    expect(byName.get('MPU 0')).toMatchObject({ class: 'module', firmwareRev: '1.12', hardwareRev: 'REV A' });
    expect(byName.get('PWR1')?.class).toBe('powerSupply');
    expect(byName.get('GE0/0/1')?.class).toBe('port');
    for (const part of reading.modules) expect(part.serial).toMatch(/^2102351931P0/);
    const points = healthPoints(topology.node(topology.nodes[0]!.id), reading, 1);
    const modulePoints = points.filter((p) => p.measurement === 'module');
    expect(modulePoints).toHaveLength(reading.modules.length);
    expect(modulePoints[0]?.tags).toMatchObject({ node: 'hw-core', name: 'MPU 0', class: 'module' });
  });

  it('module-swap gives the slot a new serial; other slots keep theirs', async () => {
    const before = await read('h3c-sw');
    const injected = sim.inject({ kind: 'module-swap', node: 'h3c-sw', slot: 'PWR2' });
    expect(injected.ok).toBe(true);
    const after = await read('h3c-sw');
    const serial = (parts: typeof before.modules, name: string) => parts.find((m) => m.name === name)?.serial;
    expect(serial(after.modules, 'PWR2')).not.toBe(serial(before.modules, 'PWR2'));
    expect(serial(after.modules, 'PWR2')).toMatch(/^210235A1JSH/);
    expect(serial(after.modules, 'PWR1')).toBe(serial(before.modules, 'PWR1'));
    expect(after.chassis?.serial).toBe(before.chassis?.serial);
  });

  it('firmware-upgrade moves the software release and board firmware on', async () => {
    const before = await read('hw-core');
    expect(sim.inject({ kind: 'firmware-upgrade', node: 'hw-core' }).ok).toBe(true);
    const after = await read('hw-core');
    expect(before.chassis?.softwareRev).toBe('V800R012C10SPC300');
    expect(after.chassis?.softwareRev).toBe('V800R012C10SPC400');
    expect(after.modules.find((m) => m.name === 'MPU 0')?.firmwareRev).toBe('1.13');
  });

  it("names each part's container (entPhysicalContainedIn): supplies in the chassis, optics on the board", async () => {
    const reading = await read('hw-core');
    const containerOf = (name: string) => reading.modules.find((m) => m.name === name)?.container;
    expect(containerOf('PWR1')).toBe('NE40E-X8');
    expect(containerOf('GE0/0/1')).toBe('MPU 0');
  });

  it('module-remove takes a part out of entPhysicalTable; module-insert puts it back or adds a line card', async () => {
    const names = async () => (await read('hw-core')).modules.map((m) => m.name);
    const before = await read('hw-core');
    expect(sim.inject({ kind: 'module-remove', node: 'hw-core', slot: 'FAN2' }).ok).toBe(true);
    expect(await names()).not.toContain('FAN2');
    expect(sim.inject({ kind: 'module-insert', node: 'hw-core', slot: 'FAN2' }).ok).toBe(true);
    const back = await read('hw-core');
    expect(back.modules.find((m) => m.name === 'FAN2')).toEqual(
      before.modules.find((m) => m.name === 'FAN2'),
    );
    expect(sim.inject({ kind: 'module-insert', node: 'hw-core' }).ok).toBe(true);
    const card = (await read('hw-core')).modules.find((m) => m.name === 'LPU 1');
    expect(card).toMatchObject({
      class: 'module',
      index: '50',
      container: 'NE40E-X8',
      model: 'NE40E-X8-LPU',
    });
    expect(sim.inject({ kind: 'module-remove', node: 'hw-core', slot: 'LPU 1' }).ok).toBe(true);
    expect(await names()).not.toContain('LPU 1');
  });

  it('refuses to pull the main board or a part not there, and to insert one already in place', () => {
    const board = sim.inject({ kind: 'module-remove', node: 'hw-core', slot: 'MPU 0' });
    expect(!board.ok && board.reason).toMatch(/no part "MPU 0" to pull.*PWR1.*main board stay/);
    const inPlace = sim.inject({ kind: 'module-insert', node: 'hw-core', slot: 'PWR1' });
    expect(!inPlace.ok && inPlace.reason).toMatch(/already has "PWR1" in place/);
    const never = sim.inject({ kind: 'module-insert', node: 'hw-core', slot: 'PWR9' });
    expect(!never.ok && never.reason).toMatch(/no pulled part "PWR9"/);
  });

  it('refuses a slot the node lacks and hosts without ENTITY-MIB, naming what exists', () => {
    const noSlot = sim.inject({ kind: 'module-swap', node: 'hw-core', slot: 'LPU 9' });
    expect(noSlot).toMatchObject({ ok: false });
    expect(!noSlot.ok && noSlot.reason).toMatch(/no slot "LPU 9".*MPU 0/);
    const host = sim.inject({ kind: 'firmware-upgrade', node: 'dx-host' });
    expect(!host.ok && host.reason).toMatch(/host \(net-snmp\)/);
  });
});

/**
 * The generic profile against Debian's real snmpd: an agent whose sysObjectID no profile claims
 * (here an Arista enterprise OID) but that answers ENTITY-SENSOR-MIB — its entPhySensorTable and
 * entPhysicalName served through pass_persist from values the test sets. The collector stores its
 * sensors, takes the hottest °C sensor as the node's temperature and its rpm sensors as fans; a
 * sensor that goes nonoperational is a failed fan.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InProcessBus } from '../../bus/index';
import { startCollector, type RunningCollector } from '../../collector/index';
import { memoryLogger } from '../../common';
import { asNodeId } from '../../domain';
import { loadInventoryText } from '../../inventory/index';
import { MemoryMetricsStore } from '../support/memory-metrics-store';
import { startSnmpd, type PassValue, type Snmpd } from '../support/snmpd';

const INVENTORY = `
network: { id: sensors, name: 传感器测试网, domain: sensors.gov.cn }
credentials:
  v2c: { version: 2c, community: public }
nodes:
  - { id: odd-sw, name: 其他厂商交换机, tier: city, zone: internal, role: switch, vendor: arista, model: DCS-7050SX, address: 10.9.0.10, credentials: v2c, ports: 2 }
`;
const loaded = loadInventoryText('sensors.yaml', INVENTORY);
if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));
const { inventory, topology } = loaded;
const NODE = asNodeId('odd-sw');

const SENSOR = '1.3.6.1.2.1.99.1.1.1';
const NAME = '1.3.6.1.2.1.47.1.1.1.1.7';
const CLASS = '1.3.6.1.2.1.47.1.1.1.1.5';

/** entPhySensorTable rows: index → [type, scale, precision, value, operStatus], and their entPhysicalName. */
function sensors(fan2Status: number): Record<string, PassValue> {
  const rows: Array<[number, string, number, number, number, number, number]> = [
    [100006, 'Cpu temp sensor', 8, 9, 1, 512, 1],
    [100007, 'Rear temp sensor', 8, 9, 1, 338, 1],
    [100601, 'Fan Tray 1 Fan 1', 10, 9, 0, 6120, 1],
    [100602, 'Fan Tray 1 Fan 2', 10, 9, 0, fan2Status === 1 ? 6090 : 0, fan2Status],
    [100701, 'PSU1 Vout', 4, 8, 0, 12010, 1],
  ];
  const state: Record<string, PassValue> = {};
  for (const [index, name, type, scale, precision, value, status] of rows) {
    state[`${NAME}.${index}`] = ['string', name];
    state[`${CLASS}.${index}`] = ['integer', 8];
    state[`${SENSOR}.1.${index}`] = ['integer', type];
    state[`${SENSOR}.2.${index}`] = ['integer', scale];
    state[`${SENSOR}.3.${index}`] = ['integer', precision];
    state[`${SENSOR}.4.${index}`] = ['integer', value];
    state[`${SENSOR}.5.${index}`] = ['integer', status];
  }
  return state;
}

let snmpd: Snmpd;
let collector: RunningCollector;
const store = new MemoryMetricsStore();

beforeAll(async () => {
  snmpd = await startSnmpd({
    sysObjectId: '1.3.6.1.4.1.30065.1.3011.7050.1958.128',
    passSubtrees: ['1.3.6.1.2.1.47', '1.3.6.1.2.1.99'],
  });
  snmpd.setState(sensors(1));
  collector = await startCollector({
    topology,
    inventory,
    manifest: [{ id: 'odd-sw', host: snmpd.host, port: snmpd.port, community: 'public' }],
    store,
    bus: new InProcessBus(),
    logger: memoryLogger(),
    hostHealth: false,
    schedule: false,
  });
}, 30_000);

afterAll(async () => {
  await collector?.stop();
  await snmpd?.destroy();
});

describe('ENTITY-SENSOR-MIB on a device no profile claims × Debian snmpd', () => {
  it('stores every sensor in its base unit, the hottest °C as the temperature and rpm sensors as fans', async () => {
    await collector.pollNow(NODE);
    await collector.pollNow(NODE);
    const [hardware] = await store.latest('hardware', { node: 'odd-sw' });
    expect(hardware?.tags.profile).toBe('generic');
    expect(hardware?.fields).toMatchObject({ temperatureC: 51.2, fans: 2, fansFailed: 0 });
    const byName = new Map((await store.latest('sensor', { node: 'odd-sw' })).map((p) => [p.tags.name, p]));
    expect(byName.get('Rear temp sensor')).toMatchObject({
      tags: { type: 'celsius' },
      fields: { value: 33.8, ok: 1 },
    });
    expect(byName.get('PSU1 Vout')).toMatchObject({
      tags: { type: 'voltsDC' },
      fields: { value: 12.01, ok: 1 },
    });
    expect(byName.get('Fan Tray 1 Fan 1')?.fields).toEqual({ value: 6120, ok: 1 });
  });

  it('a fan sensor gone nonoperational is a failed fan', async () => {
    snmpd.setState(sensors(3));
    await collector.pollNow(NODE);
    const [hardware] = await store.latest('hardware', { node: 'odd-sw' });
    expect(hardware?.fields).toMatchObject({ fans: 2, fansFailed: 1 });
    const fans = await store.latest('component', { node: 'odd-sw', component: 'fan' });
    expect(fans.filter((p) => p.fields.ok === 0).map((p) => p.tags.name)).toEqual(['Fan Tray 1 Fan 2']);
  });
});

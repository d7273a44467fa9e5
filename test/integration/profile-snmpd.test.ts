/**
 * The net-snmp Linux profile against Debian's real snmpd (no pass-through, its own MIB modules): the
 * host is recognised by its sysObjectID, CPU comes from HOST-RESOURCES, memory from UCD-SNMP, and the
 * collector stores them on the node point with the host's storage, no vendor hardware points.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InProcessBus } from '../../bus/index';
import { startCollector } from '../../collector/index';
import { identifyDevice, matchProfile, pollProfile } from '../../collector/profiles/index';
import { DEFAULT_TIMING, openSession } from '../../collector/snmp/session';
import { memoryLogger } from '../../common';
import { asNodeId } from '../../domain';
import { loadInventoryText } from '../../inventory/index';
import { MemoryMetricsStore } from '../support/memory-metrics-store';
import { startSnmpd, type Snmpd } from '../support/snmpd';

const INVENTORY = `
network: { id: host, name: 主机测试网, domain: host.gov.cn }
credentials:
  v2c: { version: 2c, community: public }
nodes:
  - { id: linux-host, name: 数据交换服务器, tier: city, zone: internal, role: server, vendor: inspur, model: NF5280M6, address: 10.9.0.9, credentials: v2c }
`;
const loaded = loadInventoryText('host.yaml', INVENTORY);
if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));
const { inventory, topology } = loaded;

let snmpd: Snmpd;

beforeAll(async () => {
  snmpd = await startSnmpd();
}, 30_000);

afterAll(async () => {
  await snmpd?.destroy();
});

describe('net-snmp Linux profile × Debian snmpd', () => {
  it('is matched by sysObjectID and reads memory (UCD-SNMP) and storage (HOST-RESOURCES)', async () => {
    const session = openSession(
      { host: snmpd.host, port: snmpd.port },
      { name: 'v2c', version: '2c', community: 'public' },
      DEFAULT_TIMING,
    );
    try {
      const identity = await identifyDevice(session);
      if (!identity.ok) throw new Error(identity.error.message);
      expect(identity.value.sysObjectId).toBe('1.3.6.1.4.1.8072.3.2.10');
      expect(identity.value.sysDescr).toMatch(/^Linux /);
      const profile = matchProfile(identity.value.sysObjectId, identity.value.sysDescr);
      expect(profile.id).toBe('net-snmp-linux');
      const reading = await pollProfile(session, profile, { maxRepetitions: 16, withEntity: true });
      if (!reading.ok) throw new Error(reading.error.message);
      expect(reading.value.memPct).toBeGreaterThan(0);
      expect(reading.value.memPct).toBeLessThan(100);
      // snmpd fills hrProcessorLoad only after its first minute: until then CPU is unknown, not 0.
      expect(reading.value.cpuPct === null || reading.value.cpuPct >= 0).toBe(true);
      expect(reading.value.storage.some((s) => s.ram)).toBe(true);
      expect(reading.value.fans).toEqual([]);
      expect(reading.value.temperatureC).toBeNull();
    } finally {
      session.close();
    }
  });

  it('the collector stores its memory and storage, and no hardware points', async () => {
    const store = new MemoryMetricsStore();
    const collector = await startCollector({
      topology,
      inventory,
      manifest: [{ id: 'linux-host', host: snmpd.host, port: snmpd.port, community: 'public' }],
      store,
      bus: new InProcessBus(),
      logger: memoryLogger(),
      hostHealth: false,
      schedule: false,
    });
    try {
      await collector.pollNow(asNodeId('linux-host'));
      const node = store.find('node', { node: 'linux-host' }).at(-1);
      expect(node?.fields.reachable).toBe(1);
      expect(node?.fields.memPct).toBeGreaterThan(0);
      expect(store.find('storage', { node: 'linux-host' }).length).toBeGreaterThan(0);
      expect(store.find('hardware', { node: 'linux-host' })).toEqual([]);
    } finally {
      await collector.stop();
    }
  });
});

/**
 * `addresses: 'loopback'`: each agent answers on its own address (10.a.b.c → 127.a.b.c) at one port,
 * as devices do on a real network, and its LLDP neighbours carry their management addresses.
 * Checked with Debian's net-snmp tools.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadInventory, loadInventoryText } from '../../inventory';
import { startSimulator, type Simulator } from '../../simulator';
import { freeUdpPort } from '../support/snmpd';

const run = promisify(execFile);
const loaded = loadInventory('configs/examples/nanyang.yaml');
if (!loaded.ok) throw new Error('nanyang.yaml must load');
const { topology } = loaded;

const snmp = async (tool: string, args: string[]) =>
  (await run(tool, ['-On', '-m', '', '-t', '2', '-r', '1', ...args], { env: { ...process.env, MIBS: '' } }))
    .stdout;

let sim: Simulator;
let port: number;

beforeAll(async () => {
  // Free on the core's address; the agents' other loopback addresses are as good as free with it.
  port = await freeUdpPort('127.41.0.1');
  sim = await startSimulator({ topology, addresses: 'loopback', port });
});
afterAll(async () => {
  await sim?.stop();
});

describe('simulator --addresses loopback', () => {
  it('lists every agent at its own loopback address and the one port', () => {
    expect(sim.manifest).toHaveLength(83);
    const core = sim.manifest.find((m) => m.id === 'ny-core');
    expect(core).toMatchObject({ host: '127.41.0.1', port });
    const dept = sim.manifest.find((m) => m.id === 'dept-39');
    expect(dept).toMatchObject({ host: '127.41.100.39', port });
    expect(new Set(sim.manifest.map((m) => m.host)).size).toBe(83);
  });

  it('answers snmpget v2c and v3 at 127.a.b.c for the node whose address is 10.a.b.c', async () => {
    const v2c = await snmp('snmpget', [
      '-v2c',
      '-c',
      'ny-sim-ro',
      `127.41.100.1:${port}`,
      '1.3.6.1.2.1.1.5.0',
    ]);
    expect(v2c).toContain('STRING: "dept-01"');
    const v3 = await snmp('snmpget', [
      ...['-v3', '-l', 'authPriv', '-u', 'noc-poller', '-a', 'SHA', '-A', 'ny-sim-auth-2026'],
      ...['-x', 'AES', '-X', 'ny-sim-priv-2026', `127.41.0.1:${port}`, '1.3.6.1.2.1.1.5.0'],
    ]);
    expect(v3).toContain('STRING: "ny-core"');
  });

  it("serves lldpRemManAddrTable: each neighbour's management address in the index", async () => {
    const walked = await snmp('snmpbulkwalk', [
      ...['-v2c', '-c', 'ny-sim-ro', `127.41.1.2:${port}`, '1.0.8802.1.1.2.1.4.2.1.3'],
    ]);
    // wolong-sw: uplink GigabitEthernet1/0/24 (ifIndex 24) to wolong-gw 10.41.1.1, port 1 to wolong-mcu 10.41.1.3
    expect(walked).toContain('.1.0.8802.1.1.2.1.4.2.1.3.0.24.1.1.4.10.41.1.1 = INTEGER: 2');
    expect(walked).toContain('.1.0.8802.1.1.2.1.4.2.1.3.0.1.1.1.4.10.41.1.3 = INTEGER: 2');
  });

  it('refuses a node whose address has no loopback counterpart, naming it', async () => {
    const text = [
      'network: { id: t, name: t, domain: t.example }',
      'credentials: { c: { version: 2c, community: x } }',
      'nodes:',
      '  - { id: a, name: a, tier: city, zone: internal, role: router, vendor: huawei, model: AR2220, address: 192.168.1.1, credentials: c }',
    ].join('\n');
    const other = loadInventoryText('t.yaml', text);
    if (!other.ok) throw new Error('fixture must load');
    await expect(startSimulator({ topology: other.topology, addresses: 'loopback', port })).rejects.toThrow(
      /outside 10\.0\.0\.0\/8: a \(192\.168\.1\.1\)/,
    );
  });
});

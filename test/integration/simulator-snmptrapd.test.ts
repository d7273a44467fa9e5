/**
 * The simulator's traps, checked by an independent receiver: Debian's `snmptrapd` (net-snmp 5.9)
 * on a loopback port, accepting only the agents' own community (v2c agents) and the SNMPv3 user of
 * the v3 agents, each engine's keys localized by snmptrapd itself. A county uplink is cut (linkDown from the
 * city core only: the county router is behind the cut), a server reboots (coldStart), the link
 * comes back (linkUp from both ends). Every trap must name the right ifIndex and carry
 * snmpTrapAddress.0 = the node's inventory address, sent from the agent's own port.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadInventory } from '../../inventory/index';
import { startSimulator, type Simulator } from '../../simulator/index';
import { freeUdpPort } from '../support/snmpd';
import { waitUntil } from '../support/wait';

const loaded = loadInventory('configs/examples/nanyang.yaml');
if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));
const { topology } = loaded;

const OID = {
  snmpTrapOID: '.1.3.6.1.6.3.1.1.4.1.0',
  snmpTrapAddress: '.1.3.6.1.6.3.18.1.3.0',
  coldStart: '.1.3.6.1.6.3.1.1.5.1',
  linkDown: '.1.3.6.1.6.3.1.1.5.3',
  linkUp: '.1.3.6.1.6.3.1.1.5.4',
  ifIndex: (i: number) => `.1.3.6.1.2.1.2.2.1.1.${i}`,
  ifOperStatus: (i: number) => `.1.3.6.1.2.1.2.2.1.8.${i}`,
  ifName: (i: number) => `.1.3.6.1.2.1.31.1.1.1.1.${i}`,
} as const;
const WAIT_MS = 5_000;

/** One trap as snmptrapd logged it: `TRAP <transport>|<oid> = <TYPE: value>\t…`. */
interface LoggedTrap {
  sourcePort: number;
  varbinds: Map<string, string>;
}

let dir: string;
let trapd: ChildProcessWithoutNullStreams;
let output = '';
let sim: Simulator;

function parseTraps(text: string): LoggedTrap[] {
  const traps: LoggedTrap[] = [];
  for (const line of text.split('\n')) {
    const m = /^TRAP UDP: \[127\.0\.0\.1\]:(\d+)->\[127\.0\.0\.1\]:\d+\|(.*)$/.exec(line);
    if (!m) continue;
    const varbinds = new Map<string, string>();
    for (const vb of (m[2] ?? '').split('\t')) {
      const at = vb.indexOf(' = ');
      if (at > 0) varbinds.set(vb.slice(0, at), vb.slice(at + 3));
    }
    traps.push({ sourcePort: Number(m[1]), varbinds });
  }
  return traps;
}

async function waitFor<T>(what: string, probe: () => T | undefined): Promise<T> {
  return waitUntil(() => `${what}; snmptrapd said:\n${output}`, probe, {
    timeoutMs: WAIT_MS,
    intervalMs: 50,
  });
}

function nodeOf(id: string) {
  const node = topology.find(id);
  if (!node) throw new Error(`nanyang.yaml has no node ${id}`);
  return node;
}
function ifIndexOf(id: string, ifName: string): number {
  const iface = nodeOf(id).interfaces.find((x) => x.name === ifName);
  if (!iface) throw new Error(`nanyang.yaml: no interface ${id}:${ifName}`);
  return iface.ifIndex;
}
function agentPort(id: string): number {
  const entry = sim.manifest.find((e) => e.id === id);
  if (!entry) throw new Error(`simulator manifest has no ${id}`);
  return entry.port;
}

/** The trap of this kind from this node (by its snmpTrapAddress.0) logged so far, if any. */
function loggedTrap(kind: string, address: string): LoggedTrap | undefined {
  return parseTraps(output).find(
    (t) =>
      t.varbinds.get(OID.snmpTrapOID) === `OID: ${kind}` &&
      t.varbinds.get(OID.snmpTrapAddress) === `IpAddress: ${address}`,
  );
}

/** snmptrapd configuration: the v2c community, and the v3 user once per agent engine (RFC 3414 key localization). */
function trapdConfig(): string {
  const lines = ['authCommunity log ny-sim-ro'];
  for (const entry of sim.manifest) {
    const v3 = entry.v3;
    if (!v3?.engineId || !v3.privKey) continue;
    lines.push(`createUser -e 0x${v3.engineId} ${v3.user} SHA ${v3.authKey} AES ${v3.privKey}`);
  }
  lines.push('authUser log noc-poller priv');
  return `${lines.join('\n')}\n`;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'egov-snmptrapd-'));
  const port = await freeUdpPort();
  // The simulator first (its engine ids go into snmptrapd's users); it sends no trap before a fault.
  sim = await startSimulator({ topology, trapTarget: { host: '127.0.0.1', port } });
  const conf = join(dir, 'snmptrapd.conf');
  writeFileSync(conf, trapdConfig(), { mode: 0o600 });
  trapd = spawn(
    'snmptrapd',
    ['-f', '-Lo', '-C', '-c', conf, '-n', '-On', '-m', '', '-F', 'TRAP %b|%v\n', `udp:127.0.0.1:${port}`],
    { env: { ...process.env, MIBS: '', SNMP_PERSISTENT_DIR: join(dir, 'persist') } },
  );
  trapd.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  trapd.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const exited = new Promise<never>((_, reject) =>
    trapd.once('exit', (code) => reject(new Error(`snmptrapd exited (${String(code)}):\n${output}`))),
  );
  exited.catch(() => undefined);
  // snmptrapd prints its version once the port is open.
  await Promise.race([
    exited,
    waitFor('snmptrapd to start', () => (/NET-SNMP version/.test(output) ? true : undefined)),
  ]);
});

afterAll(async () => {
  await sim?.stop();
  if (trapd && trapd.exitCode === null) {
    const gone = new Promise((r) => trapd.once('exit', r));
    trapd.kill('SIGTERM');
    await gone;
  }
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("simulator traps as Debian's snmptrapd receives them", () => {
  const core = nodeOf('ny-core');
  const county = nodeOf('xichuan-gw');
  const coreIf = ifIndexOf('ny-core', 'GE0/0/8');
  const countyIf = ifIndexOf('xichuan-gw', 'GE0/0/0');
  let linkFault = '';

  it('cutting the ny-core – xichuan-gw uplink: linkDown from ny-core with its ifIndex and address', async () => {
    const injected = sim.inject({ kind: 'link-down', a: 'ny-core', b: 'xichuan-gw' });
    if (!injected.ok) throw new Error(injected.reason);
    linkFault = injected.id;

    const trap = await waitFor('linkDown from ny-core', () => loggedTrap(OID.linkDown, core.address));
    expect(trap.sourcePort).toBe(agentPort('ny-core'));
    expect(trap.varbinds.get(OID.ifIndex(coreIf))).toBe(`INTEGER: ${coreIf}`);
    expect(trap.varbinds.get(OID.ifOperStatus(coreIf))).toBe('INTEGER: 2');
    expect(trap.varbinds.get(OID.ifName(coreIf))).toBe('STRING: "GE0/0/8"');
    expect(trap.varbinds.get(OID.snmpTrapAddress)).toBe(`IpAddress: ${core.address}`);
    // The county router is behind the cut: it cannot reach the trap target.
    expect(loggedTrap(OID.linkDown, county.address)).toBeUndefined();
  });

  it('rebooting ny-dx: coldStart with its inventory address', async () => {
    const dx = nodeOf('ny-dx');
    const injected = sim.inject({ kind: 'reboot', node: 'ny-dx' });
    if (!injected.ok) throw new Error(injected.reason);

    const trap = await waitFor('coldStart from ny-dx', () => loggedTrap(OID.coldStart, dx.address));
    expect(trap.sourcePort).toBe(agentPort('ny-dx'));
    expect(trap.varbinds.get(OID.snmpTrapAddress)).toBe(`IpAddress: ${dx.address}`);
    expect(trap.varbinds.get('.1.3.6.1.2.1.1.3.0')).toMatch(/^Timeticks: \(\d+\)/);
  });

  it('clearing the link fault: linkUp from both ends, each with its own ifIndex and address', async () => {
    expect(linkFault).not.toBe('');
    const cleared = sim.clear(linkFault);
    if (!cleared.ok) throw new Error(cleared.reason);

    const ends = [
      { id: 'ny-core', address: core.address, ifIndex: coreIf, ifName: 'GE0/0/8' },
      { id: 'xichuan-gw', address: county.address, ifIndex: countyIf, ifName: 'GE0/0/0' },
    ];
    for (const end of ends) {
      const trap = await waitFor(`linkUp from ${end.id}`, () => loggedTrap(OID.linkUp, end.address));
      expect(trap.sourcePort).toBe(agentPort(end.id));
      expect(trap.varbinds.get(OID.ifIndex(end.ifIndex))).toBe(`INTEGER: ${end.ifIndex}`);
      expect(trap.varbinds.get(OID.ifOperStatus(end.ifIndex))).toBe('INTEGER: 1');
      expect(trap.varbinds.get(OID.ifName(end.ifIndex))).toBe(`STRING: "${end.ifName}"`);
      expect(trap.varbinds.get(OID.snmpTrapAddress)).toBe(`IpAddress: ${end.address}`);
    }
  });
});

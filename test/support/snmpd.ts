/**
 * Start Debian's real `snmpd` for a test or a benchmark: bound to 127.0.0.1 on a free UDP port,
 * with its own config and persistent dir in a temp folder, in the foreground (`-f -Lo -C -c CONF
 * -I -smux`). Two flavours:
 *
 *   - the host's own MIBs (IF-MIB of this machine, HOST-RESOURCES…), as snmpd ships them;
 *   - `controlled: true`: the system group, ifTable and ifXTable are served by a `pass_persist`
 *     helper from a JSON state the test rewrites with `setState()`, so counters, sysUpTime and
 *     interface status are exactly what the test says (wraps, reboots, saturation…).
 *
 *   const agent = await startSnmpd({ controlled: true });
 *   agent.setState({ '1.3.6.1.2.1.1.3.0': ['timeticks', 100] });
 *   await agent.stop();
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { waitUntil } from './wait';

export const SNMPD_BIN = process.env.SNMPD_BIN ?? '/usr/sbin/snmpd';

export interface SnmpdV3User {
  user: string;
  authProtocol: 'SHA' | 'SHA-256' | 'SHA-512';
  authKey: string;
  privProtocol?: 'AES' | 'AES-256';
  privKey?: string;
}

export interface SnmpdOptions {
  communities?: string[];
  v3Users?: SnmpdV3User[];
  controlled?: boolean;
  /** More subtrees served from the state by pass_persist (setState), besides the controlled ones. */
  passSubtrees?: string[];
  /** The agent's sysObjectID (snmpd.conf `sysObjectID`), e.g. a vendor no profile claims. */
  sysObjectId?: string;
}

/** One value of the controlled state: pass_persist type name and value. */
export type PassValue =
  | ['integer' | 'gauge' | 'counter' | 'timeticks', number]
  | ['counter64', string | bigint | number]
  | ['string' | 'objectid', string];

export interface Snmpd {
  host: '127.0.0.1';
  port: number;
  dir: string;
  /** Replace the controlled OIDs (controlled mode only); takes effect on the next request. */
  setState(values: Record<string, PassValue>): void;
  /** Stop snmpd (the agent goes silent: a dead node). */
  stop(): Promise<void>;
  /** Stop and delete the temp folder. */
  destroy(): Promise<void>;
}

/**
 * A UDP port free right now on loopback, chosen below Linux's ephemeral range (32768–60999). A port
 * is reserved only later (by the collector's trap receiver), and in between the simulator binds
 * thousands of agents to ephemeral ports: picking from outside that range keeps them from taking it.
 */
export async function freeUdpPort(address = '127.0.0.1'): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const candidate = 20_000 + Math.floor(Math.random() * 12_000);
    const free = await new Promise<boolean>((resolve) => {
      const socket = createSocket('udp4');
      socket.once('error', () => resolve(false));
      socket.bind(candidate, address, () => socket.close(() => resolve(true)));
    });
    if (free) return candidate;
  }
  throw new Error('no free UDP port found in 20000–31999 after 50 tries');
}

const PASS_SCRIPT = join(dirname(fileURLToPath(import.meta.url)), 'snmpd-pass-persist.js');
const CONTROLLED_SUBTREES = ['1.3.6.1.2.1.1', '1.3.6.1.2.1.2.2', '1.3.6.1.2.1.31.1.1'];

function configText(port: number, options: SnmpdOptions, statePath: string): string {
  const lines = [`# written by test/support/snmpd.ts`, `agentaddress udp:127.0.0.1:${port}`];
  for (const community of options.communities ?? ['public']) lines.push(`rocommunity ${community} 127.0.0.1`);
  for (const u of options.v3Users ?? []) {
    const priv = u.privProtocol ? ` ${u.privProtocol} ${u.privKey ?? ''}` : '';
    lines.push(`createUser ${u.user} ${u.authProtocol} ${u.authKey}${priv}`);
    lines.push(`rouser ${u.user} ${u.privProtocol ? 'priv' : 'auth'}`);
  }
  if (options.sysObjectId) lines.push(`sysObjectID .${options.sysObjectId}`);
  const passed = [...(options.controlled ? CONTROLLED_SUBTREES : []), ...(options.passSubtrees ?? [])];
  for (const subtree of passed)
    lines.push(`pass_persist .${subtree} ${process.execPath} ${PASS_SCRIPT} ${statePath} .${subtree}`);
  return `${lines.join('\n')}\n`;
}

export async function startSnmpd(options: SnmpdOptions = {}): Promise<Snmpd> {
  const dir = mkdtempSync(join(tmpdir(), 'egov-snmpd-'));
  const statePath = join(dir, 'state.json');
  writeFileSync(statePath, '{}');
  const port = await freeUdpPort();
  const conf = join(dir, 'snmpd.conf');
  writeFileSync(conf, configText(port, options, statePath));
  const modules = options.controlled ? '-smux,system_mib,sysORTable,interfaces,ifTable,ifXTable' : '-smux';
  const child: ChildProcess = spawn(SNMPD_BIN, ['-f', '-Lo', '-C', '-c', conf, '-I', modules], {
    env: {
      ...process.env,
      SNMP_PERSISTENT_DIR: join(dir, 'persist'),
      MIBS: '',
      MIBDIRS: join(dir, 'no-mibs'),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let alive = true;
  void exited.then(() => (alive = false));

  // Ready when snmpd logs its version banner (it has bound the port by then).
  try {
    await waitUntil(
      () => `snmpd to start: ${output.slice(-500)}`,
      () => {
        if (!alive) throw new Error(`snmpd exited at start-up: ${output.slice(-500)}`);
        return output.includes('NET-SNMP version');
      },
      { timeoutMs: 20_000 },
    );
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }

  const stop = async () => {
    if (!alive) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
    await exited;
    clearTimeout(timer);
  };
  return {
    host: '127.0.0.1',
    port,
    dir,
    setState(values) {
      if (!options.controlled && !options.passSubtrees?.length)
        throw new Error('setState needs startSnmpd({ controlled: true }) or passSubtrees');
      const json: Record<string, [string, string | number]> = {};
      for (const [oid, [type, value]] of Object.entries(values))
        json[oid.replace(/^\./, '')] = [type, typeof value === 'bigint' ? value.toString() : value];
      // Atomic swap: the helper never reads a half-written file.
      writeFileSync(`${statePath}.tmp`, JSON.stringify(json));
      renameSync(`${statePath}.tmp`, statePath);
    },
    stop,
    async destroy() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

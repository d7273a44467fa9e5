/**
 * `egov-noc discover` (the built bin) against the simulated Nanyang network on its loopback
 * addresses (10.a.b.c → 127.a.b.c): all 83 nodes found, the proposal passes `inventory check` with
 * the example's parents, a diff against the example is empty and against an edited copy shows just
 * the edit; a wrong community finds nothing but counts the silence; the rate bound holds at the
 * receiving end.
 */
import { spawn } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadInventory } from '../../inventory';
import { startSimulator, type Simulator } from '../../simulator';

const BIN = resolve('bin/egov-noc.js');
const EXAMPLE = 'configs/examples/nanyang.yaml';
const CREDENTIALS = 'configs/examples/nanyang.credentials.yaml';
/** Every Nanyang address: the city centre and counties (10.41.0–13.x) and the departments (10.41.100.x). */
const RANGES = '10.41.0.0/20,10.41.100.0/24';

const loaded = loadInventory(EXAMPLE);
if (!loaded.ok) throw new Error('nanyang.yaml must load');
const example = loaded.inventory;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(args: string[]): Promise<Run> {
  return new Promise((resolveRun, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolveRun({ code, stdout, stderr }));
  });
}

async function freePortOn(address: string): Promise<number> {
  const socket = createSocket('udp4');
  await new Promise<void>((done) => socket.bind(0, address, done));
  const { port } = socket.address();
  await new Promise<void>((done) => socket.close(done));
  return port;
}

let dir: string;
let sim: Simulator;
let port: number;
const discoverArgs = (...more: string[]) => [
  'discover',
  ...['--range', RANGES, '--address-map', 'loopback', '--port', String(port), '--rate', '5000'],
  // generous: the simulator shares this test's process, and the machine is shared
  ...['--timeout', '3000', '--retries', '2'],
  ...more,
];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'egov-discover-'));
  port = await freePortOn('127.41.0.1');
  sim = await startSimulator({ topology: loaded.topology, addresses: 'loopback', port });
});
afterAll(async () => {
  await sim?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('egov-noc discover over the simulator --addresses loopback', () => {
  it('finds all 83 nodes; the proposal passes inventory check with the example parents; no diff', async () => {
    const out = join(dir, 'proposed.yaml');
    const result = await run(discoverArgs('--credentials', CREDENTIALS, '--out', out, '--diff', EXAMPLE));
    expect(result.stderr, result.stdout).toContain('83 answered');
    expect(result.stderr).toContain('83 identified, 0 refused our credentials');
    expect(result.stdout.trim()).toBe(`no differences from ${EXAMPLE}`);
    expect(result.code).toBe(0);

    const check = await run(['inventory', 'check', out]);
    expect(check.code, check.stderr + check.stdout).toBe(0);
    const proposed = loadInventory(out);
    if (!proposed.ok) throw new Error('the proposal must load');
    expect(proposed.inventory.nodes).toHaveLength(83);
    const parents = (nodes: typeof example.nodes) => Object.fromEntries(nodes.map((n) => [n.id, n.parent]));
    expect(parents(proposed.inventory.nodes)).toEqual(parents(example.nodes));
    const dx = proposed.inventory.nodes.find((n) => n.id === 'ny-dx');
    expect(dx).toMatchObject({ role: 'server', credentials: 'ny-v2c', address: '10.41.0.5' });
    const core = proposed.inventory.nodes.find((n) => n.id === 'ny-core');
    expect(core).toMatchObject({ role: 'router', vendor: 'huawei', model: 'NE40E-X8', credentials: 'ny-v3' });
    expect(readFileSync(out, 'utf8')).not.toMatch(/ny-sim-ro|ny-sim-auth|ny-sim-priv/);
    expect(result.stderr + result.stdout).not.toMatch(/ny-sim-ro|ny-sim-auth|ny-sim-priv/);

    const again = await run(discoverArgs('--credentials', CREDENTIALS, '--out', out));
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('exists: pass --write to replace it');
  });

  it('against an edited copy, the diff shows exactly the edit: a node removed, a parent changed', async () => {
    const edited = join(dir, 'edited.yaml');
    copyFileSync(CREDENTIALS, join(dir, 'nanyang.credentials.yaml'));
    const text = readFileSync(EXAMPLE, 'utf8')
      .split('\n')
      .filter((line) => !line.includes('"dept-39"') && !line.includes('dept-39:'))
      .map((line) =>
        line.includes('id: "dept-38"') ? line.replace('parent: "ny-sw"', 'parent: "ny-core"') : line,
      )
      .join('\n');
    writeFileSync(edited, text);
    const result = await run(discoverArgs('--credentials', CREDENTIALS, '--diff', edited));
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout.trim().split('\n')).toEqual([
      '+ node dept-39 10.41.100.39 (huawei AR2220 router, parent ny-sw)',
      '~ node dept-38 parent: ny-core → ny-sw',
      '+ link dept-39:GE0/0/0 — ny-sw:GigabitEthernet1/0/39',
      `1 added, 0 removed, 1 changed, links +1 -0 against ${edited}`,
    ]);
  });

  it('a wrong community finds no node: the silent addresses are counted, not errors', async () => {
    const wrong = join(dir, 'wrong.credentials.yaml');
    writeFileSync(wrong, 'guess: { version: 2c, community: public }\n', { mode: 0o600 });
    const result = await run([
      'discover',
      ...['--range', '10.41.100.0/26', '--address-map', 'loopback', '--port', String(port)],
      ...['--rate', '2000', '--credentials', wrong],
    ]);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('0 answered, 62 silent');
    expect(result.stderr).toContain('0 identified');
    expect(result.stdout).toContain('nodes:\n');
    expect(result.stdout).not.toContain('- {');
  });
});

describe('the rate bound, seen by the receiving end', () => {
  const sockets: Socket[] = [];
  const arrivalsMs: number[] = [];
  let listenPort: number;

  beforeAll(async () => {
    listenPort = await freePortOn('127.77.0.1');
    for (let host = 1; host <= 62; host++) {
      const socket = createSocket('udp4');
      socket.on('message', () => arrivalsMs.push(performance.now()));
      await new Promise<void>((done) => socket.bind(listenPort, `127.77.0.${host}`, done));
      sockets.push(socket);
    }
  });
  afterAll(async () => {
    await Promise.all(sockets.map((s) => new Promise<void>((done) => s.close(done))));
  });

  it('never sends more than the rate (plus its burst) in any second', async () => {
    const credentials = join(dir, 'one.credentials.yaml');
    writeFileSync(credentials, 'one: { version: 2c, community: probe-only }\n', { mode: 0o600 });
    const ratePerS = 40;
    const result = await run([
      'discover',
      ...['--range', '10.77.0.0/26', '--address-map', 'loopback', '--port', String(listenPort)],
      ...['--rate', String(ratePerS), '--retries', '1', '--timeout', '200', '--credentials', credentials],
    ]);
    expect(result.code, result.stderr).toBe(0);
    // 62 silent addresses, one community, one retry each: 124 datagrams, all received on loopback
    expect(arrivalsMs).toHaveLength(124);
    const burst = 2; // max(1, rate / 20)
    let busiest = 0;
    for (let i = 0; i < arrivalsMs.length; i++) {
      let j = i;
      while (j < arrivalsMs.length && (arrivalsMs[j] as number) - (arrivalsMs[i] as number) < 1000) j++;
      busiest = Math.max(busiest, j - i);
    }
    // a little slack for the test's own event loop reading datagrams in batches
    expect(busiest).toBeLessThanOrEqual(ratePerS + burst + 2);
    const spanMs = (arrivalsMs.at(-1) as number) - (arrivalsMs[0] as number);
    expect(spanMs).toBeGreaterThanOrEqual(((124 - burst) / ratePerS) * 1000 * 0.9);
  });
});

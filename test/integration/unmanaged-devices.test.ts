/**
 * Devices seen but not in the inventory (未纳管设备) on the deployed path: `egov-noc simulate` serves
 * the Nanyang example plus a switch "rogue-sw" linked to nanzhao-sw that the collector's and the
 * console's inventory lack; `egov-noc collect` (traps and syslog on) and `egov-noc serve` are joined
 * by a real NATS JetStream bus. nanzhao-sw's LLDP shows the switch; Debian's `snmptrap` sends from an
 * unknown loopback address and `logger` a syslog line from an unknown sender. GET /api/assets/unmanaged
 * lists all three (a Nanzhao operator only the LLDP one); once rogue-sw is added to the inventory and
 * the console and collector restart with it, its entry is gone and the others stay.
 */
import { execFile, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AssetsResponse, UnmanagedDevicesResponse } from '../../console/shared/index';
import {
  consoleCookie,
  freeTcpPort,
  runEgovNoc,
  startEgovNoc,
  type RunningCommand,
  writeStackConfigs,
} from '../support/egov-noc-cli';
import { startNatsServer } from '../support/nats-server';
import { freeUdpPort } from '../support/snmpd';
import { waitUntil } from '../support/wait';

const run = promisify(execFile);
const EXAMPLE = resolve('configs/examples/nanyang.yaml');
const dir = mkdtempSync(join(tmpdir(), 'egov-unmanaged-'));
const stateDir = join(dir, 'console');
const PASSWORD = 'Unmanaged-Devices-2026!';
const children: ChildProcess[] = [];
let nats: Awaited<ReturnType<typeof startNatsServer>>;
let port: number;
let trapPort: number;
let syslogPort: number;
let serve: RunningCommand;
let collect: RunningCommand;

const ROGUE_NODE =
  '  - { id: "rogue-sw", name: "rogue-sw", tier: "county", zone: "internal", role: "switch", vendor: "h3c", model: "S5130S-28S-EI", address: "10.41.3.99", credentials: "ny-v2c", parent: "nanzhao-sw", location: "南召县网络中心", ports: 8 }';
const ROGUE_LINK =
  '  - { a: "nanzhao-sw:GigabitEthernet1/0/9", b: "rogue-sw:GigabitEthernet1/0/1", capacityMbps: 1000, medium: fiber }';

/** The example with an absolute credentials path, with or without rogue-sw and its link. */
function writeInventory(path: string, withRogue: boolean): void {
  const lines = readFileSync(EXAMPLE, 'utf8')
    .replace(
      /^credentialsFile: (.*)$/m,
      (_, file: string) => `credentialsFile: ${join(dirname(EXAMPLE), file)}`,
    )
    .split('\n');
  if (withRogue) {
    lines.splice(lines.findIndex((line) => line.includes('id: "nanzhao-sw"')) + 1, 0, ROGUE_NODE);
    lines.splice(lines.indexOf('links:') + 1, 0, ROGUE_LINK);
  }
  writeFileSync(path, lines.join('\n'));
}

/** The simulator's manifest without rogue-sw, for a collector whose inventory lacks it. */
function writeManifestWithoutRogue(): void {
  const manifest = JSON.parse(readFileSync(join(dir, 'm.json'), 'utf8')) as unknown;
  const known = (list: Array<{ id: string }>) => list.filter((agent) => agent.id !== 'rogue-sw');
  const filtered = Array.isArray(manifest)
    ? known(manifest as Array<{ id: string }>)
    : { ...(manifest as object), agents: known((manifest as { agents: Array<{ id: string }> }).agents) };
  writeFileSync(join(dir, 'm-known.json'), JSON.stringify(filtered));
}

function writeConfigs(inventory: string, manifest: string): void {
  writeStackConfigs({ dir, inventory, manifest, natsUrl: nats.url, stateDir, port });
}

async function startServe(): Promise<RunningCommand> {
  const started = startEgovNoc(['serve', '--config', join(dir, 'serve.yaml')], children);
  await waitUntil(
    () => `the console to listen (stderr: ${started.out.stderr.slice(-400)})`,
    () => started.out.stdout.includes('egov-noc console on'),
    { timeoutMs: 60_000, intervalMs: 100 },
  );
  return started;
}

async function startCollect(): Promise<RunningCommand> {
  const started = startEgovNoc(
    [
      'collect',
      '--config',
      join(dir, 'collect.yaml'),
      '--trap-port',
      String(trapPort),
      '--syslog-port',
      String(syslogPort),
    ],
    children,
  );
  await waitUntil(
    () => `the collector's syslog receiver (stderr: ${started.out.stderr.slice(-400)})`,
    () => started.out.stdout.includes('syslog listening on'),
    { timeoutMs: 60_000, intervalMs: 100 },
  );
  return started;
}

async function stop(started: RunningCommand): Promise<void> {
  started.child.kill('SIGTERM');
  await started.exited;
}

const cookies = new Map<string, string>();
async function signIn(username: string): Promise<void> {
  cookies.set(username, await consoleCookie(port, username, PASSWORD));
}

async function unmanaged(user: string): Promise<UnmanagedDevicesResponse['devices']> {
  const response = await fetch(`http://127.0.0.1:${port}/api/assets/unmanaged`, {
    headers: { cookie: cookies.get(user) ?? '' },
  });
  expect(response.status).toBe(200);
  return ((await response.json()) as UnmanagedDevicesResponse).devices;
}

const sources = (devices: UnmanagedDevicesResponse['devices']) => devices.map((d) => d.source).sort();

beforeAll(async () => {
  nats = await startNatsServer(undefined, { jetstream: join(dir, 'js') });
  [port, trapPort, syslogPort] = [await freeTcpPort(), await freeUdpPort(), await freeTcpPort()];
  writeInventory(join(dir, 'with-rogue.yaml'), true);
  writeInventory(join(dir, 'inventory.yaml'), false);
  const manifest = join(dir, 'm.json');
  const sim = startEgovNoc(
    ['simulate', '--inventory', join(dir, 'with-rogue.yaml'), '--manifest', manifest],
    children,
  );
  await waitUntil('the simulator manifest', () => existsSync(manifest) && sim.out.stdout.includes('agents'), {
    timeoutMs: 60_000,
    intervalMs: 100,
  });
  writeManifestWithoutRogue();
  writeConfigs(join(dir, 'inventory.yaml'), 'm-known.json');
  writeFileSync(join(dir, 'password'), `${PASSWORD}\n`, { mode: 0o600 });
  for (const [username, scope] of [
    ['city-op', null],
    ['nz-op', 'nanzhao-gw'],
  ] as const)
    runEgovNoc([
      'user',
      'add',
      '--state',
      stateDir,
      '--username',
      username,
      '--role',
      'operator',
      ...(scope === null ? [] : ['--scope', scope, '--inventory', join(dir, 'inventory.yaml')]),
      '--password-file',
      join(dir, 'password'),
    ]);
  // The console first, so its durable consumer exists before the collector publishes.
  serve = await startServe();
  collect = await startCollect();
  await signIn('city-op');
  await signIn('nz-op');
}, 180_000);

afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  await nats?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('未纳管设备 (egov-noc simulate + collect + serve over NATS)', () => {
  it('lists an LLDP neighbour, a trap sender and a syslog sender the inventory lacks', async () => {
    await run(
      '/usr/bin/snmptrap',
      [
        '-v2c',
        '-c',
        'public',
        '--clientaddr=127.0.0.77',
        '-m',
        '',
        `127.0.0.1:${trapPort}`,
        '',
        '1.3.6.1.6.3.1.1.5.3',
      ],
      { env: { ...process.env, MIBS: '' } },
    );
    await run('logger', [
      '--rfc3164',
      '-d',
      '-n',
      '127.0.0.1',
      '-P',
      String(syslogPort),
      '-t',
      'x',
      'printer jam',
    ]);
    const devices = await waitUntil(
      'three devices seen but not in the inventory',
      async () => {
        const seen = await unmanaged('city-op');
        return seen.length === 3 ? seen : null;
      },
      { timeoutMs: 90_000, intervalMs: 500 },
    );
    expect(sources(devices)).toEqual(['lldp', 'syslog', 'trap']);
    const lldp = devices.find((d) => d.source === 'lldp');
    expect(lldp).toMatchObject({
      address: '10.41.3.99',
      name: 'rogue-sw',
      seenBy: { node: 'nanzhao-sw', nodeName: '南召县网络中心核心交换机', ifName: 'GigabitEthernet1/0/9' },
    });
    expect(lldp?.proposal).toContain('parent: "nanzhao-sw"');
    expect(lldp?.proposal).toContain(
      'a: "nanzhao-sw:GigabitEthernet1/0/9", b: "rogue-sw:GigabitEthernet1/0/1"',
    );
    expect(devices.find((d) => d.source === 'trap')).toMatchObject({
      address: '127.0.0.77',
      name: null,
      seenBy: null,
    });
    expect(devices.find((d) => d.source === 'syslog')).toMatchObject({ address: '127.0.0.1', seenBy: null });
    for (const device of devices) expect(device.lastSeenMs).toBeGreaterThanOrEqual(device.firstSeenMs);

    expect((await unmanaged('nz-op')).map((d) => d.name)).toEqual(['rogue-sw']);
  }, 120_000);

  it('drops the LLDP entry once rogue-sw is in the inventory the console restarts with', async () => {
    await stop(collect);
    await stop(serve);
    writeConfigs(join(dir, 'with-rogue.yaml'), 'm.json');
    serve = await startServe();
    collect = await startCollect();
    await signIn('city-op');
    expect(sources(await unmanaged('city-op'))).toEqual(['syslog', 'trap']);
    // The collector now polls rogue-sw as a node, and nanzhao-sw's LLDP (walked on a node's first
    // poll) names a node: it is not reported again.
    await waitUntil(
      'rogue-sw polled by the restarted collector',
      async () => {
        const response = await fetch(`http://127.0.0.1:${port}/api/assets`, {
          headers: { cookie: cookies.get('city-op') ?? '' },
        });
        const { assets } = (await response.json()) as AssetsResponse;
        return assets.find((row) => row.node === 'rogue-sw')?.firstSeenMs ?? null;
      },
      { timeoutMs: 60_000, intervalMs: 500 },
    );
    expect(sources(await unmanaged('city-op'))).toEqual(['syslog', 'trap']);
  }, 120_000);
});

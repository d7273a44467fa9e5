import { spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Discovery speed: a /16 (10.250.0.0/16, 65,534 addresses) holding 5,000 simulated agents on their
 * own loopback addresses (`simulate --addresses loopback`), swept by `egov-noc discover` (the built
 * bin, as deployed: two credential sets, one retry, identification, LLDP, proposal and diff) at the
 * configured rate. Beside it, in the same run: the floor the rate sets for the datagrams it sent, and
 * a bare sweep (one v2c GET per address from one socket at the same rate, no retry, nothing read).
 */

const RATE_PER_S = 10_000;
const SWITCHES = 50;
const NODES = 5_000;
const TARGET_S = 60;
const COMMUNITY = 'bench-ro';

interface Row {
  what: string;
  seconds: number;
  datagrams: number;
  found: number;
}

/** A core router, 50 aggregation switches and 4,949 access routers spread over the /16, linked as a tree. */
function inventoryYaml(): string {
  const nodes: string[] = [];
  const links: string[] = [];
  nodes.push(
    '  - { id: core, name: core, tier: city, zone: internal, role: router, vendor: huawei, model: NE40E-X8, address: 10.250.0.1, credentials: v3, location: centre, ports: 64 }',
  );
  const perSwitch = Math.ceil((NODES - 1 - SWITCHES) / SWITCHES);
  let placed = 1 + SWITCHES;
  for (let k = 1; k <= SWITCHES; k++) {
    const sw = `agg-${k}`;
    const ports = perSwitch + 1;
    nodes.push(
      `  - { id: ${sw}, name: ${sw}, tier: county, zone: internal, role: switch, vendor: h3c, model: S5560X-54C, address: 10.250.${k}.1, credentials: v3, parent: core, location: site-${k}, ports: ${ports} }`,
    );
    links.push(
      `  - { a: "core:GE0/0/${k}", b: "${sw}:GigabitEthernet1/0/${ports}", capacityMbps: 1000, medium: fiber }`,
    );
    for (let j = 1; j <= perSwitch && placed < NODES; j++, placed++) {
      // access routers fill the switch's /24 and the next /24s of the /16
      const host = (k - 1) * perSwitch + j;
      const address = `10.250.${100 + Math.floor(host / 250)}.${(host % 250) + 1}`;
      const id = `acc-${k}-${j}`;
      nodes.push(
        `  - { id: ${id}, name: ${id}, tier: township, zone: internal, role: router, vendor: huawei, model: AR2220, address: ${address}, credentials: v2c, parent: ${sw}, location: ${id}, ports: 2 }`,
      );
      links.push(
        `  - { a: "${sw}:GigabitEthernet1/0/${j}", b: "${id}:GE0/0/0", capacityMbps: 100, medium: fiber }`,
      );
    }
  }
  return [
    'network: { id: bench, name: bench, domain: bench.example }',
    'credentialsFile: bench.credentials.yaml',
    'nodes:',
    ...nodes,
    'links:',
    ...links,
    '',
  ].join('\n');
}

const CREDENTIALS_YAML = [
  `v2c: { version: 2c, community: ${COMMUNITY} }`,
  'v3: { version: "3", user: bench, level: authPriv, authProtocol: sha, authKey: bench-auth-key, privProtocol: aes, privKey: bench-priv-key }',
  '',
].join('\n');

async function freePortOn(address: string): Promise<number> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, address, resolve));
  const { port } = socket.address();
  await new Promise<void>((resolve) => socket.close(() => resolve()));
  return port;
}

async function startSimulator(dir: string, port: number) {
  const manifest = join(dir, 'manifest.json');
  const child = spawn(
    process.execPath,
    ['bin/egov-noc.js', 'simulate', '--inventory', join(dir, 'bench.yaml'), '--addresses', 'loopback'].concat(
      ['--port', String(port), '--manifest', manifest, '--control-file', join(dir, 'control.json')],
    ),
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-600)));
  const deadline = Date.now() + 180_000;
  while (!existsSync(manifest)) {
    if (child.exitCode !== null) throw new Error(`simulator exited with ${child.exitCode}: ${stderr}`);
    if (Date.now() > deadline) throw new Error(`simulator not ready in 180 s: ${stderr}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return async () => {
    if (child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  };
}

function runDiscover(
  dir: string,
  port: number,
): Promise<{ seconds: number; stdout: string; stderr: string; code: number | null }> {
  const started = performance.now();
  const child = spawn(
    process.execPath,
    [
      'bin/egov-noc.js',
      'discover',
      '--range',
      '10.250.0.0/16',
      '--credentials',
      join(dir, 'bench.credentials.yaml'),
    ]
      .concat(['--address-map', 'loopback', '--port', String(port), '--rate', String(RATE_PER_S)])
      .concat(['--out', join(dir, 'proposed.yaml'), '--write', '--diff', join(dir, 'bench.yaml')]),
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    process.stderr.write(chunk);
  });
  return new Promise((resolve) =>
    child.on('close', (code) =>
      resolve({ seconds: (performance.now() - started) / 1000, stdout, stderr, code }),
    ),
  );
}

/** GET sysName.0 with the bench community, request id 1: the bare sweep's one datagram. */
function bareProbe(): Buffer {
  const community = Buffer.from(COMMUNITY);
  const varbinds = Buffer.from([0x30, 0x0e, 0x30, 0x0c, 0x06, 0x08, 0x2b, 6, 1, 2, 1, 1, 5, 0, 0x05, 0x00]);
  const pdu = Buffer.concat([Buffer.from([0xa0, 9 + varbinds.length, 2, 1, 1, 2, 1, 0, 2, 1, 0]), varbinds]);
  const body = Buffer.concat([Buffer.from([2, 1, 1, 4, community.length]), community, pdu]);
  return Buffer.concat([Buffer.from([0x30, body.length]), body]);
}

/** One socket, one GET per address of 10.250.0.0/16 paced at the rate, then a second for stragglers. */
async function bareSweep(port: number): Promise<Row> {
  const socket = createSocket('udp4');
  const answered = new Set<string>();
  socket.on('message', (_msg, rinfo) => answered.add(rinfo.address));
  await new Promise<void>((resolve) => socket.bind(0, resolve));
  const probe = bareProbe();
  const started = performance.now();
  let sent = 0;
  const total = 65_534;
  while (sent < total) {
    const due = Math.min(total, Math.floor(((performance.now() - started) / 1000) * RATE_PER_S) + 1);
    for (; sent < due; sent++) {
      const host = sent + 1;
      socket.send(probe, port, `127.250.${host >> 8}.${host & 0xff}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const seconds = (performance.now() - started) / 1000;
  socket.close();
  return {
    what: 'bare sweep: 1 v2c GET an address, no retry, nothing read',
    seconds,
    datagrams: sent,
    found: answered.size,
  };
}

export async function run(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'egov-bench-discover-'));
  writeFileSync(join(dir, 'bench.yaml'), inventoryYaml());
  writeFileSync(join(dir, 'bench.credentials.yaml'), CREDENTIALS_YAML, { mode: 0o600 });
  const port = await freePortOn('127.250.0.1');
  const stopSimulator = await startSimulator(dir, port);
  try {
    const bare = await bareSweep(port);
    const discovered = await runDiscover(dir, port);
    if (discovered.code !== 0) throw new Error(`discover exited with ${discovered.code}`);
    const summary = /(\d[\d,]*) datagrams .*?; (\d+) answered.*?(\d+) identified/.exec(discovered.stderr);
    const datagrams = Number((summary?.[1] ?? '0').replace(/,/g, ''));
    const identified = Number(summary?.[3] ?? 0);
    const rows: Row[] = [
      bare,
      {
        what: 'egov-noc discover: 2 credential sets, 1 retry, identify, LLDP, proposal, diff',
        seconds: discovered.seconds,
        datagrams,
        found: identified,
      },
      {
        what: `floor: discover's datagrams at ${RATE_PER_S}/s`,
        seconds: datagrams / RATE_PER_S,
        datagrams,
        found: NaN,
      },
    ];
    console.log(
      `\n/16 = 65,534 addresses, ${NODES} agents, configured rate ${RATE_PER_S} datagrams/s (same run)\n`,
    );
    console.log('| run | time | datagrams | datagrams/s | devices found |');
    console.log('| --- | --- | --- | --- | --- |');
    for (const r of rows)
      console.log(
        `| ${r.what} | ${r.seconds.toFixed(1)} s | ${r.datagrams.toLocaleString('en')} | ${Math.round(r.datagrams / r.seconds).toLocaleString('en')} | ${Number.isNaN(r.found) ? '—' : r.found.toLocaleString('en')} |`,
      );
    const diffLine = discovered.stdout.trim().split('\n').at(-1) ?? '';
    console.log(`\ndiff against the generated inventory: ${diffLine}`);
    console.log(
      `target: a /16 with ${NODES} agents in ≤ ${TARGET_S} s: ${discovered.seconds <= TARGET_S && identified === NODES ? 'met' : 'NOT met'} (${discovered.seconds.toFixed(1)} s, ${identified} of ${NODES} identified)`,
    );
    const proposed = readFileSync(join(dir, 'proposed.yaml'), 'utf8');
    console.log(`proposal: ${proposed.split('\n').filter((l) => l.startsWith('  - { id:')).length} nodes`);
  } finally {
    await stopSimulator();
    rmSync(dir, { recursive: true, force: true });
  }
}

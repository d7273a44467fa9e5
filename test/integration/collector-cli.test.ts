/**
 * `egov-noc collect` as an operator runs it: against `egov-noc simulate`, from a --config file,
 * with a start-up summary and status lines, self-monitoring points in the store, and Ctrl-C
 * (SIGINT) flushing everything before exit 0. Bad invocations fail with a one-line reason.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openMetricsStore } from '../../metrics';
import { memoryLogger } from '../../common';
import { freeUdpPort } from '../support/snmpd';
import { waitUntil } from '../support/wait';

const BIN = resolve('bin/egov-noc.js');
const dir = mkdtempSync(join(tmpdir(), 'egov-collect-cli-'));
const children: ChildProcess[] = [];

function start(args: string[]) {
  const child = spawn(process.execPath, [BIN, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, LOG_LEVEL: 'info' },
  });
  children.push(child);
  const out = { stdout: '', stderr: '' };
  child.stdout?.on('data', (c: Buffer) => (out.stdout += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (out.stderr += c.toString()));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return { child, out, exited };
}

async function until(what: string, check: () => boolean, timeoutMs: number) {
  await waitUntil(what, check, { timeoutMs, intervalMs: 100 });
}

afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

describe('egov-noc collect', () => {
  it('polls the simulated network from a config file, reports status, and flushes on Ctrl-C', async () => {
    const trapPort = await freeUdpPort();
    const manifest = join(dir, 'm.json');
    const sim = start([
      'simulate',
      '--inventory',
      'configs/examples/nanyang.yaml',
      '--manifest',
      manifest,
      '--trap-target',
      `127.0.0.1:${trapPort}`,
      '--control-file',
      join(dir, 'control.json'),
    ]);
    await until(
      'the simulator manifest',
      () => existsSync(manifest) && sim.out.stdout.includes('agents'),
      30_000,
    );
    writeFileSync(
      join(dir, 'collect.yaml'),
      [
        `inventory: ${resolve('configs/examples/nanyang.yaml')}`,
        'store: metrics.sqlite',
        'manifest: m.json',
        'intervalS: 2',
        `trapPort: ${trapPort}`,
        'trapAddress: 127.0.0.1',
        'statusPeriodS: 2',
        '',
      ].join('\n'),
    );
    const collect = start(['collect', '--config', join(dir, 'collect.yaml')]);
    // Status lines every 2 s; on a busy machine the first ones may come before every node answered.
    // A port's rate needs two polls of it: three all-reachable lines span two more 2 s poll rounds.
    await until(
      'three status lines with every node reachable (every node polled at least twice)',
      () => (collect.out.stdout.match(/reachable=83\/83 unreachable=0 store=up/g) ?? []).length >= 3,
      60_000,
    );
    expect(collect.out.stdout).toMatch(
      /egov-noc collect: 南阳市电子政务内网 \(nanyang\) — 83 nodes \(83 at simulated agents/,
    );
    expect(collect.out.stdout).toMatch(
      /intervals 2s×83; store sqlite:.*metrics\.sqlite; traps udp\/\d+ on 127\.0\.0\.1/,
    );
    expect(collect.out.stdout).toMatch(/reachable=83\/83 unreachable=0 store=up/);

    collect.child.kill('SIGINT');
    expect(await collect.exited).toBe(0);
    expect(collect.out.stdout).toMatch(/stopped after \d+ polls, \d+ values; store pending=0 dropped=0/);
    sim.child.kill('SIGTERM');
    await sim.exited;

    // Every log line is one JSON event; no secret of the inventory appears anywhere.
    const lines = collect.out.stderr.trim().split('\n');
    for (const line of lines) expect(() => JSON.parse(line) as unknown).not.toThrow();
    for (const secret of ['ny-sim-auth-2026', 'ny-sim-priv-2026', 'ny-sim-ro']) {
      expect(collect.out.stderr).not.toContain(secret);
      expect(collect.out.stdout).not.toContain(secret);
    }

    // The manifest holds the agents' keys, the store the network's history: owner-only files.
    for (const file of ['m.json', 'metrics.sqlite', 'metrics.sqlite-wal'])
      if (existsSync(join(dir, file))) expect(statSync(join(dir, file)).mode & 0o777, file).toBe(0o600);

    const store = openMetricsStore(join(dir, 'metrics.sqlite'), { logger: memoryLogger() });
    await store.init();
    try {
      const interfaces = await store.latest('interface', { node: 'xichuan-gw' });
      expect(interfaces.some((p) => (p.fields.inBps ?? -1) >= 0 && p.tags.ifName === 'GE0/0/0')).toBe(true);
      const [self] = await store.latest('collector');
      expect(self?.fields.pollsPs).toBeGreaterThan(0);
      expect(Object.keys(self?.fields ?? {}).sort()).toEqual(
        [
          'droppedPoints',
          'pollP50Ms',
          'pollP95Ms',
          'pollP99Ms',
          'pollsPs',
          'queueLagMs',
          'spoolPoints',
          'timeoutsPs',
          'valuesPs',
        ].sort(),
      );
      const [host] = await store.latest('host');
      expect(Object.keys(host?.fields ?? {}).sort()).toEqual(['cpuPct', 'diskPct', 'memPct']);
      expect((await store.latest('node', { node: 'ny-core' }))[0]?.fields.reachable).toBe(1);
      expect((await store.latest('video')).length).toBeGreaterThan(0);
    } finally {
      await store.close();
    }
  });

  it.each([
    { args: ['collect', '--store', 'x.sqlite'], want: /collect needs --inventory FILE/ },
    { args: ['collect', '--inventory', 'configs/examples/nanyang.yaml'], want: /collect needs --store/ },
    {
      args: ['collect', '--inventory', 'configs/examples/nanyang.yaml', '--store', 'ftp://x/y'],
      want: /unknown scheme "ftp:\/\/"/,
    },
    {
      args: [
        'collect',
        '--inventory',
        'configs/examples/nanyang.yaml',
        '--store',
        'x.sqlite',
        '--interval',
        '-3',
      ],
      want: /--interval must be a positive number/,
    },
    { args: ['collect', '--config', 'no-such-file.yaml'], want: /no-such-file.yaml: file not found/ },
  ])('refuses $args with a one-line reason', ({ args, want }) => {
    const result = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', cwd: process.cwd() });
    expect(result.status).not.toBe(0);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(want);
  });

  it('refuses a manifest that belongs to another inventory', () => {
    const manifest = join(dir, 'other.json');
    writeFileSync(
      manifest,
      JSON.stringify([{ id: 'not-a-node', host: '127.0.0.1', port: 1161, community: 'x' }]),
    );
    const result = spawnSync(
      process.execPath,
      [
        BIN,
        'collect',
        '--inventory',
        'configs/examples/nanyang.yaml',
        '--store',
        join(dir, 'o.sqlite'),
        '--manifest',
        manifest,
      ],
      { encoding: 'utf8' },
    );
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/manifest names 1 node\(s\) the inventory lacks, e.g. "not-a-node"/);
    expect(readFileSync(manifest, 'utf8')).toContain('not-a-node');
  });

  it('a broken manifest or config is refused without quoting the secrets in it', () => {
    const manifest = join(dir, 'broken.json');
    writeFileSync(manifest, '[{"id": "ny-core", "community": "manifest-secret-ro" oops');
    const config = join(dir, 'broken.yaml');
    writeFileSync(config, 'inventory: x.yaml\ntrapCommunities: [config-secret-ro\n');
    const runs = [
      [
        '--inventory',
        'configs/examples/nanyang.yaml',
        '--store',
        join(dir, 'b.sqlite'),
        '--manifest',
        manifest,
      ],
      ['--config', config],
    ].map((args) => spawnSync(process.execPath, [BIN, 'collect', ...args], { encoding: 'utf8' }));
    for (const result of runs) {
      expect(result.status).not.toBe(0);
      expect(result.stderr).toMatch(/broken\.(json: not valid JSON|yaml:\d+ \(yaml\): )/);
      for (const secret of ['manifest-secret-ro', 'config-secret-ro'])
        expect(result.stderr).not.toContain(secret);
    }
  });
});

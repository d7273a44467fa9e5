/**
 * `egov-noc collect --syslog-port P --log-store sqlite:FILE`: device logs sent with `logger` arrive
 * as security events, are counted per node and category into the MetricsStore (measurement
 * `security`) and kept in the log store; the status line counts them; Ctrl-C flushes both stores.
 * Bad syslog settings fail with a one-line reason. Only loopback: the one node lives at 127.0.0.1.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { memoryLogger } from '../../common';
import { openLogStore } from '../../logs/index';
import { openMetricsStore } from '../../metrics/index';
import { freeUdpPort } from '../support/snmpd';

const run = promisify(execFile);
const BIN = resolve('bin/egov-noc.js');
const dir = mkdtempSync(join(tmpdir(), 'egov-logs-cli-'));
const children: ChildProcess[] = [];
const XICHUAN_GW =
  '{ id: "xichuan-gw", name: "淅川县政府内网路由器", tier: "county", zone: "internal", role: "router", vendor: "huawei", model: "AR6280", address: "127.0.0.1", credentials: "v2", location: "淅川县网络中心" }';
const XICHUAN_EX =
  '{ id: "xichuan-ex", name: "淅川县政务外网路由器", tier: "county", zone: "external", role: "router", vendor: "huawei", model: "AR6280", address: "127.0.0.2", credentials: "v2", location: "淅川县网络中心" }';

/** An inventory file of these nodes (YAML flow mappings), in the test's folder. */
function writeInventory(name: string, nodes: string[]): string {
  const file = join(dir, name);
  writeFileSync(
    file,
    [
      'network: { id: test, name: 测试网, domain: test.gov.cn }',
      'credentials:',
      '  v2: { version: 2c, community: test-ro }',
      'polling: { defaultIntervalS: 300 }',
      'nodes:',
      ...nodes.map((node) => `  - ${node}`),
      '',
    ].join('\n'),
  );
  return file;
}
const INVENTORY = writeInventory('inventory.yaml', [XICHUAN_GW]);

function start(args: string[]) {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  const out = { stdout: '', stderr: '' };
  child.stdout.on('data', (c: Buffer) => (out.stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (out.stderr += c.toString()));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return { child, out, exited };
}

afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

describe('egov-noc collect --syslog-port', () => {
  it('receives, counts into the MetricsStore and keeps in the log store; Ctrl-C flushes', async () => {
    const port = await freeUdpPort();
    const metricsFile = join(dir, 'metrics.sqlite');
    const logsFile = join(dir, 'logs.sqlite');
    const collect = start([
      'collect',
      '--inventory',
      INVENTORY,
      '--store',
      metricsFile,
      '--syslog-port',
      String(port),
      '--log-store',
      `sqlite:${logsFile}`,
      '--status-period',
      '1',
    ]);
    await vi.waitFor(
      () => {
        expect(collect.out.stdout).toMatch(new RegExp(`syslog udp\\+tcp/${port} on 127\\.0\\.0\\.1`));
        expect(collect.out.stdout).toContain(`syslog listening on 127.0.0.1: udp/${port} tcp/${port}\n`);
      },
      {
        timeout: 30_000,
        interval: 100,
      },
    );
    const fail =
      '%%01SSH/4/SSH_FAIL(l)[0]:Failed to login through SSH. (Ip=10.8.1.23, UserName=admin, Times=1)';
    for (let i = 0; i < 3; i++)
      await run('logger', ['--rfc3164', '-d', '-n', '127.0.0.1', '-P', String(port), '-t', 'x', fail]);
    await run('logger', [
      '--rfc5424',
      '-T',
      '-n',
      '127.0.0.1',
      '-P',
      String(port),
      '-t',
      'sshd',
      'Accepted password for netops from 10.8.1.24 port 5 ssh2',
    ]);
    await vi.waitFor(
      () =>
        expect(collect.out.stdout + collect.out.stderr).toMatch(
          // kernelDropped: the deployed collector reads UDP through the native batched receiver.
          / syslog=4 parsed=4 unknown=0 oversized=0 malformed=0 dropped=0 kernelDropped=0\b/,
        ),
      {
        timeout: 20_000,
        interval: 100,
      },
    );
    collect.child.kill('SIGINT');
    expect(await collect.exited).toBe(0);

    const metrics = openMetricsStore(metricsFile, { logger: memoryLogger() });
    await metrics.init();
    const counted = await metrics.query({
      measurement: 'security',
      field: 'count',
      where: { node: 'xichuan-gw' },
      startMs: Date.now() - 3_600_000,
      endMs: Date.now() + 60_000,
      // Every point its own bucket: each is the count of one period, the total is their sum.
      stepS: 0.001,
      aggregation: 'max',
      groupBy: ['category'],
    });
    const total = (category: string) =>
      counted
        .filter((s) => s.tags['category'] === category)
        .flatMap((s) => s.points.map(([, value]) => value))
        .reduce((a, b) => a + b, 0);
    expect(total('auth-failure')).toBe(3);
    expect(total('auth-success')).toBe(1);
    await metrics.close();

    const logs = openLogStore(`sqlite:${logsFile}`, { logger: memoryLogger() });
    await logs.init();
    const page = await logs.search({ node: 'xichuan-gw' as never, category: 'auth-failure' });
    expect(page.events).toHaveLength(3);
    expect(page.events[0]).toMatchObject({
      category: 'auth-failure',
      user: 'admin',
      messageId: 'SSH/4/SSH_FAIL',
    });
    await logs.close();
  });

  it("confined to a zone (--zone), keeps another zone's lines in the log store but does not act on them", async () => {
    const inventory = writeInventory('two-zones.yaml', [XICHUAN_GW, XICHUAN_EX]);
    const port = await freeUdpPort();
    const metricsFile = join(dir, 'zone-metrics.sqlite');
    const logsFile = join(dir, 'zone-logs.sqlite');
    const collect = start([
      'collect',
      '--inventory',
      inventory,
      '--store',
      metricsFile,
      '--zone',
      'external',
      '--syslog-port',
      String(port),
      '--log-store',
      `sqlite:${logsFile}`,
      '--status-period',
      '1',
    ]);
    await vi.waitFor(() => expect(collect.out.stdout).toContain('syslog listening on'), {
      timeout: 30_000,
      interval: 100,
    });
    // From 127.0.0.1: the internal router, outside this collector's zone.
    await run('logger', [
      '--rfc3164',
      '-d',
      '-n',
      '127.0.0.1',
      '-P',
      String(port),
      '-t',
      'x',
      '%%01SSH/4/SSH_FAIL(l)[0]:Failed to login through SSH. (Ip=10.8.1.23, UserName=admin, Times=1)',
    ]);
    await vi.waitFor(() => expect(collect.out.stdout).toMatch(/ syslog=1 parsed=1 .*outOfZone=1/), {
      timeout: 20_000,
      interval: 100,
    });
    expect(collect.out.stderr).toContain('syslog from a node of another zone');
    collect.child.kill('SIGINT');
    expect(await collect.exited).toBe(0);

    const logs = openLogStore(`sqlite:${logsFile}`, { logger: memoryLogger() });
    await logs.init();
    expect((await logs.search({ node: 'xichuan-gw' as never })).events).toHaveLength(1);
    await logs.close();
    const metrics = openMetricsStore(metricsFile, { logger: memoryLogger() });
    await metrics.init();
    expect(await metrics.latest('security')).toEqual([]);
    await metrics.close();
  });

  it.each([
    [
      ['--syslog-tls-port', '6514'],
      /--syslog-tls-port needs --syslog-tls-cert FILE and --syslog-tls-key FILE/,
    ],
    [['--syslog-port', '70000'], /--syslog-port must be a port \(0–65535\), got "70000"/],
    [['--syslog-port', '5514', '--syslog-address', 'example'], /--syslog-address must be an IPv4 address/],
    [['--log-store', 'sqlite:x.sqlite'], /--log-store keeps received syslog: it needs --syslog-port/],
    [
      ['--syslog-port', '5514', '--log-store', 'sqlite:x.sqlite', '--log-retention-days', '30'],
      /log retention of 30 days is under the legal minimum of 180 days/,
    ],
    [
      ['--syslog-port', '5514', '--log-store', 'postgres://u:secret@127.0.0.1/db'],
      /must not carry credentials/,
    ],
  ])('refuses %j with a one-line reason', async (args, reason) => {
    const bad = start(['collect', '--inventory', INVENTORY, '--store', join(dir, 'm2.sqlite'), ...args]);
    expect(await bad.exited).not.toBe(0);
    expect(bad.out.stderr).toMatch(reason);
    expect(bad.out.stderr).not.toMatch(/secret|\n {4}at /);
  });
});

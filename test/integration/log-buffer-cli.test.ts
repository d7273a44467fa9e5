/**
 * `egov-noc collect` with the log store's buffer sized by the operator: `logBufferEvents` /
 * `logBufferBytes` in collect.yaml (a size such as 1GiB), the flags winning over their keys. A burst sent with
 * util-linux `logger` over one TCP connection overflows a 5-event bound; the collector's /metrics
 * (checked by Debian's `promtool`) shows the bounds in force, the events written and every drop
 * counted, and the log store holds exactly what was written. Bad bounds fail at start with a reason.
 */
import { execFile, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { memoryLogger } from '../../common';
import { openLogStore } from '../../logs/index';
import { freeTcpPort, startEgovNoc } from '../support/egov-noc-cli';
import { writeOneNodeInventory } from '../support/one-node-inventory';
import { freeUdpPort } from '../support/snmpd';

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'egov-log-buffer-'));
const children: ChildProcess[] = [];
const INVENTORY = writeOneNodeInventory(dir);
const BURST = 200;
const BOUND = 5;

afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

/** collect.yaml in its own folder: these lines after the inventory and the metrics store. */
function writeCollectConfig(name: string, lines: string[]): string {
  const file = join(dir, name);
  writeFileSync(file, [`inventory: ${INVENTORY}`, 'store: metrics.sqlite', ...lines, ''].join('\n'));
  return file;
}

/** The value of one unlabelled series in Prometheus text, or undefined. */
function sample(text: string, name: string): number | undefined {
  const value = new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1];
  return value === undefined ? undefined : Number(value);
}

async function scrape(url: string): Promise<string> {
  return (await fetch(`${url}/metrics`)).text();
}

describe('egov-noc collect: the log store buffer bounds', () => {
  it('holds the bounds from flag and file, drops beyond them and counts every drop on /metrics', async () => {
    const syslogPort = await freeUdpPort();
    const opsPort = await freeTcpPort();
    const logsFile = join(dir, 'logs.sqlite');
    const config = writeCollectConfig('collect.yaml', [
      'syslog:',
      `  port: ${syslogPort}`,
      `logStore: sqlite:${logsFile}`,
      'logBufferEvents: 1000',
      'logBufferBytes: 1GiB',
      `opsListen: 127.0.0.1:${opsPort}`,
    ]);
    const collect = startEgovNoc(
      [
        'collect',
        '--config',
        config,
        '--log-buffer-events',
        String(BOUND),
        '--log-buffer-bytes',
        '256KiB',
        '--status-period',
        '1',
      ],
      children,
    );
    await vi.waitFor(
      () => {
        expect(collect.out.stdout).toContain('syslog listening on');
        expect(collect.out.stdout).toContain('/healthz /readyz /metrics on');
      },
      { timeout: 30_000, interval: 100 },
    );
    expect(collect.out.stdout).toContain(`; log store sqlite:${logsFile} (buffer ${BOUND} events, 256 KiB)`);
    const url = `http://127.0.0.1:${opsPort}`;
    const before = await scrape(url);
    expect(sample(before, 'egov_noc_log_store_buffer_max_events')).toBe(BOUND);
    expect(sample(before, 'egov_noc_log_store_buffer_max_bytes')).toBe(262_144);
    expect(sample(before, 'egov_noc_log_store_dropped_events_total')).toBe(0);

    // One TCP connection, every line of the file its own message: the burst lands between two flushes.
    const lines = join(dir, 'burst.txt');
    writeFileSync(
      lines,
      Array.from({ length: BURST }, (_, i) => `Failed password for admin from 10.8.1.${i % 250} port 22 ssh2`)
        .join('\n')
        .concat('\n'),
    );
    await run('logger', ['--tcp', '-n', '127.0.0.1', '-P', String(syslogPort), '-t', 'sshd', '-f', lines]);

    const settled = async () => {
      const text = await scrape(url);
      const written = sample(text, 'egov_noc_log_store_written_events_total') ?? 0;
      const dropped = sample(text, 'egov_noc_log_store_dropped_events_total') ?? 0;
      return { accounted: written + dropped, waiting: sample(text, 'egov_noc_log_store_buffered_events') };
    };
    await expect.poll(settled, { timeout: 20_000, interval: 200 }).toEqual({ accounted: BURST, waiting: 0 });
    const after = await scrape(url);
    const written = sample(after, 'egov_noc_log_store_written_events_total') ?? 0;
    const dropped = sample(after, 'egov_noc_log_store_dropped_events_total') ?? 0;
    expect(written).toBeGreaterThanOrEqual(BOUND);
    expect(dropped).toBeGreaterThan(0);
    expect(sample(after, 'egov_noc_log_store_backend_up')).toBe(1);
    expect(sample(after, 'egov_noc_log_store_buffered_bytes')).toBeLessThanOrEqual(262_144);
    expect(after).toMatch(/^# TYPE egov_noc_log_store_dropped_events_total counter$/m);
    const promtool = spawnSync('promtool', ['check', 'metrics'], { input: after, encoding: 'utf8' });
    expect(`${promtool.stdout}${promtool.stderr}`).not.toMatch(/error/i);
    expect(promtool.status).toBe(0);
    await vi.waitFor(() => expect(collect.out.stdout).toContain(`logstore pending=0 dropped=${dropped}`), {
      timeout: 10_000,
      interval: 100,
    });
    expect(collect.out.stderr).toContain('log store buffer full: events dropped');

    collect.child.kill('SIGINT');
    expect(await collect.exited).toBe(0);
    const logs = openLogStore(`sqlite:${logsFile}`, { logger: memoryLogger() });
    await logs.init();
    expect((await logs.search({ limit: 1000 })).events).toHaveLength(written);
    await logs.close();
  });

  it.each([
    [
      ['--log-buffer-bytes', '1000'],
      /--log-buffer-bytes must be a size such as 64MiB, 512KiB or 33554432 \(bytes\), at least 256 KiB \(the log store's minimum\), got "1000"/,
    ],
    [['--log-buffer-bytes', '64MB'], /--log-buffer-bytes must be a size such as 64MiB/],
    [
      ['--log-buffer-events', '0'],
      /--log-buffer-events must be a whole number of events, at least 1, got "0"/,
    ],
    [['--log-buffer-events', '2.5'], /--log-buffer-events must be a whole number of events/],
    [
      ['--syslog-port', '5514', '--log-buffer-events', '5'],
      /--log-buffer-events \(logBufferEvents: in collect\.yaml\) is a setting of the log store: it needs --log-store/,
    ],
    [
      ['--log-buffer-bytes', '1048576'],
      /--log-buffer-bytes \(logBufferBytes: in collect\.yaml\) is a setting of the log store: it needs --log-store/,
    ],
    [
      ['--log-retention-days', '365'],
      /--log-retention-days \(logRetentionDays: in collect\.yaml\) is a setting of the log store: it needs --log-store/,
    ],
  ])('refuses %j with a one-line reason', async (args, reason) => {
    const bad = startEgovNoc(
      ['collect', '--inventory', INVENTORY, '--store', join(dir, 'refused.sqlite'), ...args],
      children,
    );
    expect(await bad.exited).not.toBe(0);
    expect(bad.out.stderr).toMatch(reason);
    expect(bad.out.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('refuses a byte bound under the minimum in collect.yaml as file:line field: message, exit 2', async () => {
    const config = writeCollectConfig('small.yaml', [
      'syslog:',
      '  port: 5514',
      'logStore: sqlite:small-logs.sqlite',
      'logBufferBytes: 1000',
    ]);
    const bad = startEgovNoc(['collect', '--config', config], children);
    expect(await bad.exited).toBe(2);
    expect(bad.out.stderr).toContain(
      `${config}:6 logBufferBytes: a size such as 128MiB, 512KiB or 134217728 (bytes), at least 256 KiB (the log store's minimum)\n`,
    );
  });

  it('refuses a bound in collect.yaml without a log store, naming what to add', async () => {
    const config = writeCollectConfig('no-store.yaml', ['logBufferEvents: 500']);
    const bad = startEgovNoc(['collect', '--config', config], children);
    expect(await bad.exited).toBe(1);
    expect(bad.out.stderr).toMatch(
      /--log-buffer-events \(logBufferEvents: in collect\.yaml\) is a setting of the log store: it needs --log-store sqlite:PATH or postgres:\/\/HOST:PORT\/DB \(logStore: in collect\.yaml\)/,
    );
  });
});

/**
 * Debian's rsyslogd as the benchmark's baseline: imudp on a loopback port → omfile, in a temp
 * folder, in the foreground (`-n`), stopped by the benchmark. Only the modules named here are loaded;
 * its receive buffer is 4 MiB, what the kernel grants our UDP listener here (net.core.rmem_max).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './influxd';

export const RSYSLOGD_BIN = process.env.RSYSLOGD_BIN ?? '/usr/sbin/rsyslogd';
const READY_TIMEOUT_MS = 15_000;

export interface Rsyslogd {
  pid: number;
  port: number;
  /** Lines written to the output file so far. */
  linesWritten(): number;
  stop(): Promise<void>;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function configText(dir: string, port: number): string {
  return `# written by bench/support/rsyslogd.ts
global(workDirectory="${dir}")
module(load="imudp")
input(type="imudp" address="127.0.0.1" port="${port}" rcvbufSize="4m")
*.* action(type="omfile" file="${join(dir, 'messages.log')}")
`;
}

function countLines(path: string): number {
  if (!existsSync(path)) return 0;
  const content = readFileSync(path);
  let lines = 0;
  for (let i = content.indexOf(10); i !== -1; i = content.indexOf(10, i + 1)) lines++;
  return lines;
}

/** Probe datagrams until one is written: rsyslogd is then listening and writing. */
async function waitUntilWriting(
  port: number,
  linesWritten: () => number,
  child: ChildProcess,
): Promise<void> {
  const probe = createSocket('udp4');
  try {
    const deadline = Date.now() + READY_TIMEOUT_MS;
    while (linesWritten() === 0) {
      if (child.exitCode !== null) throw new Error(`rsyslogd exited (${child.exitCode}) at start`);
      if (Date.now() > deadline) throw new Error(`rsyslogd wrote nothing within ${READY_TIMEOUT_MS} ms`);
      probe.send('<13>bench-probe', port, '127.0.0.1');
      await sleep(100);
    }
  } finally {
    probe.close();
  }
}

/** Another process on this shared machine may take the free port first: then try another. */
const START_ATTEMPTS = 3;

export async function startRsyslogd(): Promise<Rsyslogd> {
  if (!existsSync(RSYSLOGD_BIN)) throw new Error(`${RSYSLOGD_BIN} is missing (apt-get install rsyslog)`);
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce();
    } catch (error) {
      if (attempt >= START_ATTEMPTS) throw error;
    }
  }
}

async function startOnce(): Promise<Rsyslogd> {
  const dir = mkdtempSync(join(tmpdir(), 'egov-bench-rsyslog-'));
  const port = await freePort();
  const conf = join(dir, 'rsyslog.conf');
  writeFileSync(conf, configText(dir, port));
  const child = spawn(RSYSLOGD_BIN, ['-n', '-f', conf, '-i', join(dir, 'rsyslogd.pid')], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const output = join(dir, 'messages.log');
  const linesWritten = () => countLines(output);
  const stop = async () => {
    if (child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await Promise.race([exited, sleep(5_000)]);
      if (child.exitCode === null) child.kill('SIGKILL');
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitUntilWriting(port, linesWritten, child);
  } catch (error) {
    await stop();
    throw error;
  }
  return { pid: child.pid as number, port, linesWritten, stop };
}

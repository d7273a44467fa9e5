/**
 * `egov-noc` as the deployed path runs it, for integration tests: each command a child process
 * (stdout and stderr collected, killed at the end), one-shot commands that must succeed, a free TCP
 * port on loopback, and a console session cookie.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';

const BIN = resolve('bin/egov-noc.js');

export interface RunningCommand {
  child: ChildProcess;
  out: { stdout: string; stderr: string };
  exited: Promise<number | null>;
}

/**
 * Starts `egov-noc ARGS` (JetStream required, warnings only, `env` added); `children` collects it
 * for cleanup.
 */
export function startEgovNoc(
  args: string[],
  children: ChildProcess[],
  env: Record<string, string> = {},
): RunningCommand {
  const child = spawn(process.execPath, [BIN, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, LOG_LEVEL: 'warn', EGOV_NOC_JETSTREAM: 'on', ...env },
  });
  children.push(child);
  const out = { stdout: '', stderr: '' };
  child.stdout?.on('data', (c: Buffer) => (out.stdout += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (out.stderr += c.toString()));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return { child, out, exited };
}

/** Runs a one-shot `egov-noc ARGS` and returns its stdout; a failure throws with its stderr. */
export function runEgovNoc(args: string[]): string {
  const result = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`egov-noc ${args.join(' ')}: ${result.stderr}`);
  return result.stdout;
}

export async function freeTcpPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const address = server.address();
  await new Promise<void>((r) => server.close(() => r()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/** Signs in to the console on loopback `port`; the session cookie, or a thrown error naming the status. */
export async function consoleCookie(port: number, username: string, password: string): Promise<string> {
  const response = await fetch(`http://127.0.0.1:${port}/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  const cookie = response.headers.get('set-cookie')?.split(';')[0];
  if (response.status !== 200 || !cookie) throw new Error(`sign-in ${username}: HTTP ${response.status}`);
  return cookie;
}

/** Where a collect + serve pair runs: its folder, inventory, simulator manifest, bus and console port. */
export interface StackConfig {
  dir: string;
  inventory: string;
  /** The simulator's manifest, relative to `dir` or absolute. */
  manifest: string;
  natsUrl: string;
  stateDir: string;
  port: number;
}

/** Writes `dir/collect.yaml` (embedded store, 2 s polls) and `dir/serve.yaml` for one collect + serve pair. */
export function writeStackConfigs(config: StackConfig): void {
  const { dir, inventory, manifest, natsUrl, stateDir, port } = config;
  const lines = (entries: string[]) => [...entries, ''].join('\n');
  writeFileSync(
    join(dir, 'collect.yaml'),
    lines([
      `inventory: ${inventory}`,
      'store: metrics.sqlite',
      `manifest: ${manifest}`,
      'intervalS: 2',
      `bus: ${natsUrl}`,
    ]),
  );
  writeFileSync(
    join(dir, 'serve.yaml'),
    lines([
      `inventory: ${inventory}`,
      `stateDir: ${stateDir}`,
      'host: 127.0.0.1',
      `port: ${port}`,
      `metrics: sqlite:${join(dir, 'metrics.sqlite')}`,
      `bus: ${natsUrl}`,
    ]),
  );
}

/**
 * Start Debian's InfluxDB 1.x (`/usr/bin/influxd`) for a test or a benchmark: loopback-only, on free
 * ports, with its data in a temp folder and every background reporter switched off.
 *
 *   const influx = await startInfluxd();
 *   // influx.url === 'http://127.0.0.1:PORT'
 *   await influx.stop();     // the outage: the process is gone, the data stays
 *   await influx.restart();  // same ports, same data
 *   await influx.destroy();  // stop and delete the temp folder
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Influxd {
  /** HTTP base URL, e.g. http://127.0.0.1:40123 */
  url: string;
  /** HTTP port. */
  port: number;
  /** Temp folder holding config, meta, data and wal (and influxd.log). */
  dir: string;
  /** Stop the server (SIGTERM, or SIGKILL with `{ kill: true }`); data stays for restart(). */
  stop(opts?: { kill?: boolean }): Promise<void>;
  /** Start it again on the same ports and data; resolves once /ping answers. */
  restart(): Promise<void>;
  /** Stop and remove the temp folder. */
  destroy(): Promise<void>;
  /** The running server's process id (null while stopped): benchmarks read its CPU time. */
  pid(): number | null;
}

export const INFLUXD_BIN = process.env.INFLUXD_BIN ?? '/usr/bin/influxd';

/** A loopback TCP port that was free a moment ago. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      if (address === null || typeof address === 'string') {
        server.close();
        reject(new Error('freePort: no TCP address from listen(0)'));
        return;
      }
      const { port } = address;
      server.close(() => resolve(port));
    });
  });
}

function configText(dir: string, httpPort: number, rpcPort: number): string {
  return `# written by test/support/influxd.ts
reporting-enabled = false
bind-address = "127.0.0.1:${rpcPort}"

[meta]
  dir = "${join(dir, 'meta')}"
  logging-enabled = false

[data]
  dir = "${join(dir, 'data')}"
  wal-dir = "${join(dir, 'wal')}"
  query-log-enabled = false
  trace-logging-enabled = false

[monitor]
  store-enabled = false

[http]
  enabled = true
  bind-address = "127.0.0.1:${httpPort}"
  log-enabled = false
  write-tracing = false

[logging]
  level = "warn"
  suppress-logo = true

[continuous_queries]
  log-enabled = false
  run-interval = "1s"

[subscriber]
  enabled = false
`;
}

async function waitForPing(
  url: string,
  child: ChildProcess,
  logPath: string,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(
        `influxd exited (${child.exitCode ?? child.signalCode}) before answering /ping; see ${logPath}`,
      );
    }
    try {
      const res = await fetch(`${url}/ping`, { signal: AbortSignal.timeout(500) });
      if (res.status === 204) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`influxd did not answer ${url}/ping within ${timeoutMs} ms; see ${logPath}`);
}

/**
 * Start influxd on free loopback ports with a fresh temp data folder (under `baseDir`, default the
 * OS temp dir; benchmarks pass /dev/shm to take disk noise out of the numbers), or in `keptDir`
 * (made 0700 if missing, its data reused and never deleted: a benchmark's cached load).
 */
export async function startInfluxd(
  opts: { startTimeoutMs?: number; baseDir?: string; keptDir?: string } = {},
): Promise<Influxd> {
  if (!existsSync(INFLUXD_BIN)) {
    throw new Error(`${INFLUXD_BIN} not found: install Debian's influxdb package (apt-get install influxdb)`);
  }
  const startTimeoutMs = opts.startTimeoutMs ?? 20_000;
  const dir = opts.keptDir ?? mkdtempSync(join(opts.baseDir ?? tmpdir(), 'egov-influxd-'));
  if (opts.keptDir !== undefined) mkdirSync(dir, { recursive: true, mode: 0o700 });
  const port = await freePort();
  let rpcPort = await freePort();
  while (rpcPort === port) rpcPort = await freePort();
  const configPath = join(dir, 'influxdb.conf');
  const logPath = join(dir, 'influxd.log');
  writeFileSync(configPath, configText(dir, port, rpcPort));
  const url = `http://127.0.0.1:${port}`;

  let child: ChildProcess | null = null;
  const killOnExit = (): void => {
    child?.kill('SIGKILL');
  };
  process.once('exit', killOnExit);

  const launch = async (): Promise<void> => {
    const { openSync, closeSync } = await import('node:fs');
    const logFd = openSync(logPath, 'a');
    const proc = spawn(INFLUXD_BIN, ['run', '-config', configPath], {
      stdio: ['ignore', logFd, logFd],
      env: { ...process.env, INFLUXDB_DATA_QUERY_LOG_ENABLED: 'false' },
    });
    closeSync(logFd);
    child = proc;
    await waitForPing(url, proc, logPath, startTimeoutMs);
  };

  const stop = async (stopOpts: { kill?: boolean } = {}): Promise<void> => {
    const proc = child;
    if (proc === null || proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
    proc.kill(stopOpts.kill === true ? 'SIGKILL' : 'SIGTERM');
    const timer = setTimeout(() => proc.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
    child = null;
  };

  await launch();
  return {
    url,
    port,
    dir,
    stop,
    restart: async () => {
      await stop();
      await launch();
    },
    pid: () => child?.pid ?? null,
    destroy: async () => {
      await stop();
      process.removeListener('exit', killOnExit);
      if (opts.keptDir === undefined) rmSync(dir, { recursive: true, force: true });
    },
  };
}

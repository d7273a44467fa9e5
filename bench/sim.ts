import { fork, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createSocket } from 'node:dgram';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AgentsReport } from './sim-agents';
import type { LoadReport, LoadRequest } from './sim-load';
import { compiledEntry } from './support/compiled-entry';

/**
 * Simulator speed: a generated province (~5,000 nodes, 48 interfaces each) in one process — start
 * time, memory, and GETBULK varbinds/s served to concurrent `snmpbulkwalk` processes — beside
 * Debian's snmpd answering walks of its own mib-2 under the same load in the same run.
 */

const CONCURRENCY = 6;
const DURATION_MS = 8_000;
const POLLER_DURATION_MS = 6_000;
const POLLER_INFLIGHT = 16;
const WALK_ROOT = '.1.3.6.1.2.1';
const TARGETS = { startS: 10, rssMb: 1024, ratio: 1.5 };

async function freeUdpPort(): Promise<number> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
  const { port } = socket.address();
  await new Promise<void>((resolve) => socket.close(() => resolve()));
  return port;
}

/** One snmpbulkwalk; resolves to the number of varbinds printed (one per line with -On -Oq). */
function walk(port: number, community: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      'snmpbulkwalk',
      [
        '-v2c',
        '-c',
        community,
        '-Cr50',
        '-On',
        '-Oq',
        '-m',
        '',
        '-t',
        '5',
        '-r',
        '1',
        `127.0.0.1:${port}`,
        WALK_ROOT,
      ],
      {
        env: { ...process.env, MIBS: '' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let lines = 0;
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      for (const byte of chunk) if (byte === 10) lines++;
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', (error) => reject(new Error(`snmpbulkwalk: ${error.message} (apt-get install snmp)`)));
    child.on('close', (code) =>
      code === 0 ? resolve(lines) : reject(new Error(`snmpbulkwalk exited ${code}: ${stderr.trim()}`)),
    );
  });
}

/** Walks from CONCURRENCY parallel loops for DURATION_MS; returns varbinds/s. */
async function load(
  ports: number[],
  community: string,
): Promise<{ varbinds: number; walks: number; perSecond: number }> {
  const deadline = Date.now() + DURATION_MS;
  const started = Date.now();
  let varbinds = 0;
  let walks = 0;
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (Date.now() < deadline) {
        const port = ports[next++ % ports.length] as number;
        const count = await walk(port, community);
        varbinds += count;
        walks++;
      }
    }),
  );
  const elapsedS = (Date.now() - started) / 1000;
  return { varbinds, walks, perSecond: varbinds / elapsedS };
}

async function startSnmpd(port: number): Promise<{ child: ChildProcess; dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'egov-noc-bench-snmpd-'));
  const conf = join(dir, 'snmpd.conf');
  writeFileSync(conf, 'rocommunity public 127.0.0.1\n');
  const child = spawn(
    '/usr/sbin/snmpd',
    ['-f', '-Lo', '-C', '-c', conf, '-I', '-smux', `udp:127.0.0.1:${port}`],
    {
      env: { ...process.env, SNMP_PERSISTENT_DIR: dir, MIBS: '' },
      // -Lo logs every request to stdout: discard it so the pipe never blocks snmpd
      stdio: 'ignore',
    },
  );
  child.on('error', (error) => {
    throw new Error(`snmpd: ${error.message} (apt-get install snmpd)`);
  });
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      if ((await walk(port, 'public')) > 0) return { child, dir };
    } catch {
      // not answering yet
    }
    if (Date.now() > deadline || child.exitCode !== null) {
      child.kill('SIGKILL');
      throw new Error(`snmpd did not answer on 127.0.0.1:${port} within 10 s`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** GETBULK walks from a poller-like child process (sim-load.ts, compiled to dist/bench-sim-load.js): no process start per walk. */
function pollerLoad(ports: number[], community: string): Promise<LoadReport> {
  const child = fork(compiledEntry('bench-sim-load'), [], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const request: LoadRequest = {
    ports,
    community,
    durationMs: POLLER_DURATION_MS,
    inflight: POLLER_INFLIGHT,
  };
  return new Promise((resolve, reject) => {
    child.on('message', (message: { type: string; report?: LoadReport }) => {
      if (message.type === 'loaded' && message.report) resolve(message.report);
    });
    child.on('exit', (code) => {
      if (code !== 0) reject(new Error(`load generator exited with code ${String(code)}`));
    });
    child.send({ type: 'load', request });
  });
}

/** Starts the simulated province in a child process (sim-agents.ts, compiled to dist/bench-sim-agents.js) and waits for its report. */
async function startAgents(): Promise<{ child: ChildProcess; report: AgentsReport }> {
  const child = fork(compiledEntry('bench-sim-agents'), [], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const report = await new Promise<AgentsReport>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('simulator child did not start within 120 s')), 120_000);
    child.on('message', (message: { type: string; report?: AgentsReport }) => {
      if (message.type === 'ready' && message.report) {
        clearTimeout(timer);
        resolve(message.report);
      }
    });
    child.on('exit', (code) =>
      reject(new Error(`simulator child exited with code ${String(code)} before it was ready`)),
    );
  });
  return { child, report };
}

/** Asks the simulator child for its RSS (MB) or its CPU time so far (s). */
function ask(child: ChildProcess, type: 'rss' | 'cpu'): Promise<number> {
  return new Promise((resolve) => {
    const onMessage = (message: { type: string; rssMb?: number; cpuS?: number }) => {
      if (message.type === type) {
        child.off('message', onMessage);
        resolve((type === 'rss' ? message.rssMb : message.cpuS) ?? 0);
      }
    };
    child.on('message', onMessage);
    child.send({ type });
  });
}

/** CPU seconds a process has used (user + system), from /proc. */
function procCpuS(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  const ticks = Number(fields[11]) + Number(fields[12]);
  return ticks / 100;
}

export async function run(): Promise<void> {
  const { child, report } = await startAgents();
  let simResult: Awaited<ReturnType<typeof load>>;
  let snmpdResult: Awaited<ReturnType<typeof load>>;
  let rssUnderLoad = 0;
  let simCpuS = 0;
  let snmpdCpuS = 0;
  let simPoller: LoadReport;
  let snmpdPoller: LoadReport;
  let simPollerCpuS = 0;
  let snmpdPollerCpuS = 0;
  try {
    // walk a spread of agents (each walk builds and touches that device's view)
    const ports = report.ports.filter((_, i) => i % 7 === 0);
    const cpuBefore = await ask(child, 'cpu');
    simResult = await load(ports, report.community);
    simCpuS = (await ask(child, 'cpu')) - cpuBefore;
    const pollerCpuBefore = await ask(child, 'cpu');
    simPoller = await pollerLoad(ports, report.community);
    simPollerCpuS = (await ask(child, 'cpu')) - pollerCpuBefore;
    rssUnderLoad = await ask(child, 'rss');
  } finally {
    child.send({ type: 'stop' });
  }

  const snmpdPort = await freeUdpPort();
  const snmpd = await startSnmpd(snmpdPort);
  try {
    const pid = snmpd.child.pid ?? 0;
    const cpuBefore = procCpuS(pid);
    snmpdResult = await load([snmpdPort], 'public');
    snmpdCpuS = procCpuS(pid) - cpuBefore;
    const pollerCpuBefore = procCpuS(pid);
    snmpdPoller = await pollerLoad([snmpdPort], 'public');
    snmpdPollerCpuS = procCpuS(pid) - pollerCpuBefore;
  } finally {
    const exited = new Promise((resolve) => snmpd.child.once('exit', resolve));
    snmpd.child.kill('SIGTERM');
    await exited;
    rmSync(snmpd.dir, { recursive: true, force: true });
  }

  // With snmpbulkwalk processes the clients are the limit (a simulated device's mib-2 is 1,232
  // varbinds per process start, snmpd's ~7,000), so the table also shows agent capacity (varbinds
  // per CPU-second of the agent) and a poller-like load that keeps the agent itself busy.
  const simCapacity = simResult.varbinds / simCpuS;
  const snmpdCapacity = snmpdResult.varbinds / snmpdCpuS;
  const wallRatio = simResult.perSecond / snmpdResult.perSecond;
  const simPollerRate = simPoller.varbinds / simPoller.elapsedS;
  const snmpdPollerRate = snmpdPoller.varbinds / snmpdPoller.elapsedS;
  const pollerRatio = simPollerRate / snmpdPollerRate;
  const k = (n: number) => `${Math.round(n / 1000)}k`;
  const cpu = (cpuS: number, seconds: number) => `agent CPU ${Math.round((100 * cpuS) / seconds)} %`;
  const ok = (good: boolean) => (good ? 'ok' : 'MISSED');
  const rows: [string, string, string][] = [
    ['simulated nodes', `${report.nodes} (${report.interfaces} interfaces), one process`, ''],
    [
      'start time',
      `${report.startS.toFixed(2)} s`,
      `< ${TARGETS.startS} s ${ok(report.startS < TARGETS.startS)}`,
    ],
    [
      'RSS after start / under load',
      `${report.rssAfterStartMb} MB / ${rssUnderLoad} MB (inventory alone: ${report.rssBeforeMb} MB)`,
      `< ${TARGETS.rssMb} MB ${ok(Math.max(report.rssAfterStartMb, rssUnderLoad) < TARGETS.rssMb)}`,
    ],
    [
      `snmpbulkwalk x${CONCURRENCY}: simulator`,
      `${k(simResult.perSecond)} varbinds/s (${simResult.walks} walks, ${cpu(simCpuS, DURATION_MS / 1000)})`,
      '',
    ],
    [
      `snmpbulkwalk x${CONCURRENCY}: snmpd`,
      `${k(snmpdResult.perSecond)} varbinds/s (${snmpdResult.walks} walks, ${cpu(snmpdCpuS, DURATION_MS / 1000)})`,
      `wall ratio ${wallRatio.toFixed(2)}x`,
    ],
    [
      'agent capacity (varbinds/CPU-s)',
      `simulator ${k(simCapacity)}, snmpd ${k(snmpdCapacity)}`,
      `ratio ${(simCapacity / snmpdCapacity).toFixed(2)}x`,
    ],
    [
      `poller, ${POLLER_INFLIGHT} walks in flight: simulator`,
      `${k(simPollerRate)} varbinds/s (${simPoller.walks} walks, ${simPoller.timeouts} timeouts, ${cpu(simPollerCpuS, simPoller.elapsedS)})`,
      '',
    ],
    [
      `poller, ${POLLER_INFLIGHT} walks in flight: snmpd`,
      `${k(snmpdPollerRate)} varbinds/s (${snmpdPoller.walks} walks, ${snmpdPoller.timeouts} timeouts, ${cpu(snmpdPollerCpuS, snmpdPoller.elapsedS)})`,
      'baseline, same run',
    ],
    [
      'ratio simulator / snmpd (poller)',
      `${pollerRatio.toFixed(2)}x`,
      `>= ${TARGETS.ratio}x ${ok(pollerRatio >= TARGETS.ratio)}`,
    ],
  ];
  console.log(
    `load: ${CONCURRENCY} concurrent snmpbulkwalk -v2c -Cr50 of ${WALK_ROOT}, ${DURATION_MS / 1000} s each side`,
  );
  const w0 = Math.max(...rows.map((r) => r[0].length));
  const w1 = Math.max(...rows.map((r) => r[1].length));
  for (const [name, value, target] of rows) console.log(`${name.padEnd(w0)}  ${value.padEnd(w1)}  ${target}`);
}

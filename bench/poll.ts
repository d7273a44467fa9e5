/**
 * Collector throughput (SNMP poll → normalize → store), against the generated province
 * (~5,000 nodes) served by the simulator in a process of its own (`egov-noc simulate`):
 *   - values stored per second (NVPS), collector CPU-seconds per million values, poll-cycle time;
 *   - baseline in the same run: Debian's prometheus-snmp-exporter 0.21 scraping the same agents'
 *     IF-MIB (hand-written module config: its generator needs MIB files that are not here), its CPU
 *     (from /proc) per million values it returns.
 * Targets: ≥ 100,000 values/s per core, ≥ 3× the exporter's efficiency (CPU per value), and device
 * profiles (CPU, memory, hardware) within 10 % of IF-MIB alone in CPU per stored value (same run).
 * The collectors without and with profiles poll in alternate cycles (each with its own sessions), so a
 * shared machine's changing load weighs on both alike. BENCH_POLL_CYCLES=11 measures ten polls a
 * node, one of them the every-10-polls ENTITY-MIB and interface-name refresh.
 * InfluxDB write throughput is the metrics bench's (`npm run bench -- metrics`).
 *   BENCH_POLL_CYCLES (default 3, the first warms up: no rates yet), BENCH_POLL_CONCURRENCY (64),
 *   BENCH_POLL_EXPORTER_TARGETS (600), BENCH_POLL_STORES ("influx,embedded": the collector alone is
 *   always measured; InfluxDB is Debian's influxd started here, its own CPU not counted — it is the
 *   database's; SQLite runs inside the collector process, so its CPU is counted).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { InProcessBus } from '../bus';
import { startCollector } from '../collector';
import { loadInventoryText, type Topology } from '../inventory';
import { asNodeId, type AgentEndpoint, type Inventory } from '../domain';
import { generateInventoryYaml } from '../inventory/generate';
import { openMetricsStore } from '../metrics';
import { memoryLogger } from '../common';
import type { MetricsStore } from '../metrics/types';
import { startInfluxd, type Influxd } from './support/influxd';

const CYCLES = Number(process.env.BENCH_POLL_CYCLES ?? 3);
const CONCURRENCY = Number(process.env.BENCH_POLL_CONCURRENCY ?? 64);
const EXPORTER_TARGETS = Number(process.env.BENCH_POLL_EXPORTER_TARGETS ?? 600);
const EXPORTER_CONCURRENCY = 8;
/** Stores measured end to end besides the collector alone: "influx,embedded" (default), or a subset. */
const STORES = (process.env.BENCH_POLL_STORES ?? 'influx,embedded').split(',').map((s) => s.trim());
const TARGETS = { valuesPerCoreS: 100_000, ratio: 3, profileCostPct: 10 };
const EXPORTER_BIN = '/usr/bin/prometheus-snmp-exporter';
const CLK_TCK = 100;

const cpuS = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

/** utime + stime of a process, in seconds (Linux /proc). */
function procCpuS(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
}

async function freeTcpPort(): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function waitFor(
  what: string,
  check: () => boolean,
  timeoutMs: number,
  child?: ChildProcess,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (child && child.exitCode !== null) throw new Error(`${what}: process exited with ${child.exitCode}`);
    if (Date.now() > deadline) throw new Error(`${what}: not ready within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The simulated province in its own process, as `egov-noc simulate` runs it. */
async function startSimulatorProcess(dir: string, inventoryFile: string) {
  const manifestFile = join(dir, 'manifest.json');
  const child = spawn(
    process.execPath,
    ['bin/egov-noc.js', 'simulate', '--inventory', inventoryFile, '--manifest', manifestFile],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
  await waitFor(
    `simulator (${stderr.slice(-200)})`,
    () => {
      if (!existsSync(manifestFile)) return false;
      try {
        JSON.parse(readFileSync(manifestFile, 'utf8'));
        return true;
      } catch {
        return false;
      }
    },
    120_000,
    child,
  );
  const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as AgentEndpoint[];
  return {
    manifest,
    stop: async () => {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    },
  };
}

/** prometheus-snmp-exporter 0.21 module (old format: version and auth inside the module). */
export function exporterConfig(community: string): string {
  const metric = (name: string, oid: string, type: string) => `      - name: ${name}
        oid: ${oid}
        type: ${type}
        help: ${name}
        indexes:
          - labelname: ifIndex
            type: gauge
        lookups:
          - labels: [ifIndex]
            labelname: ifName
            oid: 1.3.6.1.2.1.31.1.1.1.1
            type: DisplayString
`;
  return `# written by bench/poll.ts: IF-MIB by hand (the generator needs MIB files that are not available offline)
if_mib:
  version: 2
  auth:
    community: ${community}
  max_repetitions: 50
  retries: 1
  timeout: 5s
  walk:
    - 1.3.6.1.2.1.2.2.1.8
    - 1.3.6.1.2.1.2.2.1.13
    - 1.3.6.1.2.1.2.2.1.14
    - 1.3.6.1.2.1.2.2.1.19
    - 1.3.6.1.2.1.2.2.1.20
    - 1.3.6.1.2.1.31.1.1.1.1
    - 1.3.6.1.2.1.31.1.1.1.6
    - 1.3.6.1.2.1.31.1.1.1.10
    - 1.3.6.1.2.1.31.1.1.1.15
  metrics:
${[
  metric('ifOperStatus', '1.3.6.1.2.1.2.2.1.8', 'gauge'),
  metric('ifInDiscards', '1.3.6.1.2.1.2.2.1.13', 'counter'),
  metric('ifInErrors', '1.3.6.1.2.1.2.2.1.14', 'counter'),
  metric('ifOutDiscards', '1.3.6.1.2.1.2.2.1.19', 'counter'),
  metric('ifOutErrors', '1.3.6.1.2.1.2.2.1.20', 'counter'),
  metric('ifHCInOctets', '1.3.6.1.2.1.31.1.1.1.6', 'counter'),
  metric('ifHCOutOctets', '1.3.6.1.2.1.31.1.1.1.10', 'counter'),
  metric('ifHighSpeed', '1.3.6.1.2.1.31.1.1.1.15', 'gauge'),
].join('')}`;
}

export async function runExporter(dir: string, manifest: AgentEndpoint[]) {
  const v2c = manifest.filter((m) => m.community !== undefined);
  const community = v2c[0]?.community;
  if (community === undefined) throw new Error('no v2c agents for the exporter');
  const same = v2c.filter((m) => m.community === community);
  const step = Math.max(1, Math.floor(same.length / EXPORTER_TARGETS));
  const targets = same.filter((_, i) => i % step === 0).slice(0, EXPORTER_TARGETS);
  const config = join(dir, 'snmp.yml');
  writeFileSync(config, exporterConfig(community));
  const port = await freeTcpPort();
  const child = spawn(
    EXPORTER_BIN,
    [`--config.file=${config}`, `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn'],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
  try {
    const base = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + 15_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`prometheus-snmp-exporter exited: ${stderr.slice(-300)}`);
      try {
        if ((await fetch(`${base}/`)).ok) break;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) throw new Error('prometheus-snmp-exporter did not start within 15 s');
      await new Promise((r) => setTimeout(r, 100));
    }
    let failed = 0;
    let firstError = '';
    const scrape = async (t: AgentEndpoint) => {
      const response = await fetch(`${base}/snmp?module=if_mib&target=${t.host}:${t.port}`);
      const text = await response.text();
      if (!response.ok || text.startsWith('An error')) {
        failed++;
        firstError ||= `${t.id}: ${text.slice(0, 200)}`;
        return 0;
      }
      let values = 0;
      for (const line of text.split('\n'))
        if (line !== '' && !line.startsWith('#') && !line.startsWith('snmp_scrape_')) values++;
      return values;
    };
    await scrape(targets[0] as AgentEndpoint); // warm-up
    const pid = child.pid as number;
    const cpu0 = procCpuS(pid);
    const t0 = performance.now();
    let values = 0;
    let next = 0;
    await Promise.all(
      Array.from({ length: EXPORTER_CONCURRENCY }, async () => {
        while (next < targets.length) {
          const t = targets[next++] as AgentEndpoint;
          const got = await scrape(t); // not `values += await …`: that reads `values` before the await
          values += got;
        }
      }),
    );
    const wallS = (performance.now() - t0) / 1000;
    const cpu = procCpuS(pid) - cpu0;
    if (failed > 0) console.log(`exporter: ${failed} scrapes failed, e.g. ${firstError}`);
    return { targets: targets.length, values, wallS, cpuS: cpu, failed };
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => (child.exitCode !== null ? r(null) : child.once('exit', r)));
  }
}

/** A store that accepts and forgets: the collector's own cost, without any store's. */
function nullStore(): MetricsStore {
  return {
    kind: 'embedded',
    init: () => Promise.resolve(),
    write: () => undefined,
    flush: () => Promise.resolve(),
    query: () => Promise.resolve([]),
    latest: () => Promise.resolve([]),
    health: () => ({
      pendingPoints: 0,
      spooledPoints: 0,
      droppedPoints: 0,
      backendUp: true,
      lastError: null,
    }),
    close: () => Promise.resolve(),
  };
}

interface Measured {
  label: string;
  values: number;
  cpuS: number;
  wallS: number;
  cycles: number;
  bestS: number;
  polls: number;
  failures: number;
}

interface CollectorRun {
  m: Measured;
  /** One full poll of every node (cycle 0 warms up: no rates yet, not counted). */
  cycle(c: number): Promise<void>;
  stop(): Promise<void>;
}

async function startRun(
  label: string,
  store: MetricsStore,
  loaded: { inventory: Inventory; topology: Topology },
  manifest: AgentEndpoint[],
  deviceHealth: boolean,
): Promise<CollectorRun> {
  const { inventory, topology } = loaded;
  const collector = await startCollector({
    deviceHealth,
    topology,
    inventory,
    manifest,
    store,
    bus: new InProcessBus(),
    logger: memoryLogger(),
    schedule: false,
    hostHealth: false,
    statusPeriodS: 3600,
    timing: { timeoutMs: 5000, retries: 1, backoff: 1 },
  });
  const ids = inventory.nodes.map((n) => n.id);
  const pollAll = async () => {
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < ids.length) await collector.pollNow(asNodeId(ids[next++] as string));
      }),
    );
    await store.flush();
  };
  const m: Measured = {
    label,
    values: 0,
    cpuS: 0,
    wallS: 0,
    cycles: 0,
    bestS: Infinity,
    polls: 0,
    failures: 0,
  };
  const cycle = async (c: number) => {
    const before = collector.stats();
    const cpu0 = cpuS();
    const t0 = performance.now();
    await pollAll();
    const wallS = (performance.now() - t0) / 1000;
    const cpu = cpuS() - cpu0;
    const after = collector.stats();
    const values = after.values - before.values;
    console.log(
      `${label}: cycle ${c + 1}${c === 0 ? ' (warm-up, no rates yet)' : ''}: ${wallS.toFixed(1)} s, ${values} values, CPU ${cpu.toFixed(1)} s, failures ${after.failures - before.failures}`,
    );
    if (c === 0 && CYCLES > 1) return;
    m.values += values;
    m.cpuS += cpu;
    m.wallS += wallS;
    m.cycles++;
    m.bestS = Math.min(m.bestS, wallS);
    m.polls += after.polls - before.polls;
    m.failures += after.failures - before.failures;
  };
  return { m, cycle, stop: () => collector.stop() };
}

/** CYCLES full polls of every node through one store. */
async function measure(
  label: string,
  store: MetricsStore,
  loaded: { inventory: Inventory; topology: Topology },
  manifest: AgentEndpoint[],
): Promise<Measured> {
  const run = await startRun(label, store, loaded, manifest, true);
  for (let c = 0; c < CYCLES; c++) await run.cycle(c);
  await run.stop();
  return run.m;
}

/**
 * The collector without and with device profiles, cycle for cycle in turn, so that the load of a
 * shared machine drifts over both alike and their ratio is the profiles' own cost.
 */
async function measureProfilesCost(
  loaded: { inventory: Inventory; topology: Topology },
  manifest: AgentEndpoint[],
): Promise<[Measured, Measured]> {
  const bare = await startRun(
    'collector only, IF-MIB/LLDP/video (no profiles)',
    nullStore(),
    loaded,
    manifest,
    false,
  );
  const profiled = await startRun('collector only (no store)', nullStore(), loaded, manifest, true);
  for (let c = 0; c < CYCLES; c++) {
    await bare.cycle(c);
    await profiled.cycle(c);
  }
  await bare.stop();
  await profiled.stop();
  return [bare.m, profiled.m];
}

export async function run(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'egov-bench-poll-'));
  const inventoryFile = join(dir, 'province.yaml');
  const yaml = generateInventoryYaml();
  writeFileSync(inventoryFile, yaml);
  const loaded = loadInventoryText(inventoryFile, yaml);
  if (!loaded.ok) throw new Error(`generated inventory invalid: ${loaded.errors[0]?.message ?? ''}`);
  const { inventory } = loaded;
  const interfaces = inventory.nodes.reduce((n, node) => n + node.interfaces.length, 0);
  console.log(
    `generated province: ${inventory.nodes.length} nodes, ${interfaces} interfaces; starting the simulator…`,
  );
  const sim = await startSimulatorProcess(dir, inventoryFile);
  const rows: Array<[string, string, string]> = [];
  const results: Measured[] = [];
  let influxd: Influxd | null = null;
  try {
    results.push(...(await measureProfilesCost(loaded, sim.manifest)));
    const stores: Array<[string, () => Promise<MetricsStore>]> = [];
    if (STORES.includes('influx'))
      stores.push([
        'end to end, InfluxDB store',
        async () => {
          influxd = await startInfluxd(existsSync('/dev/shm') ? { baseDir: '/dev/shm' } : {});
          return openMetricsStore(`influx://127.0.0.1:${influxd.port}/egov_noc`, {
            logger: memoryLogger(),
            spoolDir: join(dir, 'spool'),
          });
        },
      ]);
    if (STORES.includes('embedded'))
      stores.push([
        'end to end, embedded SQLite store',
        () => Promise.resolve(openMetricsStore(join(dir, 'metrics.sqlite'), { logger: memoryLogger() })),
      ]);
    for (const [label, open] of stores) {
      const store = await open();
      await store.init();
      try {
        results.push(await measure(label, store, loaded, sim.manifest));
      } finally {
        await store.close();
      }
    }
    console.log(`prometheus-snmp-exporter: scraping ${EXPORTER_TARGETS} agents' IF-MIB…`);
    const ex = await runExporter(dir, sim.manifest);
    const exCpuPerM = (ex.cpuS / ex.values) * 1e6;
    const first = results[0];
    rows.push(
      ['nodes polled per cycle', `${inventory.nodes.length} (${interfaces} interfaces)`, ''],
      ['values stored per cycle', `${first ? Math.round(first.values / first.cycles) : 0}`, ''],
    );
    for (const m of results) {
      const perCore = m.values / m.cpuS;
      const cpuPerM = (m.cpuS / m.values) * 1e6;
      const ratio = exCpuPerM / cpuPerM;
      const met = (ok: boolean) => (ok ? 'met' : 'NOT met');
      rows.push(
        [`${m.label}:`, '', ''],
        ['  poll-cycle time (best)', `${m.bestS.toFixed(1)} s`, ''],
        ['  NVPS (values stored/s, wall)', `${Math.round(m.values / m.wallS)}`, ''],
        [
          '  values/s per core (CPU)',
          `${Math.round(perCore)}`,
          `≥ ${TARGETS.valuesPerCoreS} ${met(perCore >= TARGETS.valuesPerCoreS)}`,
        ],
        ['  CPU-s per million values', cpuPerM.toFixed(2), ''],
        [
          '  efficiency vs exporter',
          `${ratio.toFixed(1)}×`,
          `≥ ${TARGETS.ratio}× ${met(ratio >= TARGETS.ratio)}`,
        ],
        ['  failed polls', `${m.failures} of ${m.polls}`, ''],
      );
    }
    const [bare, profiled] = results;
    if (bare && profiled) {
      const cost = profiled.cpuS / profiled.values / (bare.cpuS / bare.values);
      rows.push([
        'device profiles: CPU per stored value vs IF-MIB alone',
        `${cost >= 1 ? '+' : ''}${((cost - 1) * 100).toFixed(1)} %`,
        `≤ +${TARGETS.profileCostPct} % ${cost <= 1 + TARGETS.profileCostPct / 100 ? 'met' : 'NOT met'}`,
      ]);
    }
    rows.push(
      ['exporter: agents scraped', `${ex.targets} in ${ex.wallS.toFixed(1)} s (${ex.failed} failed)`, ''],
      ['exporter: values', `${ex.values} (${Math.round(ex.values / ex.wallS)}/s)`, ''],
      ['exporter: CPU-s per million values', exCpuPerM.toFixed(2), ''],
      ['machine load average (1 min)', loadavg()[0]?.toFixed(1) ?? '', `${cpus().length} CPUs`],
    );
  } finally {
    await sim.stop();
    await (influxd as Influxd | null)?.destroy();
    rmSync(dir, { recursive: true, force: true });
  }
  const w0 = Math.max(...rows.map((r) => r[0].length));
  const w1 = Math.max(...rows.map((r) => r[1].length));
  console.log(`\n${'measure'.padEnd(w0)}  ${'value'.padEnd(w1)}  target`);
  for (const [name, value, target] of rows) console.log(`${name.padEnd(w0)}  ${value.padEnd(w1)}  ${target}`);
}

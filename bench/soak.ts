/**
 * `egov-noc bench soak [--minutes N]`: the collector as `egov-noc collect` runs it — scheduled polls
 * of the generated ~5,000-node province (the simulator in its own process), the embedded SQLite
 * metrics store, its Prometheus metrics and ops listener (scraped every sample, as Prometheus
 * would), a trap receiver — with the alert engine attached to the same in-process bus as
 * `egov-noc serve` attaches it, for N minutes (default 30, at least 4) after a warm-up of one poll
 * interval. RSS after a full GC, open descriptors and poll latency are compared between the first and
 * the last window (5 minutes, or a fifth of the run when shorter). Targets (issue #14): RSS growth
 * ≤ 5%, no descriptor growth, p99 poll latency within 20%.
 *   BENCH_SOAK_MINUTES: the default for --minutes. BENCH_SOAK_HEAP_DIR: write V8 heap snapshots
 *   there when the first window starts and when the run ends (they take seconds and raise RSS:
 *   for finding a leak, not for the table).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeHeapSnapshot } from 'node:v8';
import { startAlertEngine } from '../alerts';
import { InProcessBus } from '../bus';
import { createCollectorMetrics, startCollector, startCollectorOps } from '../collector';
import { silentLogger } from '../common';
import { loadInventoryText } from '../inventory';
import { generateInventoryYaml } from '../inventory/generate';
import { openMetricsStore } from '../metrics';
import { processSampler } from './support/process-sample';
import { startSimulatorProcess } from './support/simulator-process';
import {
  WindowRecorder,
  compareWindows,
  formatSoakTable,
  planSoak,
  soakVerdict,
  type SoakPlan,
} from './support/soak-windows';

const SAMPLES_PER_WINDOW = 30;
const PROGRESS_EVERY_MS = 60_000;

export interface SoakOptions {
  minutes?: number;
}

function chosenMinutes(options: SoakOptions): number {
  return options.minutes ?? Number(process.env.BENCH_SOAK_MINUTES ?? 30);
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(0);
const load = () =>
  loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');

function heapSnapshot(label: string): void {
  const dir = process.env.BENCH_SOAK_HEAP_DIR;
  if (!dir) return;
  const file = writeHeapSnapshot(join(dir, `soak-${label}-${Date.now()}.heapsnapshot`));
  console.log(`soak: heap snapshot ${file}`);
}

function describePlan(plan: SoakPlan, nodes: number): string {
  const min = (ms: number) => `${(ms / 60_000).toFixed(1)} min`;
  return (
    `soak: ${nodes} nodes, warm-up ${min(plan.warmUpMs)}, then ${min(plan.measuredMs)} measured; ` +
    `windows of ${min(plan.windowMs)}; ${cpus().length} CPUs, load ${load()} at start`
  );
}

export async function run(options: SoakOptions = {}): Promise<void> {
  const minutes = chosenMinutes(options);
  let plan: SoakPlan;
  try {
    plan = planSoak(minutes, 0);
  } catch (error) {
    console.error(`egov-noc bench soak: ${(error as Error).message}`);
    process.exitCode = 2;
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'egov-bench-soak-'));
  const inventoryFile = join(dir, 'province.yaml');
  const yaml = generateInventoryYaml();
  writeFileSync(inventoryFile, yaml);
  const loaded = loadInventoryText(inventoryFile, yaml);
  if (!loaded.ok) throw new Error(`generated inventory invalid: ${loaded.errors[0]?.message ?? ''}`);
  const { inventory, topology } = loaded;
  const longestIntervalMs = Math.max(...inventory.nodes.map((n) => n.pollIntervalS)) * 1000;
  plan = planSoak(minutes, longestIntervalMs);
  console.log(describePlan(plan, inventory.nodes.length));

  const sim = await startSimulatorProcess(dir, inventoryFile);
  const logger = silentLogger();
  const store = openMetricsStore(join(dir, 'metrics.sqlite'), { logger });
  const bus = new InProcessBus();
  try {
    await store.init();
    const alerts = await startAlertEngine({ topology, bus, log: logger, dbPath: join(dir, 'alerts.sqlite') });
    const first = new WindowRecorder(plan.first);
    const last = new WindowRecorder(plan.last);
    const sample = processSampler();
    const opsMetrics = createCollectorMetrics();
    const startedAt = performance.now();
    const elapsed = () => performance.now() - startedAt;
    const collector = await startCollector({
      topology,
      inventory,
      manifest: sim.manifest,
      store,
      bus,
      logger,
      trapPort: 0,
      onStatus: (status) => opsMetrics.observeStatus(status),
      onPoll: (durationMs, outcome) => {
        opsMetrics.observePoll(durationMs, outcome);
        const at = elapsed();
        first.addPoll(at, durationMs, outcome === 'ok');
        last.addPoll(at, durationMs, outcome === 'ok');
      },
    });
    opsMetrics.attach({ collector, store });
    const ops = await startCollectorOps({
      host: '127.0.0.1',
      port: 0,
      store,
      bus,
      metrics: opsMetrics,
      metricsAccess: { token: null },
      log: logger,
    });
    try {
      await soakLoop(
        plan,
        elapsed,
        async (at) => {
          const scrape = await fetch(`${ops.url}/metrics`);
          await scrape.text();
          const now = sample();
          first.addMemory(at, now);
          last.addMemory(at, now);
          return now;
        },
        () => collector.stats(),
      );
      heapSnapshot('end');
    } finally {
      await collector.stop();
      await ops.stop();
      await alerts.stop();
    }
    const rows = compareWindows(first.summary(), last.summary());
    console.log(`\nsoak: load ${load()} at the end (${cpus().length} CPUs, shared)`);
    console.log(formatSoakTable(rows));
    console.log(soakVerdict(rows));
  } finally {
    await store.close();
    await sim.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Sample SAMPLES_PER_WINDOW times a window until the plan's end, printing progress each minute. */
async function soakLoop(
  plan: SoakPlan,
  elapsed: () => number,
  takeSample: (atMs: number) => Promise<{ rssBytes: number; openFds: number }>,
  stats: () => { polls: number; failures: number; timeouts: number },
): Promise<void> {
  const everyMs = Math.max(1000, Math.floor(plan.windowMs / SAMPLES_PER_WINDOW));
  let nextProgressMs = PROGRESS_EVERY_MS;
  let snapshotTaken = false;
  while (elapsed() < plan.endMs) {
    if (!snapshotTaken && elapsed() >= plan.first.startMs - everyMs) {
      heapSnapshot('start');
      snapshotTaken = true;
    }
    await sleep(Math.min(everyMs, Math.max(0, plan.endMs - elapsed())));
    const at = elapsed();
    const now = await takeSample(at);
    if (at >= nextProgressMs) {
      const s = stats();
      console.log(
        `soak: ${(at / 60_000).toFixed(1)} min: ${s.polls} polls (${s.failures} failed, ${s.timeouts} timed out), ` +
          `RSS ${mib(now.rssBytes)} MiB, ${now.openFds} fds, load ${load()}`,
      );
      nextProgressMs += PROGRESS_EVERY_MS;
    }
  }
}

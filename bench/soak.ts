/**
 * `egov-noc bench soak [--minutes N]`: the collector as `egov-noc collect` runs it — scheduled polls
 * of the generated ~5,000-node province (the simulator in its own process), the embedded SQLite
 * metrics store, its Prometheus metrics and ops listener (scraped every sample, as Prometheus
 * would), a trap receiver — with the alert engine attached to the same in-process bus as
 * `egov-noc serve` attaches it, for N minutes (default 30, at least 4) after a warm-up (until every
 * node has been polled twice, at least one poll interval, at most 15 minutes). RSS after a full GC, open descriptors and poll latency are compared between the first and
 * the last window (5 minutes, or a fifth of the run when shorter). Targets (issue #14): RSS growth
 * ≤ 5%, no descriptor growth, p99 poll latency within 20%. Beside them, for context: each window's CPU
 * (the collector's, its main thread's, the simulator's) and event loop delay, which tell a collector
 * whose own loop stalls from one whose neighbours (its writer thread, the simulator) take the CPUs.
 *   BENCH_SOAK_MINUTES: the default for --minutes. BENCH_SOAK_HEAP_DIR: write V8 heap snapshots
 *   there when the first window starts and when the run ends (they take seconds and raise RSS:
 *   for finding a leak, not for the table).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { writeHeapSnapshot } from 'node:v8';
import { startAlertEngine } from '../alerts';
import { InProcessBus } from '../bus';
import { createCollectorMetrics, startCollector, startCollectorOps } from '../collector';
import { silentLogger } from '../common';
import { loadInventoryText } from '../inventory';
import { generateInventoryYaml } from '../inventory/generate';
import { openMetricsStore } from '../metrics';
import { processSampler, type ProcessSample } from './support/process-sample';
import { cpuSecondsOf, mainThreadCpuSeconds, ownCpuSeconds } from './support/proc';
import { startSimulatorProcess } from './support/simulator-process';
import {
  WindowRecorder,
  compareWindows,
  formatSoakTable,
  planSoak,
  soakVerdict,
  type MemorySample,
  type SoakPlan,
} from './support/soak-windows';

const SAMPLES_PER_WINDOW = 30;
const PROGRESS_EVERY_MS = 60_000;
const WARM_UP_SAMPLE_MS = 5000;
/** Past this the collector is not keeping up with the province: measure anyway, and say so. */
const WARM_UP_LIMIT_MS = 15 * 60_000;

export interface SoakOptions {
  minutes?: number;
}

interface CollectorProgress {
  polls: number;
  failures: number;
  timeouts: number;
  skipped: number;
  queued: number;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(0);
const minutesOf = (ms: number) => `${(ms / 60_000).toFixed(1)} min`;
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

function progressLine(atMs: number, s: CollectorProgress, now: ProcessSample): string {
  return (
    `soak: ${minutesOf(atMs)}: ${s.polls} polls (${s.failures} failed, ${s.timeouts} timed out, ` +
    `${s.skipped} turns skipped, ${s.queued} queued), RSS ${mib(now.rssBytes)} MiB, ` +
    `heap ${mib(now.heapUsedBytes)} MiB, ${now.openFds} fds, load ${load()}`
  );
}

/**
 * Until every node has been polled twice (its socket open, its counters' previous values held for
 * rates, its first metadata walk done) and at least one longest poll interval has passed.
 */
async function warmUp(
  nodes: number,
  longestIntervalMs: number,
  elapsed: () => number,
  takeSample: () => Promise<ProcessSample>,
  stats: () => CollectorProgress,
): Promise<void> {
  let nextProgressMs = PROGRESS_EVERY_MS;
  while (stats().polls < 2 * nodes || elapsed() < longestIntervalMs) {
    if (elapsed() >= WARM_UP_LIMIT_MS) {
      console.log(
        `soak: warm-up stopped at ${minutesOf(elapsed())} with ${stats().polls} polls of ${nodes} nodes: ` +
          'the collector is behind its schedule on this machine; measuring anyway',
      );
      return;
    }
    await sleep(WARM_UP_SAMPLE_MS);
    if (elapsed() < nextProgressMs) continue;
    console.log(`${progressLine(elapsed(), stats(), await takeSample())} (warm-up)`);
    nextProgressMs += PROGRESS_EVERY_MS;
  }
}

/** Sample SAMPLES_PER_WINDOW times a window until the plan's end, printing progress each minute. */
async function measure(
  plan: SoakPlan,
  windows: readonly WindowRecorder[],
  elapsed: () => number,
  takeSample: () => Promise<ProcessSample>,
  stats: () => CollectorProgress,
): Promise<void> {
  const everyMs = Math.max(1000, Math.floor(plan.windowMs / SAMPLES_PER_WINDOW));
  let nextProgressMs = plan.warmUpMs + PROGRESS_EVERY_MS;
  while (elapsed() < plan.endMs) {
    await sleep(Math.min(everyMs, Math.max(0, plan.endMs - elapsed())));
    const at = elapsed();
    const now = await takeSample();
    for (const window of windows) window.addMemory(at, now);
    if (at < nextProgressMs) continue;
    console.log(progressLine(at, stats(), now));
    nextProgressMs += PROGRESS_EVERY_MS;
  }
}

export async function run(options: SoakOptions = {}): Promise<void> {
  const minutes = options.minutes ?? Number(process.env.BENCH_SOAK_MINUTES ?? 30);
  try {
    planSoak(minutes, 0);
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
  const nodes = inventory.nodes.length;
  const longestIntervalMs = Math.max(...inventory.nodes.map((n) => n.pollIntervalS)) * 1000;
  console.log(
    `soak: ${nodes} nodes; ${cpus().length} CPUs, load ${load()} at start; warm-up until every node is polled twice`,
  );

  const sim = await startSimulatorProcess(dir, inventoryFile);
  const logger = silentLogger();
  const store = openMetricsStore(join(dir, 'metrics.sqlite'), { logger });
  const bus = new InProcessBus();
  try {
    await store.init();
    const alerts = await startAlertEngine({ topology, bus, log: logger, dbPath: join(dir, 'alerts.sqlite') });
    let windows: WindowRecorder[] = [];
    const sampleMemory = processSampler();
    const sample = (): ProcessSample & Required<Omit<MemorySample, keyof ProcessSample>> => ({
      ...sampleMemory(),
      cpuSeconds: ownCpuSeconds(),
      mainThreadCpuSeconds: mainThreadCpuSeconds(),
      simulatorCpuSeconds: cpuSecondsOf(sim.pid),
    });
    // 10 ms resolution: the delays that matter here are GC pauses and long tasks, not microseconds.
    const eventLoopDelay = monitorEventLoopDelay({ resolution: 10 });
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
        for (const window of windows) window.addPoll(at, durationMs, outcome === 'ok');
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
    const stats = () => collector.stats();
    // Scraped at every sample, as Prometheus would scrape the collector's /metrics.
    const takeSample = async () => {
      await (await fetch(`${ops.url}/metrics`)).text();
      return sample();
    };
    try {
      await warmUp(nodes, longestIntervalMs, elapsed, takeSample, stats);
      const plan = planSoak(minutes, elapsed());
      console.log(
        `soak: warm-up took ${minutesOf(plan.warmUpMs)}; measuring ${minutesOf(plan.measuredMs)}, ` +
          `windows of ${minutesOf(plan.windowMs)}`,
      );
      heapSnapshot('start');
      windows = [new WindowRecorder(plan.first), new WindowRecorder(plan.last)];
      eventLoopDelay.enable();
      const takeWindowSample = async () => {
        const taken = await takeSample();
        const at = elapsed();
        const p99Ms = eventLoopDelay.percentile(99) / 1e6;
        const maxMs = eventLoopDelay.max / 1e6;
        for (const window of windows) window.addEventLoopDelay(at, p99Ms, maxMs);
        eventLoopDelay.reset();
        return taken;
      };
      await measure(plan, windows, elapsed, takeWindowSample, stats);
      eventLoopDelay.disable();
      heapSnapshot('end');
    } finally {
      await collector.stop();
      await ops.stop();
      await alerts.stop();
    }
    const [first, last] = windows as [WindowRecorder, WindowRecorder];
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

import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { startAlertEngine, type AlertEngine } from '../alerts/index';
import { InProcessBus } from '../bus/index';
import type { BusEvent, NodeId } from '../domain';
import { generateInventoryYaml, seededRandom } from '../inventory/generate';
import { loadInventoryText, type Topology } from '../inventory/index';
import { percentile } from './percentile';
import { silentLogger } from '../common';

/**
 * `egov-noc bench alerts`:
 * 1. trap received → alert event on the bus, p50/p99 (target p99 < 5 ms), against a bare bus round trip;
 * 2. alert storm: a generated ~5,000-node province, every node unreachable at once in random order →
 *    time until the correlated alert set is stable, alerts created, memory; against what an engine
 *    without correlation would show (one visible alert per node).
 */

function shuffle<T>(items: T[], rand: () => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [items[i], items[j]] = [items[j] as T, items[i] as T];
  }
  return items;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function withEngine<T>(
  topology: Topology,
  run: (engine: AlertEngine, bus: InProcessBus) => Promise<T>,
  correlationWindowMs?: number,
  stateRoot: string = tmpdir(),
): Promise<T> {
  const dir = mkdtempSync(join(stateRoot, 'egov-bench-alerts-'));
  const bus = new InProcessBus();
  const engine = await startAlertEngine({
    topology,
    bus,
    dbPath: join(dir, 'alerts.db'),
    log: silentLogger(),
    tickMs: 50,
    ...(correlationWindowMs !== undefined ? { correlationWindowMs } : {}),
  });
  try {
    return await run(engine, bus);
  } finally {
    await engine.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

interface Row {
  measure: string;
  result: string;
  baseline: string;
}

/** Publish, then wait for the first alert event that `accept`s; returns the latency in ms. */
function timeToAlert(
  bus: InProcessBus,
  publish: () => void,
  accept: (event: Extract<BusEvent, { type: 'alert' }>) => boolean,
): Promise<number> {
  return new Promise((resolve) => {
    const start = performance.now();
    const unsubscribe = bus.subscribe('alert', (event) => {
      if (!accept(event)) return;
      unsubscribe();
      resolve(performance.now() - start);
    });
    publish();
  });
}

/** Where the SQLite state lives changes the tail: disk (the real thing) and tmpfs (the engine alone). */
async function trapLatency(topology: Topology, rows: Row[], stateRoot: string, where: string): Promise<void> {
  const iterations = 1000;
  /** Not measured: the first few hundred events pay for JIT compilation of every code path. */
  const WARMUP = 200;
  // Baseline: a bare bus round trip to a subscriber that republishes (no rules, no SQLite).
  const bare = new InProcessBus();
  bare.subscribe('trap', (trap) =>
    bare.publish({
      type: 'certificate.expiry',
      node: trap.node,
      timeMs: trap.timeMs,
      serial: 'x',
      subject: 'x',
      notAfterMs: 0,
      daysLeft: 0,
    }),
  );
  const baseline: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const start = performance.now();
    await new Promise<void>((resolve) => {
      const off = bare.subscribe('certificate.expiry', () => {
        off();
        resolve();
      });
      bare.publish({
        type: 'trap',
        node: 'ny-core' as NodeId,
        timeMs: Date.now(),
        trap: 'coldStart',
        trapOid: '1.3.6.1.6.3.1.1.5.1',
        ifIndex: null,
        varbinds: [],
      });
    });
    baseline.push(performance.now() - start);
  }
  baseline.sort((a, b) => a - b);

  // Every iteration uses another node and another uplink port: a port reused quickly would (rightly) be damped as flapping.
  const counties = topology.nodes
    .filter((node) => node.parent !== null && topology.uplinkOf(node.id) !== null)
    .map((node) => node.id);
  const coldStart: number[] = [];
  const linkDown: number[] = [];
  await withEngine(
    topology,
    async (_engine, bus) => {
      for (let i = 0; i < WARMUP + iterations; i++) {
        const node = counties[i % counties.length] as NodeId;
        const latency = await timeToAlert(
          bus,
          () =>
            bus.publish({
              type: 'trap',
              node,
              timeMs: Date.now(),
              trap: 'coldStart',
              trapOid: '1.3.6.1.6.3.1.1.5.1',
              ifIndex: null,
              varbinds: [],
            }),
          (event) => event.alert.rule === 'node-reboot' && event.alert.node === node,
        );
        if (i >= WARMUP) coldStart.push(latency);
      }
      // linkDown on a county's uplink port at the city core: correlated root cause (uplink-down).
      for (let i = 0; i < WARMUP + iterations; i++) {
        const county = counties[(i + WARMUP + iterations) % counties.length] as NodeId;
        const uplink = topology.uplinkOf(county);
        if (!uplink) continue;
        const parentEnd = uplink.a.node === county ? uplink.b : uplink.a;
        const ifIndex =
          topology.node(parentEnd.node).interfaces.find((x) => x.name === parentEnd.interface)?.ifIndex ??
          null;
        const trap = (kind: 'linkDown' | 'linkUp') =>
          bus.publish({
            type: 'trap',
            node: parentEnd.node,
            timeMs: Date.now(),
            trap: kind,
            trapOid: '1.3.6.1.6.3.1.1.5.3',
            ifIndex,
            varbinds: [],
          });
        const latency = await timeToAlert(
          bus,
          () => trap('linkDown'),
          (event) => event.change === 'opened' && event.alert.rule === 'uplink-down',
        );
        if (i >= WARMUP) linkDown.push(latency);
        await timeToAlert(
          bus,
          () => trap('linkUp'),
          (event) => event.change === 'resolved' && event.alert.rule === 'uplink-down',
        );
      }
    },
    undefined,
    stateRoot,
  );
  coldStart.sort((a, b) => a - b);
  linkDown.sort((a, b) => a - b);
  const fmt = (values: number[]) =>
    `p50 ${percentile(values, 50).toFixed(3)} ms, p99 ${percentile(values, 99).toFixed(3)} ms`;
  rows.push({
    measure: `coldStart trap → node-reboot alert event (${iterations}× on ${topology.size} nodes, state ${where})`,
    result: fmt(coldStart),
    baseline: `bare bus round trip: ${fmt(baseline)}`,
  });
  rows.push({
    measure: `linkDown trap on an uplink → uplink-down root cause (${linkDown.length}×, state ${where})`,
    result: fmt(linkDown),
    baseline: 'target p99 < 5 ms',
  });
}

async function storm(topology: Topology, rows: Row[], label: string, spreadMs: number): Promise<void> {
  const nodes = shuffle(
    topology.nodes.map((node) => node.id),
    seededRandom(42),
  );
  global.gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  await withEngine(
    topology,
    async (engine, bus) => {
      let opened = 0;
      let rootVisibleMs: number | null = null;
      let lastChangeMs = performance.now();
      const visibleOpened = new Set<string>();
      engine.onChange((event) => {
        lastChangeMs = performance.now();
        if (event.change === 'opened') opened++;
        if (event.alert.suppressedBy === null && event.alert.status !== 'resolved')
          visibleOpened.add(event.alert.id);
        if (event.alert.node === 'prov-core' && rootVisibleMs === null) rootVisibleMs = performance.now();
      });
      const start = performance.now();
      const batches = spreadMs === 0 ? 1 : 50;
      const perBatch = Math.ceil(nodes.length / batches);
      for (let b = 0; b < batches; b++) {
        for (const node of nodes.slice(b * perBatch, (b + 1) * perBatch))
          bus.publish({
            type: 'node.state',
            node,
            timeMs: Date.now(),
            state: 'unreachable',
            reason: 'timeout after 3 polls',
          });
        if (spreadMs > 0) await sleep(spreadMs / batches);
      }
      const lastEventMs = performance.now();
      // Stable: no alert change for 1.5 s (longer than the tick and the settle window's tail).
      const deadline = lastEventMs + 30_000;
      while (performance.now() - Math.max(lastChangeMs, lastEventMs) < 1_500 && performance.now() < deadline)
        await sleep(50);
      const stableMs = lastChangeMs - lastEventMs;
      const visible = engine.list();
      const all = engine.list({ includeSuppressed: true, limit: 100_000 });
      const heapAfter = process.memoryUsage().heapUsed;
      rows.push({
        measure: `${label}: nodes down`,
        result: `${nodes.length} (published over ${Math.round(lastEventMs - start)} ms)`,
        baseline: '',
      });
      rows.push({
        measure: `${label}: root cause on the bus after the last event`,
        result:
          rootVisibleMs === null ? 'never' : `${Math.max(0, rootVisibleMs - lastEventMs).toFixed(0)} ms`,
        baseline: '',
      });
      rows.push({
        measure: `${label}: stable after the last event`,
        result: `${Math.max(0, stableMs).toFixed(0)} ms`,
        baseline: 'target < 1000 ms',
      });
      rows.push({
        measure: `${label}: alerts created / visible at the end`,
        result: `${opened} created, ${visible.length} visible (${visible.map((a) => `${a.rule}@${a.node ?? '-'} impacts ${a.impacted.length}`).join('; ')}), ${all.length - visible.length} suppressed`,
        baseline: `no correlation: ${nodes.length} visible`,
      });
      rows.push({
        measure: `${label}: transient roots (visible before folding)`,
        result: String(Math.max(0, visibleOpened.size - visible.length)),
        baseline: '0 ideal',
      });
      rows.push({
        measure: `${label}: heap growth`,
        result: `${((heapAfter - heapBefore) / 1048576).toFixed(1)} MiB (rss ${(process.memoryUsage().rss / 1048576).toFixed(0)} MiB)`,
        baseline: '',
      });
    },
    3_000,
  );
}

function printTable(rows: Row[]): void {
  const width = (key: keyof Row) => Math.max(key.length, ...rows.map((row) => row[key].length));
  const w = { measure: width('measure'), result: width('result'), baseline: width('baseline') };
  const line = (row: Row) =>
    `| ${row.measure.padEnd(w.measure)} | ${row.result.padEnd(w.result)} | ${row.baseline.padEnd(w.baseline)} |`;
  console.log(line({ measure: 'measure', result: 'result', baseline: 'baseline' }));
  console.log(`|${'-'.repeat(w.measure + 2)}|${'-'.repeat(w.result + 2)}|${'-'.repeat(w.baseline + 2)}|`);
  for (const row of rows) console.log(line(row));
}

export async function run(): Promise<void> {
  const rows: Row[] = [];
  const loaded = loadInventoryText('generated.yaml', generateInventoryYaml());
  if (!loaded.ok) throw new Error(`generated inventory invalid: ${loaded.errors[0]?.message ?? ''}`);
  await trapLatency(loaded.topology, rows, tmpdir(), `on disk (${tmpdir()})`);
  if (existsSync('/dev/shm')) await trapLatency(loaded.topology, rows, '/dev/shm', 'on tmpfs (/dev/shm)');
  await storm(loaded.topology, rows, 'storm, one burst', 0);
  await storm(loaded.topology, rows, 'storm, over 2 s', 2_000);
  rows.push({
    measure: 'host during the run',
    result: `${cpus().length} CPUs, 1-min load average ${loadavg()[0]?.toFixed(1) ?? '?'}`,
    baseline: 'other work on the host inflates the tails',
  });
  printTable(rows);
}

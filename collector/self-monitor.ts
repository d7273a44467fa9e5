/**
 * The collector watching itself: polls/s, poll duration percentiles, timeouts, queue lag, values/s
 * and the store's spool, per reporting period; plus its host's CPU, memory and disk via
 * `systeminformation`. Written into the same store as everything else.
 */
import si from 'systeminformation';
import type { StoreHealth } from '../metrics';
import type { MetricPoint } from '../domain';

export interface CollectorSnapshot {
  periodS: number;
  polls: number;
  pollsPs: number;
  pollP50Ms: number;
  pollP95Ms: number;
  pollP99Ms: number;
  timeouts: number;
  timeoutsPs: number;
  failures: number;
  /** Mean lag of poll starts behind their slots in the period. */
  queueLagMs: number;
  maxQueueLagMs: number;
  values: number;
  valuesPs: number;
  clamped: number;
}

/** Nearest-rank percentile of sorted values (0 when empty). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] ?? 0;
}

const MAX_SAMPLES = 200_000;

export class SelfMonitor {
  private durations: number[] = [];
  private polls = 0;
  private timeouts = 0;
  private failures = 0;
  private values = 0;
  private clamped = 0;
  private lagSum = 0;
  private lagCount = 0;
  private lagMax = 0;
  private periodStartMs: number;
  /** Totals since start, for stats(). */
  readonly totals = { polls: 0, timeouts: 0, failures: 0, values: 0, clamped: 0 };

  constructor(private readonly now: () => number = Date.now) {
    this.periodStartMs = now();
  }

  recordPoll(durationMs: number, outcome: 'ok' | 'timeout' | 'failed', values: number): void {
    this.polls++;
    this.totals.polls++;
    if (this.durations.length < MAX_SAMPLES) this.durations.push(durationMs);
    if (outcome === 'timeout') {
      this.timeouts++;
      this.totals.timeouts++;
    }
    if (outcome !== 'ok') {
      this.failures++;
      this.totals.failures++;
    }
    this.values += values;
    this.totals.values += values;
  }

  recordClamped(n: number): void {
    this.clamped += n;
    this.totals.clamped += n;
  }

  recordLag(lagMs: number): void {
    this.lagSum += lagMs;
    this.lagCount++;
    if (lagMs > this.lagMax) this.lagMax = lagMs;
  }

  /** Close the current period and start the next. */
  takeSnapshot(): CollectorSnapshot {
    const now = this.now();
    const periodS = Math.max(0.001, (now - this.periodStartMs) / 1000);
    const sorted = this.durations.sort((a, b) => a - b);
    const snapshot: CollectorSnapshot = {
      periodS,
      polls: this.polls,
      pollsPs: this.polls / periodS,
      pollP50Ms: percentile(sorted, 50),
      pollP95Ms: percentile(sorted, 95),
      pollP99Ms: percentile(sorted, 99),
      timeouts: this.timeouts,
      timeoutsPs: this.timeouts / periodS,
      failures: this.failures,
      queueLagMs: this.lagCount > 0 ? this.lagSum / this.lagCount : 0,
      maxQueueLagMs: this.lagMax,
      values: this.values,
      valuesPs: this.values / periodS,
      clamped: this.clamped,
    };
    this.durations = [];
    this.polls = this.timeouts = this.failures = this.values = this.clamped = 0;
    this.lagSum = this.lagCount = this.lagMax = 0;
    this.periodStartMs = now;
    return snapshot;
  }
}

export function collectorPoint(
  collector: string,
  s: CollectorSnapshot,
  store: StoreHealth,
  timeMs: number,
): MetricPoint {
  return {
    measurement: 'collector',
    tags: { collector },
    fields: {
      pollsPs: s.pollsPs,
      pollP50Ms: s.pollP50Ms,
      pollP95Ms: s.pollP95Ms,
      pollP99Ms: s.pollP99Ms,
      timeoutsPs: s.timeoutsPs,
      queueLagMs: s.queueLagMs,
      spoolPoints: store.spooledPoints,
      droppedPoints: store.droppedPoints,
      valuesPs: s.valuesPs,
    },
    timeMs,
  };
}

export interface HostHealth {
  cpuPct: number;
  memPct: number;
  diskPct: number;
}

/** This machine's CPU (since the last call), memory in use (excluding caches) and fullest disk. */
export async function readHostHealth(): Promise<HostHealth> {
  const [load, mem, disks] = await Promise.all([si.currentLoad(), si.mem(), si.fsSize()]);
  const real = disks.filter((d) => d.size > 0 && !/^(tmpfs|devtmpfs|overlay|squashfs)$/i.test(d.type));
  const diskPct = Math.max(0, ...(real.length > 0 ? real : disks).map((d) => d.use || 0));
  return {
    cpuPct: load.currentLoad,
    memPct: mem.total > 0 ? (mem.active / mem.total) * 100 : 0,
    diskPct,
  };
}

export function hostPoint(host: string, health: HostHealth, timeMs: number): MetricPoint {
  return { measurement: 'host', tags: { host }, fields: { ...health }, timeMs };
}

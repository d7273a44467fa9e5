/**
 * Window statistics of the soak benchmark (bench/soak.ts): what it keeps of the first and the last
 * window of a long run, and how the two compare against the targets of issue #14.
 */
import { percentile } from '../percentile';

export const MIN_SOAK_MINUTES = 4;
export const MAX_SOAK_MINUTES = 24 * 60;
const FULL_WINDOW_MS = 5 * 60_000;

export const TARGETS = { rssGrowthPct: 5, p99ChangePct: 20 };

export interface Span {
  /** Milliseconds since the run started, inclusive. */
  startMs: number;
  /** Milliseconds since the run started, exclusive. */
  endMs: number;
}

export interface SoakPlan {
  warmUpMs: number;
  measuredMs: number;
  windowMs: number;
  first: Span;
  last: Span;
  /** The run ends here (warm-up + measured). */
  endMs: number;
}

/** Five-minute windows, or the first and last fifth of the measured time when it is under 25 minutes. */
export function planSoak(minutes: number, warmUpMs: number): SoakPlan {
  if (!Number.isFinite(minutes) || minutes < MIN_SOAK_MINUTES || minutes > MAX_SOAK_MINUTES)
    throw new Error(
      `soak minutes must be a number from ${MIN_SOAK_MINUTES} to ${MAX_SOAK_MINUTES}, got "${minutes}"`,
    );
  const measuredMs = Math.round(minutes * 60_000);
  const windowMs = Math.min(FULL_WINDOW_MS, Math.floor(measuredMs / 5));
  const endMs = warmUpMs + measuredMs;
  return {
    warmUpMs,
    measuredMs,
    windowMs,
    first: { startMs: warmUpMs, endMs: warmUpMs + windowMs },
    last: { startMs: endMs - windowMs, endMs },
    endMs,
  };
}

export interface MemorySample {
  rssBytes: number;
  heapUsedBytes: number;
  openFds: number;
  /** The host's 1-minute load average: the machine may be shared, and latency follows it. */
  load1: number;
  /** CPU seconds used so far by the collector's process (all its threads) and by the simulator's. */
  cpuSeconds?: number;
  /** …of which the main thread's (the event loop that polls); the rest is the metrics writer and libuv. */
  mainThreadCpuSeconds?: number;
  simulatorCpuSeconds?: number;
}

export interface WindowSummary {
  samples: number;
  rssMedianBytes: number;
  heapUsedMedianBytes: number;
  /** Judged on the median: a descriptor held for a moment at a sample (a child process's pipe) is not growth. */
  fdsMedian: number;
  fdsMax: number;
  load1Median: number;
  polls: number;
  failedPolls: number;
  p50Ms: number;
  p99Ms: number;
  /** Share of one core used between the window's first and last sample (NaN without CPU samples). */
  cpuPct: number;
  mainThreadCpuPct: number;
  simulatorCpuPct: number;
  /** The collector's event loop delay: the median of its intervals' p99, and the largest (NaN: none recorded). */
  eventLoopDelayP99Ms: number;
  eventLoopDelayMaxMs: number;
}

function median(values: readonly number[]): number {
  return percentile(
    [...values].sort((a, b) => a - b),
    50,
  );
}

/** Deterministic, so two runs keep the same subset for the same arrivals. */
function lcg(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

/**
 * What one window keeps: every memory sample (a few dozen) and at most `latencyCapacity` poll
 * latencies, a uniform sample of all of them (reservoir), so memory stays bounded at any poll rate.
 */
export class WindowRecorder {
  private readonly memory: MemorySample[] = [];
  private readonly latencies: number[] = [];
  private readonly random: () => number;
  private polls = 0;
  private failedPolls = 0;
  /** The window's first and last sample that carried CPU seconds, with when it was taken. */
  private firstCpu: { atMs: number; sample: MemorySample } | null = null;
  private lastCpu: { atMs: number; sample: MemorySample } | null = null;
  /** p99 and max of the event loop delay in each interval between samples, in ms. */
  private readonly delayP99s: number[] = [];
  private delayMaxMs = Number.NaN;

  constructor(
    readonly span: Span,
    private readonly latencyCapacity = 100_000,
    seed = 1,
  ) {
    this.random = lcg(seed);
  }

  contains(atMs: number): boolean {
    return atMs >= this.span.startMs && atMs < this.span.endMs;
  }

  addMemory(atMs: number, sample: MemorySample): void {
    if (!this.contains(atMs)) return;
    this.memory.push(sample);
    if (sample.cpuSeconds === undefined) return;
    this.firstCpu ??= { atMs, sample };
    this.lastCpu = { atMs, sample };
  }

  /** The event loop delay of the interval that ended at `atMs` (perf_hooks' monitor, in ms). */
  addEventLoopDelay(atMs: number, p99Ms: number, maxMs: number): void {
    if (!this.contains(atMs) || !Number.isFinite(p99Ms)) return;
    this.delayP99s.push(p99Ms);
    this.delayMaxMs = Number.isNaN(this.delayMaxMs) ? maxMs : Math.max(this.delayMaxMs, maxMs);
  }

  /** Share of one core between the first and the last CPU sample, from the seconds `pick` reads. */
  private cpuShare(pick: (sample: MemorySample) => number | undefined): number {
    if (this.firstCpu === null || this.lastCpu === null || this.lastCpu.atMs <= this.firstCpu.atMs)
      return Number.NaN;
    const used = (pick(this.lastCpu.sample) ?? Number.NaN) - (pick(this.firstCpu.sample) ?? Number.NaN);
    return (used / ((this.lastCpu.atMs - this.firstCpu.atMs) / 1000)) * 100;
  }

  addPoll(atMs: number, durationMs: number, ok: boolean): void {
    if (!this.contains(atMs)) return;
    this.polls++;
    if (!ok) this.failedPolls++;
    if (this.latencies.length < this.latencyCapacity) {
      this.latencies.push(durationMs);
      return;
    }
    const slot = Math.floor(this.random() * this.polls);
    if (slot < this.latencyCapacity) this.latencies[slot] = durationMs;
  }

  summary(): WindowSummary {
    const sorted = [...this.latencies].sort((a, b) => a - b);
    return {
      samples: this.memory.length,
      rssMedianBytes: median(this.memory.map((m) => m.rssBytes)),
      heapUsedMedianBytes: median(this.memory.map((m) => m.heapUsedBytes)),
      fdsMedian: median(this.memory.map((m) => m.openFds)),
      fdsMax: this.memory.length === 0 ? Number.NaN : Math.max(...this.memory.map((m) => m.openFds)),
      load1Median: median(this.memory.map((m) => m.load1)),
      polls: this.polls,
      failedPolls: this.failedPolls,
      p50Ms: percentile(sorted, 50),
      p99Ms: percentile(sorted, 99),
      cpuPct: this.cpuShare((s) => s.cpuSeconds),
      mainThreadCpuPct: this.cpuShare((s) => s.mainThreadCpuSeconds),
      simulatorCpuPct: this.cpuShare((s) => s.simulatorCpuSeconds),
      eventLoopDelayP99Ms: median(this.delayP99s),
      eventLoopDelayMaxMs: this.delayMaxMs,
    };
  }
}

export interface SoakRow {
  measure: string;
  first: string;
  last: string;
  change: string;
  target: string;
  /** '' for rows shown for context, without a target. */
  verdict: 'PASS' | 'MISS' | '';
}

const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;
const ms = (value: number) => `${value.toFixed(1)} ms`;
const pct = (value: number) => `${value >= 0 ? '+' : ''}${value.toFixed(1)}%`;
const changePct = (first: number, last: number) => ((last - first) / first) * 100;
const judged = (ok: boolean): 'PASS' | 'MISS' => (ok ? 'PASS' : 'MISS');

/** First window against last: RSS, descriptors and p99 poll latency judged; the rest for context. */
export function compareWindows(first: WindowSummary, last: WindowSummary): SoakRow[] {
  const rssChange = changePct(first.rssMedianBytes, last.rssMedianBytes);
  const p99Change = changePct(first.p99Ms, last.p99Ms);
  const fdChange = last.fdsMedian - first.fdsMedian;
  return [
    {
      measure: 'RSS after GC (median)',
      first: mib(first.rssMedianBytes),
      last: mib(last.rssMedianBytes),
      change: pct(rssChange),
      target: `≤ +${TARGETS.rssGrowthPct}%`,
      verdict: judged(rssChange <= TARGETS.rssGrowthPct),
    },
    {
      measure: 'open file descriptors (median)',
      first: `${first.fdsMedian}`,
      last: `${last.fdsMedian}`,
      change: `${fdChange >= 0 ? '+' : ''}${fdChange}`,
      target: 'no growth',
      verdict: judged(fdChange <= 0),
    },
    {
      measure: 'poll latency p99',
      first: ms(first.p99Ms),
      last: ms(last.p99Ms),
      change: pct(p99Change),
      target: `within ±${TARGETS.p99ChangePct}%`,
      verdict: judged(Math.abs(p99Change) <= TARGETS.p99ChangePct),
    },
    {
      measure: 'open file descriptors (most)',
      first: `${first.fdsMax}`,
      last: `${last.fdsMax}`,
      change: `${last.fdsMax - first.fdsMax >= 0 ? '+' : ''}${last.fdsMax - first.fdsMax}`,
      target: '',
      verdict: '',
    },
    {
      measure: 'V8 heap used after GC (median)',
      first: mib(first.heapUsedMedianBytes),
      last: mib(last.heapUsedMedianBytes),
      change: pct(changePct(first.heapUsedMedianBytes, last.heapUsedMedianBytes)),
      target: '',
      verdict: '',
    },
    {
      measure: 'poll latency p50',
      first: ms(first.p50Ms),
      last: ms(last.p50Ms),
      change: pct(changePct(first.p50Ms, last.p50Ms)),
      target: '',
      verdict: '',
    },
    {
      measure: 'event loop delay p99 (median of 10 s)',
      first: ms(first.eventLoopDelayP99Ms),
      last: ms(last.eventLoopDelayP99Ms),
      change: pct(changePct(first.eventLoopDelayP99Ms, last.eventLoopDelayP99Ms)),
      target: '',
      verdict: '',
    },
    {
      measure: 'event loop delay max',
      first: ms(first.eventLoopDelayMaxMs),
      last: ms(last.eventLoopDelayMaxMs),
      change: pct(changePct(first.eventLoopDelayMaxMs, last.eventLoopDelayMaxMs)),
      target: '',
      verdict: '',
    },
    {
      measure: 'CPU, % of a core: collector (all threads)',
      first: first.cpuPct.toFixed(1),
      last: last.cpuPct.toFixed(1),
      change: pct(changePct(first.cpuPct, last.cpuPct)),
      target: '',
      verdict: '',
    },
    {
      measure: 'CPU, % of a core: collector main thread',
      first: first.mainThreadCpuPct.toFixed(1),
      last: last.mainThreadCpuPct.toFixed(1),
      change: pct(changePct(first.mainThreadCpuPct, last.mainThreadCpuPct)),
      target: '',
      verdict: '',
    },
    {
      measure: 'CPU, % of a core: simulator',
      first: first.simulatorCpuPct.toFixed(1),
      last: last.simulatorCpuPct.toFixed(1),
      change: pct(changePct(first.simulatorCpuPct, last.simulatorCpuPct)),
      target: '',
      verdict: '',
    },
    {
      measure: 'host load average, 1 min (median)',
      first: first.load1Median.toFixed(1),
      last: last.load1Median.toFixed(1),
      change: pct(changePct(first.load1Median, last.load1Median)),
      target: '',
      verdict: '',
    },
    {
      measure: 'polls (failed)',
      first: `${first.polls} (${first.failedPolls})`,
      last: `${last.polls} (${last.failedPolls})`,
      change: '',
      target: '',
      verdict: '',
    },
  ];
}

/** One line: PASS when every judged row passed, else MISS naming the rows that did not. */
export function soakVerdict(rows: readonly SoakRow[]): string {
  const missed = rows.filter((row) => row.verdict === 'MISS');
  if (missed.length === 0) return 'PASS: no growth in memory or descriptors, poll latency stable';
  return `MISS: ${missed.map((row) => `${row.measure} ${row.change} (target ${row.target})`).join('; ')}`;
}

export function formatSoakTable(rows: readonly SoakRow[]): string {
  const header: SoakRow = {
    measure: 'measure',
    first: 'first window',
    last: 'last window',
    change: 'change',
    target: 'target',
    verdict: '' as const,
  };
  const all = [header, ...rows];
  const keys = ['measure', 'first', 'last', 'change', 'target', 'verdict'] as const;
  const widths = keys.map((key) => Math.max(...all.map((row) => row[key].length)));
  const line = (row: SoakRow) =>
    keys
      .map((key, i) => row[key].padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

import { describe, expect, it } from 'vitest';
import {
  WindowRecorder,
  compareWindows,
  formatSoakTable,
  planSoak,
  soakVerdict,
  type WindowSummary,
} from '../../bench/support/soak-windows';

const MIN = 60_000;

function summary(overrides: Partial<WindowSummary> = {}): WindowSummary {
  return {
    samples: 30,
    rssMedianBytes: 400 * 2 ** 20,
    heapUsedMedianBytes: 120 * 2 ** 20,
    fdsMedian: 40,
    fdsMax: 44,
    load1Median: 2,
    polls: 25_000,
    failedPolls: 0,
    p50Ms: 8,
    p99Ms: 50,
    cpuPct: 60,
    mainThreadCpuPct: 45,
    simulatorCpuPct: 40,
    eventLoopDelayP99Ms: 12,
    eventLoopDelayMaxMs: 80,
    ...overrides,
  };
}

describe('planSoak', () => {
  it('uses five-minute windows at the start and the end of a 30-minute run, after the warm-up', () => {
    const plan = planSoak(30, MIN);
    expect(plan.windowMs).toBe(5 * MIN);
    expect(plan.first).toEqual({ startMs: MIN, endMs: 6 * MIN });
    expect(plan.last).toEqual({ startMs: 26 * MIN, endMs: 31 * MIN });
    expect(plan.endMs).toBe(31 * MIN);
  });

  it('uses the first and the last fifth of a shorter run', () => {
    const plan = planSoak(10, 0);
    expect(plan.windowMs).toBe(2 * MIN);
    expect(plan.first).toEqual({ startMs: 0, endMs: 2 * MIN });
    expect(plan.last).toEqual({ startMs: 8 * MIN, endMs: 10 * MIN });
  });

  it('refuses runs too short to compare, too long to be bounded, or not a number, naming the range', () => {
    for (const minutes of [3, 0, -5, Number.NaN, 100_000])
      expect(() => planSoak(minutes, 0)).toThrow(/from 4 to 1440/);
  });
});

describe('WindowRecorder', () => {
  it('keeps only what happens inside its span', () => {
    const recorder = new WindowRecorder({ startMs: 1000, endMs: 2000 });
    recorder.addPoll(999, 500, true);
    recorder.addPoll(1000, 10, true);
    recorder.addPoll(1999, 20, false);
    recorder.addPoll(2000, 500, true);
    recorder.addMemory(500, { rssBytes: 1, heapUsedBytes: 1, openFds: 99, load1: 9 });
    recorder.addMemory(1500, { rssBytes: 100, heapUsedBytes: 50, openFds: 30, load1: 3 });
    const s = recorder.summary();
    expect(s.polls).toBe(2);
    expect(s.failedPolls).toBe(1);
    expect(s.p99Ms).toBe(20);
    expect(s.fdsMax).toBe(30);
    expect(s.fdsMedian).toBe(30);
    expect(s.load1Median).toBe(3);
    expect(s.rssMedianBytes).toBe(100);
  });

  it("reports CPU as a share of a core between its first and last sample, and the loop's delays", () => {
    const recorder = new WindowRecorder({ startMs: 0, endMs: 60_000 });
    const memory = { rssBytes: 1, heapUsedBytes: 1, openFds: 1, load1: 1 };
    const cpu = (own: number, main: number, simulator: number) => ({
      cpuSeconds: own,
      mainThreadCpuSeconds: main,
      simulatorCpuSeconds: simulator,
    });
    recorder.addMemory(10_000, { ...memory, ...cpu(100, 80, 50) });
    recorder.addMemory(30_000, { ...memory, ...cpu(112, 86, 54) });
    recorder.addMemory(50_000, { ...memory, ...cpu(124, 92, 58) });
    recorder.addEventLoopDelay(20_000, 11, 40);
    recorder.addEventLoopDelay(40_000, 15, 210);
    recorder.addEventLoopDelay(45_000, 13, 30);
    recorder.addEventLoopDelay(70_000, 900, 900);
    const s = recorder.summary();
    expect(s.cpuPct).toBeCloseTo(60);
    expect(s.mainThreadCpuPct).toBeCloseTo(30);
    expect(s.simulatorCpuPct).toBeCloseTo(20);
    expect(s.eventLoopDelayP99Ms).toBe(13);
    expect(s.eventLoopDelayMaxMs).toBe(210);
  });

  it('holds at most its capacity of latencies and still finds the slow tail of many more polls', () => {
    const recorder = new WindowRecorder({ startMs: 0, endMs: 1e9 }, 1000);
    // 100,000 polls: 98% take 10 ms, 2% take 500 ms, interleaved.
    for (let i = 0; i < 100_000; i++) recorder.addPoll(i, i % 50 === 0 || i % 50 === 1 ? 500 : 10, true);
    const s = recorder.summary();
    expect(s.polls).toBe(100_000);
    expect(s.p50Ms).toBe(10);
    expect(s.p99Ms).toBe(500);
  });
});

describe('compareWindows', () => {
  it('passes a steady run', () => {
    const rows = compareWindows(
      summary(),
      summary({ rssMedianBytes: 410 * 2 ** 20, fdsMedian: 39, fdsMax: 60, p99Ms: 58 }),
    );
    expect(rows.filter((r) => r.verdict !== '').map((r) => r.verdict)).toEqual(['PASS', 'PASS', 'PASS']);
    expect(soakVerdict(rows)).toMatch(/^PASS/);
  });

  it('misses on RSS growth over 5%, one more descriptor, or p99 moving more than 20% either way', () => {
    const rows = compareWindows(
      summary(),
      summary({ rssMedianBytes: 424 * 2 ** 20, fdsMedian: 41, p99Ms: 39 }),
    );
    const judged = Object.fromEntries(rows.map((r) => [r.measure, r]));
    expect(judged['RSS after GC (median)']?.verdict).toBe('MISS');
    expect(judged['RSS after GC (median)']?.change).toBe('+6.0%');
    expect(judged['open file descriptors (median)']?.verdict).toBe('MISS');
    expect(judged['poll latency p99']?.verdict).toBe('MISS');
    const verdict = soakVerdict(rows);
    expect(verdict).toMatch(/^MISS: RSS after GC \(median\) \+6\.0%/);
    expect(verdict).toContain('open file descriptors (median) +1');
    expect(verdict).toContain('poll latency p99 -22.0%');
  });

  it('misses when a window saw no polls at all rather than passing on nothing', () => {
    const rows = compareWindows(summary(), summary({ polls: 0, p99Ms: Number.NaN }));
    expect(rows.find((r) => r.measure === 'poll latency p99')?.verdict).toBe('MISS');
  });

  it('prints a table with a header and one line per row', () => {
    const table = formatSoakTable(compareWindows(summary(), summary()));
    const lines = table.split('\n');
    expect(lines[0]).toMatch(/^measure\s+first window\s+last window\s+change\s+target/);
    expect(lines).toHaveLength(2 + 13);
    expect(table).toContain('PASS');
  });
});

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ReachabilityTracker, Scheduler } from '../../collector/scheduler';

describe('Scheduler', () => {
  beforeEach(() => vi.useFakeTimers({ now: 1_000_000 }));
  afterEach(() => vi.useRealTimers());

  it('spreads the tasks of one interval evenly across it (no burst)', async () => {
    const starts: Array<[string, number]> = [];
    const s = new Scheduler({ concurrency: 10 });
    s.start(
      ['a', 'b', 'c', 'd'].map((id) => ({
        id,
        intervalMs: 1000,
        run: () => (starts.push([id, Date.now() - 1_000_000]), Promise.resolve()),
      })),
    );
    await vi.advanceTimersByTimeAsync(1999);
    expect(starts).toEqual([
      ['a', 0],
      ['b', 250],
      ['c', 500],
      ['d', 750],
      ['a', 1000],
      ['b', 1250],
      ['c', 1500],
      ['d', 1750],
    ]);
    await s.stop();
  });

  it('never runs more than `concurrency` polls at once, and reports the queue lag', async () => {
    let running = 0;
    let peak = 0;
    const lags: number[] = [];
    const s = new Scheduler({ concurrency: 2, onLag: (ms) => lags.push(ms) });
    s.start(
      Array.from({ length: 6 }, (_, i) => ({
        id: `n${i}`,
        intervalMs: 60_000,
        run: async () => {
          running++;
          peak = Math.max(peak, running);
          await new Promise((r) => setTimeout(r, 30_000));
          running--;
        },
      })),
    );
    await vi.advanceTimersByTimeAsync(59_000);
    expect(peak).toBe(2);
    expect(s.stats().started).toBe(4);
    expect(Math.max(...lags)).toBeGreaterThan(0);
    const stopping = s.stop();
    await vi.advanceTimersByTimeAsync(60_000);
    await stopping;
  });

  it('a slow task skips its turn instead of piling up; the others keep their rhythm', async () => {
    const runs = { slow: 0, fast: 0 };
    const s = new Scheduler({ concurrency: 5 });
    s.start([
      { id: 'slow', intervalMs: 1000, run: () => (runs.slow++, new Promise((r) => setTimeout(r, 2500))) },
      { id: 'fast', intervalMs: 1000, run: () => (runs.fast++, Promise.resolve()) },
    ]);
    await vi.advanceTimersByTimeAsync(5900);
    expect(runs.fast).toBe(6);
    expect(runs.slow).toBe(2);
    expect(s.stats().skipped).toBeGreaterThanOrEqual(3);
    const stopping = s.stop();
    await vi.advanceTimersByTimeAsync(3000);
    await stopping;
  });

  it('refuses nonsense settings', () => {
    expect(() => new Scheduler({ concurrency: 0 })).toThrow(/concurrency/);
    expect(() =>
      new Scheduler({ concurrency: 1 }).start([{ id: 'x', intervalMs: 0, run: () => Promise.resolve() }]),
    ).toThrow(/interval/);
  });
});

describe('ReachabilityTracker', () => {
  it.each([
    { name: 'first answer → reachable', steps: ['ok'], want: ['reachable'] },
    { name: 'answers keep quiet', steps: ['ok', 'ok', 'ok'], want: ['reachable'] },
    { name: 'two misses are not enough (N=3)', steps: ['ok', 'miss', 'miss', 'ok'], want: ['reachable'] },
    {
      name: 'three misses → unreachable, once',
      steps: ['ok', 'miss', 'miss', 'miss', 'miss'],
      want: ['reachable', 'unreachable'],
    },
    {
      name: 'back again → reachable',
      steps: ['miss', 'miss', 'miss', 'ok'],
      want: ['unreachable', 'reachable'],
    },
    { name: 'auth failure is immediate', steps: ['ok', 'auth'], want: ['reachable', 'unreachable'] },
  ])('$name', ({ steps, want }) => {
    const t = new ReachabilityTracker(3);
    const changes: string[] = [];
    for (const step of steps) {
      const c =
        step === 'ok'
          ? t.succeeded('n')
          : t.failed('n', step === 'auth' ? 'authentication failed' : 'no answer', step === 'auth');
      if (c) changes.push(c.state);
    }
    expect(changes).toEqual(want);
  });

  it('says how many polls were missed', () => {
    const t = new ReachabilityTracker(2);
    t.failed('n', 'no answer (timeout)');
    expect(t.failed('n', 'no answer (timeout)')).toEqual({
      state: 'unreachable',
      reason: 'no answer (timeout) (2 polls in a row)',
    });
    expect(t.count('unreachable')).toBe(1);
  });
});

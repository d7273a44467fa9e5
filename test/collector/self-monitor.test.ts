import { describe, expect, it } from 'vitest';
import { collectorPoint, percentile, SelfMonitor } from '../../collector/self-monitor';

describe('self-monitoring', () => {
  it.each([
    { values: [], p: 50, want: 0 },
    { values: [7], p: 99, want: 7 },
    { values: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], p: 50, want: 5 },
    { values: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], p: 95, want: 10 },
    { values: Array.from({ length: 100 }, (_, i) => i + 1), p: 99, want: 99 },
  ])('nearest-rank p$p of $values.length values', ({ values, p, want }) => {
    expect(percentile(values, p)).toBe(want);
  });

  it('a period: polls/s, percentiles, timeouts/s, lag, values/s; then starts afresh', () => {
    let now = 0;
    const m = new SelfMonitor(() => now);
    for (let i = 1; i <= 100; i++) m.recordPoll(i, i % 10 === 0 ? 'timeout' : 'ok', 50);
    m.recordLag(10);
    m.recordLag(30);
    now = 10_000;
    const s = m.takeSnapshot();
    expect(s).toMatchObject({
      periodS: 10,
      polls: 100,
      pollsPs: 10,
      pollP50Ms: 50,
      pollP95Ms: 95,
      pollP99Ms: 99,
    });
    expect(s).toMatchObject({
      timeouts: 10,
      timeoutsPs: 1,
      failures: 10,
      queueLagMs: 20,
      maxQueueLagMs: 30,
      valuesPs: 500,
    });
    now = 20_000;
    expect(m.takeSnapshot()).toMatchObject({ polls: 0, pollsPs: 0, pollP99Ms: 0, queueLagMs: 0 });
    expect(m.totals).toMatchObject({ polls: 100, timeouts: 10, values: 5000 });

    const point = collectorPoint(
      'nanyang-1',
      s,
      { pendingPoints: 3, spooledPoints: 40, droppedPoints: 2, backendUp: false, lastError: 'x' },
      5,
    );
    expect(point).toEqual({
      measurement: 'collector',
      tags: { collector: 'nanyang-1' },
      fields: {
        pollsPs: 10,
        pollP50Ms: 50,
        pollP95Ms: 95,
        pollP99Ms: 99,
        timeoutsPs: 1,
        queueLagMs: 20,
        spoolPoints: 40,
        droppedPoints: 2,
        valuesPs: 500,
      },
      timeMs: 5,
    });
  });
});

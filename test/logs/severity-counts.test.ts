import { describe, expect, it } from 'vitest';
import type { MetricPoint, SecurityCategory, SecurityEvent } from '../../domain';
import { startSecurityCounts } from '../../logs/security-counts';
import { severityOf } from '../../logs/severity';

describe('severityOf', () => {
  it.each([
    [0, 'system', 'critical'],
    [3, 'system', 'major'],
    [4, 'system', 'warning'],
    [6, 'system', 'info'],
    [null, 'system', 'info'],
    [6, 'attack', 'major'],
    [5, 'auth-failure', 'warning'],
    [6, 'policy-deny', 'warning'],
    [5, 'config-change', 'warning'],
    [2, 'auth-failure', 'critical'],
    [6, 'auth-success', 'info'],
  ] as const)('level %s, %s → %s', (level, category, severity) => {
    expect(severityOf(level, category as SecurityCategory)).toBe(severity);
  });
});

describe('security counts for the MetricsStore', () => {
  const event = (node: string | null, category: SecurityCategory) => ({ node, category }) as SecurityEvent;

  it('writes one point per node and category per period, unknown senders as node "unknown"', () => {
    const written: MetricPoint[][] = [];
    const counts = startSecurityCounts(
      (points) => written.push(points),
      60_000,
      () => 1_000,
    );
    counts.flush();
    expect(written).toEqual([]); // nothing counted, nothing written
    for (let i = 0; i < 6; i++) counts.count(event('xichuan-gw', 'auth-failure'));
    counts.count(event('xichuan-gw', 'auth-success'));
    counts.count(event(null, 'system'));
    counts.flush();
    expect(written).toEqual([
      [
        {
          measurement: 'security',
          tags: { node: 'xichuan-gw', category: 'auth-failure' },
          fields: { count: 6 },
          timeMs: 1_000,
        },
        {
          measurement: 'security',
          tags: { node: 'xichuan-gw', category: 'auth-success' },
          fields: { count: 1 },
          timeMs: 1_000,
        },
        {
          measurement: 'security',
          tags: { node: 'unknown', category: 'system' },
          fields: { count: 1 },
          timeMs: 1_000,
        },
      ],
    ]);
    counts.count(event('xichuan-gw', 'attack'));
    counts.stop();
    expect(written[1]).toEqual([
      {
        measurement: 'security',
        tags: { node: 'xichuan-gw', category: 'attack' },
        fields: { count: 1 },
        timeMs: 1_000,
      },
    ]);
  });
});

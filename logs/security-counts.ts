/**
 * Security events counted per node and category into the MetricsStore: measurement `security`, tags
 * `node` (`unknown` for unknown senders) and `category`, field `count` = events in the period ending at
 * the point's time. Counted in memory and written once per period, so a flood of lines costs one
 * point per node and category, never one per line; the map is bounded by nodes × categories.
 */
import type { MetricPoint, SecurityEvent } from '../domain';

export const SECURITY_MEASUREMENT = 'security';
export const UNKNOWN_NODE_TAG = 'unknown';

export interface SecurityCounter {
  count(event: SecurityEvent): void;
  /** Writes what was counted since the last flush (nothing when nothing happened). */
  flush(): void;
  stop(): void;
}

export function startSecurityCounts(
  write: (points: MetricPoint[]) => void,
  periodMs = 10_000,
  now: () => number = Date.now,
): SecurityCounter {
  let counts = new Map<string, { node: string; category: string; count: number }>();
  const flush = () => {
    if (counts.size === 0) return;
    const timeMs = now();
    const points: MetricPoint[] = [...counts.values()].map(({ node, category, count }) => ({
      measurement: SECURITY_MEASUREMENT,
      tags: { node, category },
      fields: { count },
      timeMs,
    }));
    counts = new Map();
    write(points);
  };
  const timer = setInterval(flush, periodMs);
  timer.unref();
  return {
    count(event) {
      const node = event.node ?? UNKNOWN_NODE_TAG;
      const key = `${node}\u0000${event.category}`;
      const entry = counts.get(key);
      if (entry) entry.count++;
      else counts.set(key, { node, category: event.category, count: 1 });
    },
    flush,
    stop() {
      clearInterval(timer);
      flush();
    },
  };
}

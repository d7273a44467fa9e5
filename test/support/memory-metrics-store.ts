/**
 * A MetricsStore test double for unit and collector tests: keeps every point in memory, answers
 * `latest` and a simple `query`. The real implementations live in metrics/ and pass the contract suite.
 */
import type { MetricsStore, RangeQuery, Series, StoreHealth } from '../../metrics/types';
import type { MetricPoint } from '../../domain';

export class MemoryMetricsStore implements MetricsStore {
  readonly kind = 'embedded' as const;
  readonly points: MetricPoint[] = [];
  flushes = 0;
  closed = false;

  init(): Promise<void> {
    return Promise.resolve();
  }

  write(points: MetricPoint[]): void {
    if (this.closed) throw new Error('MemoryMetricsStore: write after close');
    this.points.push(...points);
  }

  flush(): Promise<void> {
    this.flushes++;
    return Promise.resolve();
  }

  /** Points of a measurement whose tags include `where`, in write order. */
  find(measurement: string, where: Record<string, string> = {}): MetricPoint[] {
    return this.points.filter(
      (p) => p.measurement === measurement && Object.entries(where).every(([k, v]) => p.tags[k] === v),
    );
  }

  query(q: RangeQuery): Promise<Series[]> {
    const values = this.find(q.measurement, q.where)
      .filter((p) => p.timeMs >= q.startMs && p.timeMs < q.endMs && q.field in p.fields)
      .map((p) => [p.timeMs, p.fields[q.field] ?? 0] as [number, number]);
    return Promise.resolve(values.length === 0 ? [] : [{ tags: q.where ?? {}, points: values }]);
  }

  latest(measurement: string, where?: Record<string, string>): Promise<MetricPoint[]> {
    const bySeries = new Map<string, MetricPoint>();
    for (const p of this.find(measurement, where)) bySeries.set(JSON.stringify(p.tags), p);
    return Promise.resolve([...bySeries.values()]);
  }

  health(): StoreHealth {
    return { pendingPoints: 0, spooledPoints: 0, droppedPoints: 0, backendUp: true, lastError: null };
  }

  close(): Promise<void> {
    this.closed = true;
    return Promise.resolve();
  }
}

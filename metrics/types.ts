/**
 * MetricsStore: where samples live. Two implementations pass one contract suite
 * (test/metrics/contract.ts): InfluxDB 1.x for production and an embedded SQLite store for the demo.
 * The measurement/tag/field schema is written down in docs/metrics.md.
 */
import type { MetricPoint } from '../domain';

/**
 * `count`: how many readings a bucket holds; `sum`: their sum (on rollups, of the 5-minute means:
 * how many 5-minute buckets had data, and the sum of their means).
 */
export type Aggregation = 'mean' | 'max' | 'min' | 'last' | 'count' | 'sum';

export interface RangeQuery {
  measurement: string;
  field: string;
  /** Exact-match tag filters, e.g. { node: 'xichuan-gw', ifIndex: '1' }. */
  where?: Record<string, string>;
  /** Restrict to series whose `node` tag is one of these (scope enforcement by the console). */
  nodes?: string[];
  startMs: number;
  endMs: number;
  /** Bucket width; the result has one value per bucket that had data. */
  stepS: number;
  aggregation: Aggregation;
  /** Split the result into one series per value of these tags. */
  groupBy?: string[];
}

export interface Series {
  tags: Record<string, string>;
  /** [bucketStartMs, value] pairs in time order. */
  points: Array<[number, number]>;
}

/** A read of the daily reachability rollup (`daily-rollup.ts`): the UTC days starting in [startMs, endMs). */
export interface DailyQuery {
  startMs: number;
  endMs: number;
  /** Restrict to these nodes (scope enforcement, a county's report). */
  nodes?: string[];
}

/** One `node` series' days: its tags (node, role, tier, zone) and [dayStartMs, buckets, sum] in time order. */
export interface DailySeries {
  tags: Record<string, string>;
  days: Array<[number, number, number]>;
}

export interface StoreHealth {
  /** Points accepted but not yet durable in the backend (in memory or in the spool). */
  pendingPoints: number;
  /** Points in the on-disk outage spool. */
  spooledPoints: number;
  /** Points dropped because the spool was full: never silent, always reported. */
  droppedPoints: number;
  /** Whether the last write to the backend succeeded. */
  backendUp: boolean;
  lastError: string | null;
}

export interface MetricsStore {
  readonly kind: 'influx' | 'embedded';
  /** Create databases, retention policies and rollups if missing. Idempotent. */
  init(): Promise<void>;
  /** Accept points; buffered and batched. Never throws for a backend outage (spools instead). */
  write(points: MetricPoint[]): void;
  /** Write everything buffered now (used on shutdown and in tests). */
  flush(): Promise<void>;
  query(q: RangeQuery): Promise<Series[]>;
  /**
   * The daily reachability rollup, one row per `node` series and UTC day: how many 5-minute buckets
   * had a reading and the sum of their `reachable` means. Both stores keep it; a store without it
   * (a test double) leaves it out and its readers fall back to the 5-minute rollups.
   */
  queryDailyReachability?(q: DailyQuery): Promise<DailySeries[]>;
  /** Latest value of each field for each series of a measurement (for "live" views). */
  latest(measurement: string, where?: Record<string, string>): Promise<MetricPoint[]>;
  health(): StoreHealth;
  close(): Promise<void>;
}

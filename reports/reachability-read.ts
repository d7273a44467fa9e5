/**
 * The month's `node.reachable` as 5-minute means per node, read without moving every bucket: a
 * province's month is 46 M rollup points, and nearly all of them say "up". One grouped read over
 * the whole month, one row per series and day — the sum of its 5-minute means — tells which
 * node-days were wholly up: a series holds at most one rollup point per 5-minute bucket (the
 * rollup writes each bucket at its start) and every mean is at most 1, so the sum equals the day's
 * bucket count exactly when every bucket has a reading and every reading is 1. Only the other
 * node-days (downtime, gaps, a node whose tags changed that day: two series) are then read bucket
 * by bucket, one query per day. The result is the same as reading every bucket, for one scan of
 * the month (a count and a minimum would be two: measured 12 s and 8 s of influxd CPU each).
 */
import type { NodeId } from '../domain';
import type { MetricsStore, RangeQuery, Series } from '../metrics';
import { BUCKET_S, type Readings } from './availability';
import type { ReportPeriod } from './period';

const BUCKET_MS = BUCKET_S * 1000;
/** Day chunks, aligned to the epoch like every bucket of both stores. */
export const CHUNK_S = 86_400;
const CHUNK_MS = CHUNK_S * 1000;
/** The tags of a `node` series (the collector's): a node with two series in a day is read in detail. */
const SERIES_TAGS = ['node', 'role', 'tier', 'zone'];
/** Nodes named in one query when a part of the network is read (InfluxQL's OR list stays short). */
const NODES_PER_QUERY = 200;

/** The month's day-by-day summary: the sum of the 5-minute means, per series and day. */
export function summaryQuery(period: ReportPeriod, nodes: string[] | undefined): RangeQuery {
  return {
    measurement: 'node',
    field: 'reachable',
    startMs: period.startMs,
    endMs: period.endMs,
    stepS: CHUNK_S,
    aggregation: 'sum',
    groupBy: SERIES_TAGS,
    ...(nodes === undefined ? {} : { nodes }),
  };
}

/** The 5-minute means of some nodes over one day chunk (clipped to the period). */
export function detailQuery(period: ReportPeriod, chunkMs: number, nodes: string[]): RangeQuery {
  return {
    measurement: 'node',
    field: 'reachable',
    nodes,
    startMs: Math.max(chunkMs, period.startMs),
    endMs: Math.min(chunkMs + CHUNK_MS, period.endMs),
    stepS: BUCKET_S,
    aggregation: 'mean',
    groupBy: ['node'],
  };
}

function slices<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let from = 0; from < items.length; from += size) out.push(items.slice(from, from + size));
  return out;
}

/** How many 5-minute buckets of a day chunk fall inside the period. */
function bucketsInChunk(period: ReportPeriod, chunkMs: number): number {
  const fromMs = Math.max(chunkMs, period.startMs);
  const toMs = Math.min(chunkMs + CHUNK_MS, period.endMs);
  return Math.max(0, Math.ceil((toMs - fromMs) / BUCKET_MS));
}

interface DaySummary {
  /** node -> chunk start -> the sum of its 5-minute means (over the node's series). */
  sums: Map<string, Map<number, number>>;
  /** node -> chunks where the node had more than one series. */
  split: Map<string, Set<number>>;
}

function summarise(sumSeries: Series[]): DaySummary {
  const summary: DaySummary = { sums: new Map(), split: new Map() };
  for (const one of sumSeries) {
    const node = one.tags.node ?? '';
    const sums = summary.sums.get(node) ?? new Map<number, number>();
    summary.sums.set(node, sums);
    for (const [chunkMs, sum] of one.points) {
      if (sums.has(chunkMs)) {
        const split = summary.split.get(node) ?? new Set<number>();
        summary.split.set(node, split.add(chunkMs));
      }
      sums.set(chunkMs, (sums.get(chunkMs) ?? 0) + sum);
    }
  }
  return summary;
}

/** Fill the wholly-up days with 1 and collect, per day, the nodes to read bucket by bucket. */
function fillUpDays(
  summary: DaySummary,
  period: ReportPeriod,
  wanted: ReadonlySet<string>,
  readings: Readings,
): Map<number, string[]> {
  const buckets = Math.ceil((period.endMs - period.startMs) / BUCKET_MS);
  const detail = new Map<number, string[]>();
  for (const [node, sums] of summary.sums) {
    if (!wanted.has(node)) continue;
    const means = new Float64Array(buckets).fill(Number.NaN);
    readings.set(node as NodeId, means);
    for (const [chunkMs, sum] of sums) {
      if (sum === bucketsInChunk(period, chunkMs) && summary.split.get(node)?.has(chunkMs) !== true) {
        const from = Math.max(0, (chunkMs - period.startMs) / BUCKET_MS);
        means.fill(1, from, Math.min(buckets, (chunkMs + CHUNK_MS - period.startMs) / BUCKET_MS));
        continue;
      }
      detail.set(chunkMs, [...(detail.get(chunkMs) ?? []), node]);
    }
  }
  return detail;
}

/**
 * The period's 5-minute means per node. `nodeIds` undefined: every node the store has, kept if
 * `wanted` (the whole network, read without a node list); otherwise those nodes, 200 to a query.
 */
export async function readReachability(
  store: MetricsStore,
  period: ReportPeriod,
  nodeIds: string[] | undefined,
  wanted: ReadonlySet<string>,
): Promise<Readings> {
  const sumSeries: Series[] = [];
  const groups = nodeIds === undefined ? [undefined] : slices(nodeIds, NODES_PER_QUERY);
  for (const nodes of groups) sumSeries.push(...(await store.query(summaryQuery(period, nodes))));
  const readings: Readings = new Map();
  const detail = fillUpDays(summarise(sumSeries), period, wanted, readings);
  for (const [chunkMs, nodes] of detail) {
    for (const part of slices(nodes, NODES_PER_QUERY)) {
      for (const one of await store.query(detailQuery(period, chunkMs, part))) {
        const means = readings.get((one.tags.node ?? '') as NodeId);
        if (means === undefined) continue;
        for (const [atMs, mean] of one.points) means[Math.floor((atMs - period.startMs) / BUCKET_MS)] = mean;
      }
    }
  }
  return readings;
}

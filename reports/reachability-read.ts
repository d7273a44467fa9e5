/**
 * The month's `node.reachable` as 5-minute means per node, read without moving every bucket: a
 * province's month is 44 M rollup points, and nearly all of them say "up". Two grouped reads over
 * the whole month, one row per series and day (how many 5-minute buckets had data, and the lowest
 * reading), tell which node-days were wholly up; only the other node-days (downtime, gaps, a node
 * whose tags changed that day) are then read bucket by bucket, one query per day. The result is the
 * same as reading every bucket.
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

/** The month's two day-by-day summary reads: `count` of buckets per series, `min` reading per node. */
export function summaryQueries(period: ReportPeriod, nodes: string[] | undefined): RangeQuery[] {
  const base = {
    measurement: 'node',
    field: 'reachable',
    startMs: period.startMs,
    endMs: period.endMs,
    stepS: CHUNK_S,
    ...(nodes === undefined ? {} : { nodes }),
  };
  return [
    { ...base, aggregation: 'count', groupBy: SERIES_TAGS },
    { ...base, aggregation: 'min', groupBy: ['node'] },
  ];
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
  /** node -> chunk start -> buckets with data, summed over the node's series. */
  counts: Map<string, Map<number, number>>;
  /** node -> chunks where the node had more than one series. */
  split: Map<string, Set<number>>;
  /** node -> chunk start -> the lowest reading. */
  mins: Map<string, Map<number, number>>;
}

function summarise(countSeries: Series[], minSeries: Series[]): DaySummary {
  const summary: DaySummary = { counts: new Map(), split: new Map(), mins: new Map() };
  for (const one of countSeries) {
    const node = one.tags.node ?? '';
    const counts = summary.counts.get(node) ?? new Map<number, number>();
    summary.counts.set(node, counts);
    for (const [chunkMs, count] of one.points) {
      if (counts.has(chunkMs)) {
        const split = summary.split.get(node) ?? new Set<number>();
        summary.split.set(node, split.add(chunkMs));
      }
      counts.set(chunkMs, (counts.get(chunkMs) ?? 0) + count);
    }
  }
  for (const one of minSeries) summary.mins.set(one.tags.node ?? '', new Map(one.points));
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
  for (const [node, counts] of summary.counts) {
    if (!wanted.has(node)) continue;
    const means = new Float64Array(buckets).fill(Number.NaN);
    readings.set(node as NodeId, means);
    for (const [chunkMs, count] of counts) {
      const whole =
        count === bucketsInChunk(period, chunkMs) && summary.split.get(node)?.has(chunkMs) !== true;
      if (whole && summary.mins.get(node)?.get(chunkMs) === 1) {
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
  const countSeries: Series[] = [];
  const minSeries: Series[] = [];
  const groups = nodeIds === undefined ? [undefined] : slices(nodeIds, NODES_PER_QUERY);
  for (const nodes of groups) {
    const [countQuery, minQuery] = summaryQueries(period, nodes) as [RangeQuery, RangeQuery];
    const [counts, mins] = await Promise.all([store.query(countQuery), store.query(minQuery)]);
    countSeries.push(...counts);
    minSeries.push(...mins);
  }
  const readings: Readings = new Map();
  const detail = fillUpDays(summarise(countSeries, minSeries), period, wanted, readings);
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

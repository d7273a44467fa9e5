/**
 * The month's `node.reachable` as 5-minute means per node, read without moving every bucket: a
 * province's month is 46 M rollup points, and nearly all of them say "up".
 *
 * First pass, per UTC day overlapping the period, which node-days were wholly up:
 * - from the stores' daily reachability rollup (`MetricsStore.queryDailyReachability`, 32 rows per
 *   node for a month): a UTC day whose count of 5-minute buckets and sum of their means both equal
 *   the day's 288 buckets had every bucket read and up (a series holds at most one rollup per bucket,
 *   every mean is at most 1). A report's day (local midnight, Asia/Shanghai by default) is not a UTC
 *   day, so the first and last UTC days reach outside the period: their buckets inside it are taken
 *   as up when the whole UTC day was; a node not wholly up on such a day is checked against the
 *   5-minute sum of the day's part inside the period (one grouped read) — exact in any zone;
 * - for the UTC days the daily rollup holds nothing at all (an install from before it, a backfill
 *   not finished or failed), from one grouped read of the 5-minute rollups of those days, as before:
 *   the sum of the day's 5-minute means (clipped to the period) equals its bucket count exactly when
 *   every bucket was read and up. The report's metadata says how many days were read this way.
 * Then only the other node-days (downtime, gaps, two series because a node's tags changed that
 * day) are read bucket by bucket, one query per day. The result is the same as reading every bucket.
 */
import type { NodeId } from '../domain';
import type { DailySeries, MetricsStore, RangeQuery, Series } from '../metrics';
import { DAY_MS, utcDayStart } from '../metrics';
import { BUCKET_S, type Readings } from './availability';
import type { ReportPeriod } from './period';
import type { ReachabilityRead } from './types';

const BUCKET_MS = BUCKET_S * 1000;
/** Day chunks: UTC days, aligned to the epoch like every bucket of both stores and their daily rollup. */
export const CHUNK_S = 86_400;
const CHUNK_MS = CHUNK_S * 1000;
const BUCKETS_PER_DAY = CHUNK_MS / BUCKET_MS;
/** The tags of a `node` series (the collector's): a node with two series in a day is read in detail. */
const SERIES_TAGS = ['node', 'role', 'tier', 'zone'];
/** Nodes named in one query when a part of the network is read (InfluxQL's OR list stays short). */
const NODES_PER_QUERY = 200;

/** The day-by-day summary of the 5-minute rollups over [startMs, endMs): the sum of the means, per series and day. */
export function summaryQuery(
  range: { startMs: number; endMs: number },
  nodes: string[] | undefined,
): RangeQuery {
  return {
    measurement: 'node',
    field: 'reachable',
    startMs: range.startMs,
    endMs: range.endMs,
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

/** A node's day: summed over its series, and how many series it had. */
interface NodeDay {
  sum: number;
  count: number;
  series: number;
}

/** node -> UTC day start -> its day; `covered`: the days the daily rollup had any row for. */
interface DaySummary {
  days: Map<string, Map<number, NodeDay>>;
  /** Whether a node-day was wholly up (every bucket of the day, or of its part in the period). */
  wholeUp: (day: NodeDay, chunkMs: number) => boolean;
}

function addDay(days: DaySummary['days'], node: string, chunkMs: number, sum: number, count: number): void {
  const byDay = days.get(node) ?? new Map<number, NodeDay>();
  days.set(node, byDay);
  const day = byDay.get(chunkMs) ?? { sum: 0, count: 0, series: 0 };
  byDay.set(chunkMs, { sum: day.sum + sum, count: day.count + count, series: day.series + 1 });
}

/** The daily rollup's rows: a day was wholly up when its 288 buckets were all read and all up. */
function summariseDaily(daily: DailySeries[]): DaySummary & { covered: Set<number> } {
  const summary = {
    days: new Map<string, Map<number, NodeDay>>(),
    covered: new Set<number>(),
    wholeUp: (day: NodeDay) =>
      day.series === 1 && day.count === BUCKETS_PER_DAY && day.sum === BUCKETS_PER_DAY,
  };
  for (const one of daily) {
    for (const [dayMs, count, sum] of one.days) {
      summary.covered.add(dayMs);
      addDay(summary.days, one.tags.node ?? '', dayMs, sum, count);
    }
  }
  return summary;
}

/** The 5-minute summary's rows: a day was wholly up when its sum is its bucket count in the period. */
function summariseFiveMinute(sumSeries: Series[], period: ReportPeriod): DaySummary {
  const summary: DaySummary = {
    days: new Map(),
    wholeUp: (day, chunkMs) => day.series === 1 && day.sum === bucketsInChunk(period, chunkMs),
  };
  for (const one of sumSeries)
    for (const [chunkMs, sum] of one.points) addDay(summary.days, one.tags.node ?? '', chunkMs, sum, 0);
  return summary;
}

function addTo(days: Map<number, Set<string>>, chunkMs: number, node: string): void {
  days.set(chunkMs, (days.get(chunkMs) ?? new Set<string>()).add(node));
}

/** Fill the wholly-up days with 1; hand each other node-day in the period to `notUp`. */
function fillUpDays(
  summary: DaySummary,
  period: ReportPeriod,
  wanted: ReadonlySet<string>,
  readings: Readings,
  notUp: (chunkMs: number, node: string) => void,
): void {
  const buckets = Math.ceil((period.endMs - period.startMs) / BUCKET_MS);
  for (const [node, days] of summary.days) {
    if (!wanted.has(node)) continue;
    let means = readings.get(node as NodeId);
    if (means === undefined) {
      means = new Float64Array(buckets).fill(Number.NaN);
      readings.set(node as NodeId, means);
    }
    for (const [chunkMs, day] of days) {
      if (bucketsInChunk(period, chunkMs) === 0) continue;
      if (!summary.wholeUp(day, chunkMs)) {
        notUp(chunkMs, node);
        continue;
      }
      const from = Math.max(0, Math.ceil((chunkMs - period.startMs) / BUCKET_MS));
      means.fill(1, from, Math.min(buckets, Math.ceil((chunkMs + CHUNK_MS - period.startMs) / BUCKET_MS)));
    }
  }
}

/**
 * InfluxDB's hourly `cq_rollup_1d` may not yet hold a node whose first reading of the day came after
 * its last run: on the newest two covered days (the ones it rewrites), a wanted node without a row is
 * read bucket by bucket instead of counting as unmeasured. The embedded store's triggers never lag.
 */
function detailWhereTheRollupMayLag(
  daily: DaySummary & { covered: Set<number> },
  period: ReportPeriod,
  wanted: ReadonlySet<string>,
  readings: Readings,
  toDetail: (chunkMs: number, node: string) => void,
): void {
  const newest = [...daily.covered]
    .filter((dayMs) => bucketsInChunk(period, dayMs) > 0)
    .sort((a, b) => b - a)
    .slice(0, 2);
  const buckets = Math.ceil((period.endMs - period.startMs) / BUCKET_MS);
  for (const dayMs of newest)
    for (const node of wanted) {
      if (daily.days.get(node)?.has(dayMs) === true) continue;
      if (!readings.has(node as NodeId))
        readings.set(node as NodeId, new Float64Array(buckets).fill(Number.NaN));
      toDetail(dayMs, node);
    }
}

/** Only the node-days in `keep`. */
function onlyThese(summary: DaySummary, keep: Map<number, Set<string>>): DaySummary {
  const days = new Map<string, Map<number, NodeDay>>();
  for (const [node, byDay] of summary.days) {
    const kept = new Map([...byDay].filter(([chunkMs]) => keep.get(chunkMs)?.has(node) === true));
    if (kept.size > 0) days.set(node, kept);
  }
  return { days, wholeUp: summary.wholeUp };
}

/** The UTC days overlapping the period. */
function periodDays(period: ReportPeriod): number[] {
  const days: number[] = [];
  for (let dayMs = utcDayStart(period.startMs); dayMs < period.endMs; dayMs += DAY_MS) days.push(dayMs);
  return days;
}

/** Consecutive days as [startMs, endMs) runs, clipped to the period. */
function runsOf(days: number[], period: ReportPeriod): Array<{ startMs: number; endMs: number }> {
  const runs: Array<{ startMs: number; endMs: number }> = [];
  for (const dayMs of days) {
    const last = runs.at(-1);
    const endMs = Math.min(dayMs + DAY_MS, period.endMs);
    if (last !== undefined && last.endMs === dayMs) last.endMs = endMs;
    else runs.push({ startMs: Math.max(dayMs, period.startMs), endMs });
  }
  return runs;
}

async function readDaily(
  store: MetricsStore,
  period: ReportPeriod,
  groups: Array<string[] | undefined>,
): Promise<DailySeries[]> {
  if (store.queryDailyReachability === undefined) return [];
  const daily: DailySeries[] = [];
  for (const nodes of groups) {
    const q = {
      startMs: utcDayStart(period.startMs),
      endMs: period.endMs,
      ...(nodes === undefined ? {} : { nodes }),
    };
    daily.push(...(await store.queryDailyReachability(q)));
  }
  return daily;
}

async function readFiveMinuteSummary(
  store: MetricsStore,
  period: ReportPeriod,
  groups: Array<string[] | undefined>,
  days: number[],
): Promise<Series[]> {
  const sumSeries: Series[] = [];
  for (const run of runsOf(days, period))
    for (const nodes of groups) sumSeries.push(...(await store.query(summaryQuery(run, nodes))));
  return sumSeries;
}

async function readDetail(
  store: MetricsStore,
  period: ReportPeriod,
  detail: Map<number, Set<string>>,
  readings: Readings,
): Promise<void> {
  for (const [chunkMs, nodes] of detail) {
    for (const part of slices([...nodes], NODES_PER_QUERY)) {
      for (const one of await store.query(detailQuery(period, chunkMs, part))) {
        const means = readings.get((one.tags.node ?? '') as NodeId);
        if (means === undefined) continue;
        for (const [atMs, mean] of one.points) means[Math.floor((atMs - period.startMs) / BUCKET_MS)] = mean;
      }
    }
  }
}

/**
 * The period's 5-minute means per node, and how the first pass read it. `nodeIds` undefined: every
 * node the store has, kept if `wanted` (the whole network, read without a node list); otherwise
 * those nodes, 200 to a query. `useDaily: false` reads the 5-minute summary for every day.
 */
export async function readReachability(
  store: MetricsStore,
  period: ReportPeriod,
  nodeIds: string[] | undefined,
  wanted: ReadonlySet<string>,
  options: { useDaily?: boolean } = {},
): Promise<{ readings: Readings; read: ReachabilityRead }> {
  const groups = nodeIds === undefined ? [undefined] : slices(nodeIds, NODES_PER_QUERY);
  const days = periodDays(period);
  const daily = summariseDaily(options.useDaily === false ? [] : await readDaily(store, period, groups));
  const uncovered = days.filter((dayMs) => !daily.covered.has(dayMs));
  const fiveMinute = summariseFiveMinute(
    await readFiveMinuteSummary(store, period, groups, uncovered),
    period,
  );
  const readings: Readings = new Map();
  const detail = new Map<number, Set<string>>();
  const toDetail = (chunkMs: number, node: string): void => addTo(detail, chunkMs, node);
  // An edge UTC day not wholly up may be down only outside the period: its part inside is summed
  // from the 5-minute rollups (one grouped read) before any node of it is read bucket by bucket.
  const edge = new Map<number, Set<string>>();
  fillUpDays(daily, period, wanted, readings, (chunkMs, node) =>
    bucketsInChunk(period, chunkMs) < BUCKETS_PER_DAY ? addTo(edge, chunkMs, node) : toDetail(chunkMs, node),
  );
  const edgeSums = await readFiveMinuteSummary(
    store,
    period,
    groups,
    [...edge.keys()].sort((a, b) => a - b),
  );
  fillUpDays(onlyThese(summariseFiveMinute(edgeSums, period), edge), period, wanted, readings, toDetail);
  detailWhereTheRollupMayLag(daily, period, wanted, readings, toDetail);
  fillUpDays(fiveMinute, period, wanted, readings, toDetail);
  await readDetail(store, period, detail, readings);
  return {
    readings,
    read: {
      dailyRollupDays: days.length - uncovered.length,
      fiveMinuteDays: uncovered.length,
      detailDays: detail.size,
    },
  };
}

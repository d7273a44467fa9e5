/**
 * Range and latest-value queries on the embedded store, with InfluxDB's semantics: buckets aligned to
 * the epoch, [start, end), empty buckets left out, series sorted by their tags.
 */
import type Database from 'better-sqlite3';
import { DAILY_ROLLUP_FIELD, DAILY_ROLLUP_MEASUREMENT } from '../daily-rollup';
import type { Aggregation, DailyQuery, DailySeries, RangeQuery, Series } from '../types';
import type { MetricPoint } from '../../domain';
import { seriesMatches, type SeriesCatalog } from './catalog';
import type { EmbeddedStatements } from './statements';

const tagsOrder = (a: Record<string, string>, b: Record<string, string>): number => {
  const ka = JSON.stringify(Object.entries(a).sort());
  const kb = JSON.stringify(Object.entries(b).sort());
  return ka < kb ? -1 : ka > kb ? 1 : 0;
};

/** The matching series, grouped by the values of the groupBy tags. */
interface SeriesGroups {
  /** Tags of each group, by group number. */
  groups: Array<Record<string, string>>;
  /** Series id -> group number, as JSON for json_each(). */
  groupOfSeries: Record<string, number>;
}

function groupSeries(catalog: SeriesCatalog, q: RangeQuery): SeriesGroups {
  const groupTags = q.groupBy ?? [];
  const groups: Array<Record<string, string>> = [];
  const groupIndex = new Map<string, number>();
  const groupOfSeries: Record<string, number> = {};
  for (const [sid, info] of catalog.series()) {
    if (!seriesMatches(info, q.measurement, q.where, q.nodes)) continue;
    const tags: Record<string, string> = {};
    for (const tag of groupTags) tags[tag] = info.tags[tag] ?? '';
    const key = JSON.stringify(groupTags.map((tag) => tags[tag]));
    let g = groupIndex.get(key);
    if (g === undefined) {
      g = groups.length;
      groups.push(tags);
      groupIndex.set(key, g);
    }
    groupOfSeries[String(sid)] = g;
  }
  return { groups, groupOfSeries };
}

/** For `last`, the bare column next to max() comes from the row holding the max (SQLite rule). */
function rangeSql(aggregation: Aggregation, rollup: boolean): string {
  if (rollup) {
    const value = {
      mean: 'avg(r.mean)',
      max: 'max(r.max)',
      min: 'min(r.min)',
      last: 'max(r.b) AS lt, r.mean',
      count: 'count(r.mean)',
      sum: 'sum(r.mean)',
    }[aggregation];
    return `SELECT j.value AS g, (r.b / CAST(:step AS INTEGER)) * CAST(:step AS INTEGER) AS bucket, ${value} AS v
      FROM json_each(:map) j JOIN rollup_5m r ON r.sid = CAST(j.key AS INTEGER) AND r.fid = :fid
      WHERE r.b >= :start AND r.b < :end GROUP BY g, bucket ORDER BY g, bucket`;
  }
  const value = {
    mean: 'avg(s.v)',
    max: 'max(s.v)',
    min: 'min(s.v)',
    last: 'max(s.t) AS lt, s.v',
    count: 'count(s.v)',
    sum: 'sum(s.v)',
  }[aggregation];
  return `SELECT j.value AS g, (s.t / CAST(:step AS INTEGER)) * CAST(:step AS INTEGER) AS bucket, ${value} AS v
    FROM json_each(:map) j JOIN samples s ON s.sid = CAST(j.key AS INTEGER) AND s.fid = :fid
    WHERE s.t >= :start AND s.t < :end GROUP BY g, bucket ORDER BY g, bucket`;
}

/** One series per group, one [bucketStartMs, value] per bucket with data; `rollup` reads rollup_5m. */
export function queryRange(
  db: Database.Database,
  catalog: SeriesCatalog,
  q: RangeQuery,
  rollup: boolean,
): Series[] {
  if (q.nodes !== undefined && q.nodes.length === 0) return [];
  if (!(q.stepS > 0)) throw new Error(`metrics query: stepS must be > 0, got ${q.stepS}`);
  const fid = catalog.knownFieldId(q.field);
  if (fid === undefined) return [];
  const { groups, groupOfSeries } = groupSeries(catalog, q);
  if (groups.length === 0) return [];
  const rows = db
    .prepare<
      { step: number; map: string; fid: number; start: number; end: number },
      { g: number; bucket: number; v: number | null; mean?: number }
    >(rangeSql(q.aggregation, rollup))
    .all({
      step: Math.max(1, Math.round(q.stepS * 1000)),
      map: JSON.stringify(groupOfSeries),
      fid,
      start: Math.floor(q.startMs),
      end: Math.floor(q.endMs),
    });
  const byGroup = new Map<number, Series>();
  for (const row of rows) {
    if (row.v === null) continue;
    let series = byGroup.get(row.g);
    if (series === undefined) {
      series = { tags: groups[row.g] ?? {}, points: [] };
      byGroup.set(row.g, series);
    }
    series.points.push([row.bucket, row.v]);
  }
  return [...byGroup.values()].sort((a, b) => tagsOrder(a.tags, b.tags));
}

/** The latest value of each field of each matching series, timed by its newest field. */
export function queryLatest(
  stmts: EmbeddedStatements,
  catalog: SeriesCatalog,
  measurement: string,
  where: Record<string, string> | undefined,
): MetricPoint[] {
  const out: MetricPoint[] = [];
  for (const [sid, info] of catalog.series()) {
    if (!seriesMatches(info, measurement, where, undefined)) continue;
    const point: MetricPoint = {
      measurement,
      tags: { ...info.tags },
      fields: {},
      timeMs: Number.NEGATIVE_INFINITY,
    };
    for (const fid of catalog.fieldsOf(sid)) {
      const row = stmts.latestValue.get(sid, fid);
      const name = catalog.fieldName(fid);
      if (row === undefined || name === undefined) continue;
      point.fields[name] = row.v;
      point.timeMs = Math.max(point.timeMs, row.t);
    }
    if (Object.keys(point.fields).length > 0) out.push(point);
  }
  return out.sort((a, b) => tagsOrder(a.tags, b.tags));
}

/** The daily reachability rollup of the matching `node` series, days starting in [start, end). */
export function queryDaily(db: Database.Database, catalog: SeriesCatalog, q: DailyQuery): DailySeries[] {
  if (q.nodes !== undefined && q.nodes.length === 0) return [];
  const fid = catalog.knownFieldId(DAILY_ROLLUP_FIELD);
  if (fid === undefined) return [];
  const tagsOf = new Map<number, Record<string, string>>();
  for (const [sid, info] of catalog.series())
    if (seriesMatches(info, DAILY_ROLLUP_MEASUREMENT, undefined, q.nodes)) tagsOf.set(sid, info.tags);
  if (tagsOf.size === 0) return [];
  const rows = db
    .prepare<
      { sids: string; fid: number; start: number; end: number },
      { sid: number; d: number; count: number; sum: number }
    >(
      `SELECT r.sid, r.d, r.count, r.sum FROM json_each(:sids) j JOIN rollup_1d r ON r.sid = j.value AND r.fid = :fid
       WHERE r.d >= :start AND r.d < :end ORDER BY r.sid, r.d`,
    )
    .all({
      sids: JSON.stringify([...tagsOf.keys()]),
      fid,
      start: Math.floor(q.startMs),
      end: Math.floor(q.endMs),
    });
  const bySeries = new Map<number, DailySeries>();
  for (const row of rows) {
    let series = bySeries.get(row.sid);
    if (series === undefined) {
      series = { tags: { ...tagsOf.get(row.sid) }, days: [] };
      bySeries.set(row.sid, series);
    }
    series.days.push([row.d, row.count, row.sum]);
  }
  return [...bySeries.values()].sort((a, b) => tagsOrder(a.tags, b.tags));
}

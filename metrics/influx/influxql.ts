/**
 * InfluxQL for the MetricsStore queries, and the parsing of InfluxDB's JSON answers. Pure functions.
 */
import { escape } from 'influx';
import { DAILY_ROLLUP_MEASUREMENT } from '../daily-rollup';
import type { DailyQuery, DailySeries, RangeQuery, Series } from '../types';
import type { MetricPoint } from '../../domain';

/** Which field the rollup keeps for an aggregation: `mean_inBps`, `max_inBps`, `min_inBps`. */
export function rollupField(aggregation: RangeQuery['aggregation'], field: string): string {
  switch (aggregation) {
    case 'mean':
    case 'last':
    case 'count':
    case 'sum':
      return `mean_${field}`;
    case 'max':
      return `max_${field}`;
    case 'min':
      return `min_${field}`;
  }
}

function tagConditions(where: Record<string, string> | undefined, nodes: string[] | undefined): string[] {
  const conditions: string[] = [];
  for (const [key, value] of Object.entries(where ?? {})) {
    conditions.push(`${escape.quoted(key)} = ${escape.stringLit(value)}`);
  }
  if (nodes !== undefined) {
    conditions.push(`(${nodes.map((node) => `"node" = ${escape.stringLit(node)}`).join(' OR ')})`);
  }
  return conditions;
}

/** SELECT for a range query, against `db.rp.measurement`; `rollup` reads the 5-minute rollup fields. */
export function rangeQueryText(q: RangeQuery, database: string, rp: string, rollup: boolean): string {
  const field = rollup ? rollupField(q.aggregation, q.field) : q.field;
  const from = `${escape.quoted(database)}.${escape.quoted(rp)}.${escape.quoted(q.measurement)}`;
  const conditions = [
    `time >= ${Math.floor(q.startMs)}ms`,
    `time < ${Math.floor(q.endMs)}ms`,
    ...tagConditions(q.where, q.nodes),
  ];
  const groupBy = [
    `time(${Math.round(q.stepS * 1000)}ms)`,
    ...(q.groupBy ?? []).map((tag) => escape.quoted(tag)),
  ];
  return (
    `SELECT ${q.aggregation}(${escape.quoted(field)}) AS "value" FROM ${from} ` +
    `WHERE ${conditions.join(' AND ')} GROUP BY ${groupBy.join(', ')} FILL(none)`
  );
}

/** One statement per field: `last()` keeps each field's own time, which `last(*)` would not. */
export function latestQueryText(
  measurement: string,
  fields: string[],
  where: Record<string, string> | undefined,
  database: string,
  rp: string,
): string {
  const from = `${escape.quoted(database)}.${escape.quoted(rp)}.${escape.quoted(measurement)}`;
  const conditions = tagConditions(where, undefined);
  const whereClause = conditions.length === 0 ? '' : ` WHERE ${conditions.join(' AND ')}`;
  return fields
    .map((field) => `SELECT last(${escape.quoted(field)}) AS "value" FROM ${from}${whereClause} GROUP BY *`)
    .join('; ');
}

export interface RawSeries {
  name: string;
  tags?: Record<string, string>;
  columns: string[];
  values: Array<Array<number | string | boolean | null>>;
}

export interface RawStatementResult {
  statement_id?: number;
  series?: RawSeries[];
  error?: string;
}

export interface RawResponse {
  results?: RawStatementResult[];
  error?: string;
}

/** The statements' results, or an Error naming the query when InfluxDB reported one. */
export function statementResults(response: unknown, queryText: string): RawStatementResult[] {
  const body = response as RawResponse;
  if (typeof body.error === 'string')
    throw new Error(`influx query failed: ${body.error} (query: ${queryText})`);
  const results = body.results ?? [];
  for (const result of results) {
    if (typeof result.error === 'string')
      throw new Error(`influx query failed: ${result.error} (query: ${queryText})`);
  }
  return results;
}

export function seriesKey(tags: Record<string, string>): string {
  return JSON.stringify(Object.entries(tags).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** Range query answer -> Series sorted by tags, points in time order. */
export function parseRangeResult(
  result: RawStatementResult | undefined,
  groupBy: string[] | undefined,
): Series[] {
  const out: Series[] = [];
  for (const raw of result?.series ?? []) {
    const tags: Record<string, string> = {};
    for (const tag of groupBy ?? []) tags[tag] = raw.tags?.[tag] ?? '';
    const points: Array<[number, number]> = [];
    for (const row of raw.values) {
      const [time, value] = row;
      if (typeof time === 'number' && typeof value === 'number') points.push([time, value]);
    }
    if (points.length > 0) out.push({ tags, points });
  }
  return out.sort((a, b) => (seriesKey(a.tags) < seriesKey(b.tags) ? -1 : 1));
}

/** Merge the per-field `last()` statements into one point per series. */
export function parseLatestResult(
  measurement: string,
  fields: string[],
  results: RawStatementResult[],
): MetricPoint[] {
  const bySeries = new Map<string, MetricPoint>();
  results.forEach((result, index) => {
    const field = fields[index];
    if (field === undefined) return;
    for (const raw of result.series ?? []) {
      const tags: Record<string, string> = {};
      for (const [key, value] of Object.entries(raw.tags ?? {})) if (value !== '') tags[key] = value;
      const row = raw.values[0];
      const time = row?.[0];
      const value = row?.[1];
      if (typeof time !== 'number' || typeof value !== 'number') continue;
      const key = seriesKey(tags);
      let point = bySeries.get(key);
      if (point === undefined) {
        point = { measurement, tags, fields: {}, timeMs: time };
        bySeries.set(key, point);
      }
      point.fields[field] = value;
      point.timeMs = Math.max(point.timeMs, time);
    }
  });
  return [...bySeries.values()].sort((a, b) => (seriesKey(a.tags) < seriesKey(b.tags) ? -1 : 1));
}

/** SELECT of the daily reachability rollup: every series (GROUP BY *), the days starting in the range. */
export function dailyQueryText(
  q: DailyQuery,
  database: string,
  rp: string,
  fields: [string, string],
): string {
  const from = `${escape.quoted(database)}.${escape.quoted(rp)}.${escape.quoted(DAILY_ROLLUP_MEASUREMENT)}`;
  const conditions = [
    `time >= ${Math.floor(q.startMs)}ms`,
    `time < ${Math.floor(q.endMs)}ms`,
    ...tagConditions(undefined, q.nodes),
  ];
  return (
    `SELECT ${fields.map((field) => escape.quoted(field)).join(', ')} FROM ${from} ` +
    `WHERE ${conditions.join(' AND ')} GROUP BY *`
  );
}

/** Daily rollup answer (time, count, sum columns) -> DailySeries sorted by tags, days in time order. */
export function parseDailyResult(result: RawStatementResult | undefined): DailySeries[] {
  const out: DailySeries[] = [];
  for (const raw of result?.series ?? []) {
    const tags: Record<string, string> = {};
    for (const [key, value] of Object.entries(raw.tags ?? {})) if (value !== '') tags[key] = value;
    const days: DailySeries['days'] = [];
    for (const [time, count, sum] of raw.values) {
      if (typeof time === 'number' && typeof count === 'number' && typeof sum === 'number')
        days.push([time, count, sum]);
    }
    if (days.length > 0) out.push({ tags, days });
  }
  return out.sort((a, b) => (seriesKey(a.tags) < seriesKey(b.tags) ? -1 : 1));
}

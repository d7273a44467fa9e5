/** Range and latest-value reads from InfluxDB (the InfluxQL itself is built and parsed in influxql.ts). */
import type { InfluxDB } from 'influx';
import { useRollup, type RetentionSettings } from '../retention';
import type { DailyQuery, DailySeries, RangeQuery, Series } from '../types';
import type { MetricPoint } from '../../domain';
import { answeredHttp, errorText } from './client';
import {
  dailyQueryText,
  latestQueryText,
  parseDailyResult,
  parseLatestResult,
  parseRangeResult,
  rangeQueryText,
  statementResults,
} from './influxql';
import { DAILY_COUNT_FIELD, DAILY_RP, DAILY_SUM_FIELD, RAW_RP, rollupRpName } from './schema';

export interface QueryTarget {
  influx: InfluxDB;
  database: string;
  /** Server address without credentials, for messages. */
  url: string;
  retention: RetentionSettings;
  nowMs: number;
}

export async function queryRange(target: QueryTarget, q: RangeQuery): Promise<Series[]> {
  if (q.nodes !== undefined && q.nodes.length === 0) return [];
  if (!(q.stepS > 0)) throw new Error(`metrics query: stepS must be > 0, got ${q.stepS}`);
  const rollup = useRollup(q.stepS, q.startMs, target.nowMs, target.retention);
  const rp = rollup ? rollupRpName(target.retention) : RAW_RP;
  const text = rangeQueryText(q, target.database, rp, rollup);
  const results = statementResults(await ask(target, text, { precision: 'ms' }), text);
  return parseRangeResult(results[0], q.groupBy);
}

export async function queryDailyReachability(target: QueryTarget, q: DailyQuery): Promise<DailySeries[]> {
  if (q.nodes !== undefined && q.nodes.length === 0) return [];
  const text = dailyQueryText(q, target.database, DAILY_RP, [DAILY_COUNT_FIELD, DAILY_SUM_FIELD]);
  const results = statementResults(await ask(target, text, { precision: 'ms' }), text);
  return parseDailyResult(results[0]);
}

export async function queryLatest(
  target: QueryTarget,
  measurement: string,
  where: Record<string, string> | undefined,
): Promise<MetricPoint[]> {
  const keysText = `SHOW FIELD KEYS FROM ${JSON.stringify(measurement)}`;
  const keys = statementResults(await ask(target, keysText, { database: target.database }), keysText);
  const fields = (keys[0]?.series?.[0]?.values ?? []).map((row) => String(row[0]));
  if (fields.length === 0) return [];
  const text = latestQueryText(measurement, fields, where, target.database, RAW_RP);
  const results = statementResults(await ask(target, text, { precision: 'ms' }), text);
  return parseLatestResult(measurement, fields, results);
}

/** A read query; a transport failure names the server (InfluxDB's own errors name the query). */
async function ask(
  target: QueryTarget,
  text: string,
  options: { precision?: 'ms'; database?: string },
): Promise<unknown> {
  try {
    return (await target.influx.queryRaw(text, options)) as unknown;
  } catch (error) {
    const what = answeredHttp(error) ? `refused the query ${text}` : 'did not answer a query';
    throw new Error(`metrics: InfluxDB at ${target.url} ${what}: ${errorText(error)}`, { cause: error });
  }
}

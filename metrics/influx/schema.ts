/**
 * What an egov-noc InfluxDB database must contain: the database, the `raw` retention policy (default,
 * N days), the `rollup_<N>d` policy, one continuous query that rolls every measurement up into
 * 5-minute mean/max/min, and the daily reachability rollup (`../daily-rollup.ts`): the `rollup_1d`
 * policy and a continuous query that sums each `node` series' 5-minute `reachable` means per UTC day.
 * Used by the store on init (create or upgrade) and by `egov-noc influx check`.
 */
import { escape, type InfluxDB } from 'influx';
import { DAILY_ROLLUP_FIELD, DAILY_ROLLUP_MEASUREMENT } from '../daily-rollup';
import { ROLLUP_STEP_S, type RetentionSettings } from '../retention';

export const RAW_RP = 'raw';
/** Late points (e.g. replayed from the outage spool) within this window are rolled up by the CQ itself. */
export const CQ_RESAMPLE_FOR = '1h';
export const CQ_NAME = 'cq_rollup_5m';
/** The daily rollup's policy; its length is `dailyRetentionDays`, changed in place (ALTER). */
export const DAILY_RP = 'rollup_1d';
export const DAILY_CQ_NAME = 'cq_rollup_1d';
/**
 * The daily CQ runs every hour over the last two days: today so far, and yesterday again until its
 * last 5-minute buckets (written up to an hour late by cq_rollup_5m) are in.
 */
export const DAILY_CQ_EVERY = '1h';
export const DAILY_CQ_FOR = '2d';
/** The daily rollup's fields: 5-minute buckets with a reading, and the sum of their means. */
export const DAILY_COUNT_FIELD = `count_${DAILY_ROLLUP_FIELD}`;
export const DAILY_SUM_FIELD = `sum_${DAILY_ROLLUP_FIELD}`;

export interface ExpectedRetentionPolicy {
  name: string;
  durationDays: number;
  isDefault: boolean;
}

export interface ExpectedInfluxSchema {
  database: string;
  retentionPolicies: ExpectedRetentionPolicy[];
  continuousQueries: Array<{ name: string; query: string }>;
}

export function rollupRpName(retention: RetentionSettings): string {
  return `rollup_${retention.rollupRetentionDays}d`;
}

/** The SELECT ... INTO statement the CQ runs; `where` adds a time range for a manual backfill. */
export function rollupSelect(database: string, retention: RetentionSettings, where = ''): string {
  const db = escape.quoted(database);
  const into = `${db}.${escape.quoted(rollupRpName(retention))}.:MEASUREMENT`;
  const from = `${db}.${escape.quoted(RAW_RP)}./.*/`;
  const whereClause = where === '' ? '' : ` WHERE ${where}`;
  return `SELECT mean(*), max(*), min(*) INTO ${into} FROM ${from}${whereClause} GROUP BY time(${ROLLUP_STEP_S / 60}m), *`;
}

/** The SELECT ... INTO the daily CQ runs; `where` adds a time range for a backfill. */
export function dailyRollupSelect(database: string, retention: RetentionSettings, where = ''): string {
  const db = escape.quoted(database);
  const measurement = escape.quoted(DAILY_ROLLUP_MEASUREMENT);
  const mean = escape.quoted(`mean_${DAILY_ROLLUP_FIELD}`);
  const whereClause = where === '' ? '' : ` WHERE ${where}`;
  return (
    `SELECT count(${mean}) AS ${escape.quoted(DAILY_COUNT_FIELD)}, sum(${mean}) AS ${escape.quoted(DAILY_SUM_FIELD)} ` +
    `INTO ${db}.${escape.quoted(DAILY_RP)}.${measurement} ` +
    `FROM ${db}.${escape.quoted(rollupRpName(retention))}.${measurement}${whereClause} GROUP BY time(1d), *`
  );
}

export function expectedInfluxSchema(database: string, retention: RetentionSettings): ExpectedInfluxSchema {
  const cq =
    `CREATE CONTINUOUS QUERY ${escape.quoted(CQ_NAME)} ON ${escape.quoted(database)} ` +
    `RESAMPLE EVERY ${ROLLUP_STEP_S / 60}m FOR ${CQ_RESAMPLE_FOR} BEGIN ${rollupSelect(database, retention)} END`;
  const dailyCq =
    `CREATE CONTINUOUS QUERY ${escape.quoted(DAILY_CQ_NAME)} ON ${escape.quoted(database)} ` +
    `RESAMPLE EVERY ${DAILY_CQ_EVERY} FOR ${DAILY_CQ_FOR} BEGIN ${dailyRollupSelect(database, retention)} END`;
  return {
    database,
    retentionPolicies: [
      { name: RAW_RP, durationDays: retention.rawRetentionDays, isDefault: true },
      { name: rollupRpName(retention), durationDays: retention.rollupRetentionDays, isDefault: false },
      { name: DAILY_RP, durationDays: retention.dailyRetentionDays, isDefault: false },
    ],
    continuousQueries: [
      { name: CQ_NAME, query: cq },
      { name: DAILY_CQ_NAME, query: dailyCq },
    ],
  };
}

export type SchemaItemStatus = 'present' | 'missing' | 'different';

export interface SchemaItem {
  kind: 'database' | 'retention policy' | 'continuous query';
  name: string;
  status: SchemaItemStatus;
  /** For `different`: what differs, e.g. "duration 168h, want 240h". */
  detail: string | null;
}

/** "168h0m0s" -> 168; "0s" (infinite) -> 0. */
function durationHours(text: string): number {
  const match = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(text);
  if (match === null) return Number.NaN;
  return Number(match[1] ?? 0) + Number(match[2] ?? 0) / 60 + Number(match[3] ?? 0) / 3600;
}

/** InfluxDB stores a CQ re-rendered (quotes only where needed): compare without quotes and extra spaces. */
const normalizeQuery = (text: string): string => text.replace(/"/g, '').replace(/\s+/g, ' ').trim();

/** Compare what exists in the server with what should. Network errors propagate. */
export async function checkInfluxSchema(
  influx: InfluxDB,
  expected: ExpectedInfluxSchema,
): Promise<SchemaItem[]> {
  const items: SchemaItem[] = [];
  const databases = await influx.getDatabaseNames();
  if (!databases.includes(expected.database)) {
    items.push({ kind: 'database', name: expected.database, status: 'missing', detail: null });
    for (const rp of expected.retentionPolicies) {
      items.push({ kind: 'retention policy', name: rp.name, status: 'missing', detail: null });
    }
    for (const cq of expected.continuousQueries) {
      items.push({ kind: 'continuous query', name: cq.name, status: 'missing', detail: null });
    }
    return items;
  }
  items.push({ kind: 'database', name: expected.database, status: 'present', detail: null });

  const rps = await influx.showRetentionPolicies(expected.database);
  for (const want of expected.retentionPolicies) {
    const have = rps.find((rp) => rp.name === want.name);
    if (have === undefined) {
      items.push({ kind: 'retention policy', name: want.name, status: 'missing', detail: null });
      continue;
    }
    const differences: string[] = [];
    const haveHours = durationHours(have.duration);
    if (haveHours !== want.durationDays * 24) {
      differences.push(`duration ${have.duration}, want ${want.durationDays * 24}h`);
    }
    if (have.default !== want.isDefault) {
      differences.push(want.isDefault ? 'not the default policy' : 'is the default policy, should not be');
    }
    items.push({
      kind: 'retention policy',
      name: want.name,
      status: differences.length === 0 ? 'present' : 'different',
      detail: differences.length === 0 ? null : differences.join('; '),
    });
  }

  const cqs = await continuousQueriesOf(influx, expected.database);
  for (const want of expected.continuousQueries) {
    const have = cqs.find((cq) => cq.name === want.name);
    if (have === undefined) {
      items.push({ kind: 'continuous query', name: want.name, status: 'missing', detail: null });
    } else if (normalizeQuery(have.query) !== normalizeQuery(want.query)) {
      items.push({
        kind: 'continuous query',
        name: want.name,
        status: 'different',
        detail: `is: ${have.query}`,
      });
    } else {
      items.push({ kind: 'continuous query', name: want.name, status: 'present', detail: null });
    }
  }
  return items;
}

/**
 * SHOW CONTINUOUS QUERIES answers for every database at once, one series per database (the client's
 * showContinousQueries() does not pick the right one): take the series named after ours.
 */
export async function continuousQueriesOf(
  influx: InfluxDB,
  database: string,
): Promise<Array<{ name: string; query: string }>> {
  const body = (await influx.queryRaw('SHOW CONTINUOUS QUERIES', { database })) as {
    results?: Array<{
      error?: string;
      series?: Array<{ name: string; columns: string[]; values?: string[][] }>;
    }>;
  };
  const result = body.results?.[0];
  if (result?.error !== undefined) throw new Error(`SHOW CONTINUOUS QUERIES failed: ${result.error}`);
  const series = result?.series?.find((s) => s.name === database);
  if (series === undefined) return [];
  const nameAt = series.columns.indexOf('name');
  const queryAt = series.columns.indexOf('query');
  return (series.values ?? []).map((row) => ({ name: row[nameAt] ?? '', query: row[queryAt] ?? '' }));
}

/**
 * Create what is missing and upgrade what differs (ALTER for policies, DROP + CREATE for continuous
 * queries). Never drops a retention policy or data. Returns the state found before fixing.
 */
export async function applyInfluxSchema(
  influx: InfluxDB,
  expected: ExpectedInfluxSchema,
): Promise<SchemaItem[]> {
  const found = await checkInfluxSchema(influx, expected);
  const db = expected.database;
  if (found.some((item) => item.kind === 'database' && item.status === 'missing')) {
    await influx.createDatabase(db);
  }
  for (const rp of expected.retentionPolicies) {
    const item = found.find((i) => i.kind === 'retention policy' && i.name === rp.name);
    const options = {
      database: db,
      duration: `${rp.durationDays}d`,
      replication: 1,
      isDefault: rp.isDefault,
    };
    if (item === undefined || item.status === 'missing') {
      await influx.createRetentionPolicy(rp.name, options);
    } else if (item.status === 'different') {
      await influx.alterRetentionPolicy(rp.name, options);
    }
  }
  for (const cq of expected.continuousQueries) {
    const item = found.find((i) => i.kind === 'continuous query' && i.name === cq.name);
    if (item?.status === 'different') await influx.dropContinuousQuery(cq.name, db);
    if (item === undefined || item.status !== 'present') await influx.query(cq.query, { database: db });
  }
  return found;
}

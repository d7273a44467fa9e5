/**
 * MetricsStore in one SQLite file (better-sqlite3, WAL) for the demo and small sites.
 *
 * Tables: `series` (measurement + tags, one id each), `fields` (field names), `series_fields` (which
 * fields a series has), `samples` (series, field, time, value: raw, pruned after rawRetentionDays),
 * `rollup_5m` (mean/max/min/count per 5-minute bucket, kept rollupRetentionDays) and `rollup_dirty`
 * (series/field/bucket whose raw samples were rewritten, to roll up again from samples). Writes
 * are buffered and committed in one transaction per batch; the same transaction folds the new
 * values into their 5-minute rollup rows (count-weighted mean, max, min), so rollups never need a
 * scan of a whole bucket. Expired rows are deleted in small time slices, yielding in between, so a
 * large store never stalls the process for long.
 * Query semantics match InfluxDB's: buckets aligned to the epoch, [start, end), empty buckets left
 * out, a point at the same series, field and time replaces the earlier one.
 */
import type Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { openPrivateDatabase } from '../../common';
import type { MetricPoint, MetricsStore, RangeQuery, Series, StoreHealth } from '../types';
import type { MetricsLogger } from '../logger';
import {
  DEFAULT_RETENTION,
  ROLLUP_STEP_S,
  checkRetention,
  useRollup,
  type RetentionSettings,
} from '../retention';
import { sanitizePoints } from '../sanitize';

export interface EmbeddedStoreOptions {
  /** SQLite file, or ':memory:'. */
  path: string;
  retention?: RetentionSettings;
  /** Points per transaction (default 2,000: ~18,000 rows, a short event-loop pause). */
  batchSize?: number;
  /** Commit buffered points after this long (default 1,000 ms). */
  flushIntervalMs?: number;
  /** Roll up complete dirty buckets this often (default 60 s). */
  rollupIntervalMs?: number;
  /** Delete expired samples and rollups this often (default 10 min). */
  pruneIntervalMs?: number;
  logger: MetricsLogger;
  /** Clock, for tests (default Date.now). */
  now?: () => number;
}

const SCHEMA_VERSION = '2';
const DAY_MS = 86_400_000;
const ROLLUP_STEP_MS = ROLLUP_STEP_S * 1000;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS series (
  id INTEGER PRIMARY KEY,
  measurement TEXT NOT NULL,
  key TEXT NOT NULL UNIQUE,
  tags TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS fields (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
CREATE TABLE IF NOT EXISTS series_fields (sid INTEGER NOT NULL, fid INTEGER NOT NULL, PRIMARY KEY (sid, fid)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS samples (
  sid INTEGER NOT NULL, fid INTEGER NOT NULL, t INTEGER NOT NULL, v REAL NOT NULL,
  PRIMARY KEY (sid, fid, t)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS samples_t ON samples (t);
CREATE TABLE IF NOT EXISTS rollup_5m (
  sid INTEGER NOT NULL, fid INTEGER NOT NULL, b INTEGER NOT NULL,
  mean REAL NOT NULL, max REAL NOT NULL, min REAL NOT NULL, count INTEGER NOT NULL,
  PRIMARY KEY (sid, fid, b)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS rollup_5m_b ON rollup_5m (b);
CREATE TABLE IF NOT EXISTS rollup_dirty (
  sid INTEGER NOT NULL, fid INTEGER NOT NULL, b INTEGER NOT NULL,
  PRIMARY KEY (sid, fid, b)
) WITHOUT ROWID;
`;

interface SeriesInfo {
  measurement: string;
  tags: Record<string, string>;
}

/** measurement + tags sorted by key: the identity of a series. */
function canonicalKey(measurement: string, tags: Record<string, string>): string {
  const keys = Object.keys(tags).sort();
  let key = measurement;
  for (const k of keys) key += `\u0000${k}\u0001${tags[k]}`;
  return key;
}

/** Run synchronous SQLite work behind the async interface: a throw becomes a rejection. */
function settle<T>(work: () => T): Promise<T> {
  try {
    return Promise.resolve(work());
  } catch (error) {
    return Promise.reject(error instanceof Error ? error : new Error(String(error)));
  }
}

const tagsOrder = (a: Record<string, string>, b: Record<string, string>): number => {
  const ka = JSON.stringify(Object.entries(a).sort());
  const kb = JSON.stringify(Object.entries(b).sort());
  return ka < kb ? -1 : ka > kb ? 1 : 0;
};

export class EmbeddedMetricsStore implements MetricsStore {
  readonly kind = 'embedded' as const;
  readonly path: string;
  readonly retention: RetentionSettings;
  private readonly log: MetricsLogger;
  private readonly now: () => number;
  private readonly batchSize: number;
  private readonly flushIntervalMs: number;
  private readonly rollupIntervalMs: number;
  private readonly pruneIntervalMs: number;
  private db: Database.Database | null = null;

  private buffer: MetricPoint[] = [];
  /** Fast path: measurement + tags as written -> series id (tags usually come in the same order). */
  private seriesByWrittenKey = new Map<string, number>();
  private seriesByKey = new Map<string, number>();
  private seriesInfo = new Map<number, SeriesInfo>();
  private fieldIds = new Map<string, number>();
  private fieldNames = new Map<number, string>();
  /** sid * 2^16 + fid for every (series, field) pair already recorded. */
  private seriesFields = new Set<number>();
  private fieldsBySeries = new Map<number, number[]>();
  private droppedPoints = 0;
  private lastError: string | null = null;
  private backendUp = true;
  private timers: NodeJS.Timeout[] = [];
  private closed = false;
  private pruning = false;

  private stmts: {
    insertSample: Database.Statement<[number, number, number, number]>;
    updateSample: Database.Statement<[number, number, number, number]>;
    upsertRollup: Database.Statement<[number, number, number, number, number, number, number]>;
    insertSeries: Database.Statement<[string, string, string]>;
    insertField: Database.Statement<[string]>;
    insertSeriesField: Database.Statement<[number, number]>;
    markDirty: Database.Statement<[number, number, number]>;
    dirty: Database.Statement<[], { sid: number; fid: number; b: number }>;
    clearDirty: Database.Statement<[number, number, number]>;
    rollupSeriesBucket: Database.Statement<{ sid: number; fid: number; b: number; end: number }>;
    latestValue: Database.Statement<[number, number], { t: number; v: number }>;
  } | null = null;

  constructor(opts: EmbeddedStoreOptions) {
    this.path = opts.path;
    this.retention = checkRetention(opts.retention ?? DEFAULT_RETENTION);
    this.log = opts.logger;
    this.now = opts.now ?? Date.now;
    this.batchSize = opts.batchSize ?? 2000;
    this.flushIntervalMs = opts.flushIntervalMs ?? 1000;
    this.rollupIntervalMs = opts.rollupIntervalMs ?? 60_000;
    this.pruneIntervalMs = opts.pruneIntervalMs ?? 600_000;
  }

  async init(): Promise<void> {
    if (this.db !== null) return;
    let db: Database.Database;
    try {
      // A mistyped path is an error, not a new folder tree; the database (and its WAL/SHM) is
      // owner-only: 0600 in a 0700 folder.
      if (this.path !== ':memory:' && !existsSync(dirname(this.path)))
        throw new Error(`folder ${dirname(this.path)} does not exist`);
      db = openPrivateDatabase(this.path);
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      db.exec(SCHEMA);
    } catch (error) {
      throw new Error(
        `metrics: cannot open embedded store ${this.path}: ${error instanceof Error ? error.message : String(error)}`,
        { cause: error },
      );
    }
    let version = db.prepare<[], { value: string }>("SELECT value FROM meta WHERE key = 'schema'").get();
    if (version?.value === '1') {
      // v1 rolled up whole buckets from a time scan; v2 folds values in as they are written and only
      // re-scans rewritten series. v1 rollups are complete, so only the dirty list changes shape.
      db.exec(`DROP TABLE rollup_dirty; ${SCHEMA}`);
      db.prepare("UPDATE meta SET value = ? WHERE key = 'schema'").run(SCHEMA_VERSION);
      version = { value: SCHEMA_VERSION };
    }
    if (version === undefined) {
      db.prepare("INSERT INTO meta (key, value) VALUES ('schema', ?)").run(SCHEMA_VERSION);
    } else if (version.value !== SCHEMA_VERSION) {
      throw new Error(
        `metrics: embedded store ${this.path} has schema version ${version.value}, this egov-noc needs ${SCHEMA_VERSION}`,
      );
    }
    this.db = db;
    this.stmts = {
      insertSample: db.prepare('INSERT OR IGNORE INTO samples (sid, fid, t, v) VALUES (?, ?, ?, ?)'),
      updateSample: db.prepare('UPDATE samples SET v = ? WHERE sid = ? AND fid = ? AND t = ?'),
      upsertRollup: db.prepare(
        `INSERT INTO rollup_5m (sid, fid, b, mean, max, min, count) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (sid, fid, b) DO UPDATE SET
           mean = (mean * count + excluded.mean * excluded.count) / (count + excluded.count),
           max = max(max, excluded.max), min = min(min, excluded.min), count = count + excluded.count`,
      ),
      insertSeries: db.prepare('INSERT INTO series (measurement, key, tags) VALUES (?, ?, ?)'),
      insertField: db.prepare('INSERT INTO fields (name) VALUES (?)'),
      insertSeriesField: db.prepare('INSERT OR IGNORE INTO series_fields (sid, fid) VALUES (?, ?)'),
      markDirty: db.prepare('INSERT OR IGNORE INTO rollup_dirty (sid, fid, b) VALUES (?, ?, ?)'),
      dirty: db.prepare('SELECT sid, fid, b FROM rollup_dirty'),
      clearDirty: db.prepare('DELETE FROM rollup_dirty WHERE sid = ? AND fid = ? AND b = ?'),
      rollupSeriesBucket: db.prepare(
        `INSERT OR REPLACE INTO rollup_5m (sid, fid, b, mean, max, min, count)
         SELECT sid, fid, :b, avg(v), max(v), min(v), count(*) FROM samples
         WHERE sid = :sid AND fid = :fid AND t >= :b AND t < :end GROUP BY sid, fid`,
      ),
      latestValue: db.prepare('SELECT t, v FROM samples WHERE sid = ? AND fid = ? ORDER BY t DESC LIMIT 1'),
    };
    for (const row of db
      .prepare<[], { id: number; key: string; measurement: string; tags: string }>(
        'SELECT id, key, measurement, tags FROM series',
      )
      .iterate()) {
      this.seriesByKey.set(row.key, row.id);
      this.seriesInfo.set(row.id, {
        measurement: row.measurement,
        tags: JSON.parse(row.tags) as Record<string, string>,
      });
    }
    for (const row of db.prepare<[], { id: number; name: string }>('SELECT id, name FROM fields').iterate()) {
      this.fieldIds.set(row.name, row.id);
      this.fieldNames.set(row.id, row.name);
    }
    for (const row of db
      .prepare<[], { sid: number; fid: number }>('SELECT sid, fid FROM series_fields')
      .iterate()) {
      this.noteSeriesField(row.sid, row.fid);
    }
    this.rollUp();
    await this.prune();
    const every = (ms: number, fn: () => void): void => {
      const timer = setInterval(fn, ms);
      timer.unref();
      this.timers.push(timer);
    };
    every(this.flushIntervalMs, () => this.commitBuffer());
    every(this.rollupIntervalMs, () => this.rollUp());
    every(this.pruneIntervalMs, () => void this.prune());
  }

  write(points: MetricPoint[]): void {
    if (this.closed) throw new Error('metrics store: write() after close()');
    const { valid, invalid } = sanitizePoints(points);
    if (invalid > 0) this.countDropped(invalid, 'points without a measurement or a finite numeric field');
    for (const point of valid) this.buffer.push(point);
    if (this.buffer.length >= this.batchSize) this.commitBuffer();
  }

  flush(): Promise<void> {
    this.commitBuffer();
    this.rollUp();
    return Promise.resolve();
  }

  query(q: RangeQuery): Promise<Series[]> {
    return settle(() => this.queryNow(q));
  }

  latest(measurement: string, where?: Record<string, string>): Promise<MetricPoint[]> {
    return settle(() => this.latestNow(measurement, where));
  }

  private queryNow(q: RangeQuery): Series[] {
    const db = this.open();
    if (q.nodes !== undefined && q.nodes.length === 0) return [];
    if (!(q.stepS > 0)) throw new Error(`metrics query: stepS must be > 0, got ${q.stepS}`);
    const fid = this.fieldIds.get(q.field);
    if (fid === undefined) return [];
    const groupTags = q.groupBy ?? [];
    const groups: Array<Record<string, string>> = [];
    const groupIndex = new Map<string, number>();
    const sidToGroup: Record<string, number> = {};
    for (const [sid, info] of this.seriesInfo) {
      if (!this.matches(info, q.measurement, q.where, q.nodes)) continue;
      const tags: Record<string, string> = {};
      for (const tag of groupTags) tags[tag] = info.tags[tag] ?? '';
      const key = JSON.stringify(groupTags.map((tag) => tags[tag]));
      let g = groupIndex.get(key);
      if (g === undefined) {
        g = groups.length;
        groups.push(tags);
        groupIndex.set(key, g);
      }
      sidToGroup[String(sid)] = g;
    }
    if (groups.length === 0) return [];

    const stepMs = Math.max(1, Math.round(q.stepS * 1000));
    const rollup = useRollup(q.stepS, q.startMs, this.now(), this.retention);
    // For `last`, the bare column next to max() comes from the row holding the max (SQLite rule).
    let sql: string;
    if (rollup) {
      const value = {
        mean: 'avg(r.mean)',
        max: 'max(r.max)',
        min: 'min(r.min)',
        last: 'max(r.b) AS lt, r.mean',
      }[q.aggregation];
      sql = `SELECT j.value AS g, (r.b / CAST(:step AS INTEGER)) * CAST(:step AS INTEGER) AS bucket, ${value} AS v
        FROM json_each(:map) j JOIN rollup_5m r ON r.sid = CAST(j.key AS INTEGER) AND r.fid = :fid
        WHERE r.b >= :start AND r.b < :end GROUP BY g, bucket ORDER BY g, bucket`;
    } else {
      const value = { mean: 'avg(s.v)', max: 'max(s.v)', min: 'min(s.v)', last: 'max(s.t) AS lt, s.v' }[
        q.aggregation
      ];
      sql = `SELECT j.value AS g, (s.t / CAST(:step AS INTEGER)) * CAST(:step AS INTEGER) AS bucket, ${value} AS v
        FROM json_each(:map) j JOIN samples s ON s.sid = CAST(j.key AS INTEGER) AND s.fid = :fid
        WHERE s.t >= :start AND s.t < :end GROUP BY g, bucket ORDER BY g, bucket`;
    }
    const rows = db
      .prepare<
        { step: number; map: string; fid: number; start: number; end: number },
        { g: number; bucket: number; v: number | null; mean?: number }
      >(sql)
      .all({
        step: stepMs,
        map: JSON.stringify(sidToGroup),
        fid,
        start: Math.floor(q.startMs),
        end: Math.floor(q.endMs),
      });
    const bySeries = new Map<number, Series>();
    for (const row of rows) {
      if (row.v === null) continue;
      let series = bySeries.get(row.g);
      if (series === undefined) {
        series = { tags: groups[row.g] ?? {}, points: [] };
        bySeries.set(row.g, series);
      }
      series.points.push([row.bucket, row.v]);
    }
    return [...bySeries.values()].sort((a, b) => tagsOrder(a.tags, b.tags));
  }

  private latestNow(measurement: string, where?: Record<string, string>): MetricPoint[] {
    this.open();
    const stmts = this.statements();
    const out: MetricPoint[] = [];
    for (const [sid, info] of this.seriesInfo) {
      if (!this.matches(info, measurement, where, undefined)) continue;
      const point: MetricPoint = {
        measurement,
        tags: { ...info.tags },
        fields: {},
        timeMs: Number.NEGATIVE_INFINITY,
      };
      for (const fid of this.fieldsBySeries.get(sid) ?? []) {
        const row = stmts.latestValue.get(sid, fid);
        const name = this.fieldNames.get(fid);
        if (row === undefined || name === undefined) continue;
        point.fields[name] = row.v;
        point.timeMs = Math.max(point.timeMs, row.t);
      }
      if (Object.keys(point.fields).length > 0) out.push(point);
    }
    return out.sort((a, b) => tagsOrder(a.tags, b.tags));
  }

  health(): StoreHealth {
    return {
      pendingPoints: this.buffer.length,
      spooledPoints: 0,
      droppedPoints: this.droppedPoints,
      backendUp: this.backendUp,
      lastError: this.lastError,
    };
  }

  close(): Promise<void> {
    if (this.closed || this.db === null) {
      this.closed = true;
      return Promise.resolve();
    }
    this.commitBuffer();
    this.rollUp();
    for (const timer of this.timers) clearInterval(timer);
    this.timers = [];
    this.closed = true;
    this.db.close();
    this.db = null;
    this.stmts = null;
    return Promise.resolve();
  }

  // ---- internals ----

  private open(): Database.Database {
    if (this.db === null)
      throw new Error(`metrics: embedded store ${this.path} used before init() or after close()`);
    return this.db;
  }

  private statements(): NonNullable<EmbeddedMetricsStore['stmts']> {
    if (this.stmts === null)
      throw new Error(`metrics: embedded store ${this.path} used before init() or after close()`);
    return this.stmts;
  }

  private matches(
    info: SeriesInfo,
    measurement: string,
    where: Record<string, string> | undefined,
    nodes: string[] | undefined,
  ): boolean {
    if (info.measurement !== measurement) return false;
    for (const key in where) if ((info.tags[key] ?? '') !== where[key]) return false;
    if (nodes !== undefined && !nodes.includes(info.tags.node ?? '')) return false;
    return true;
  }

  private noteSeriesField(sid: number, fid: number): void {
    this.seriesFields.add(sid * 65536 + fid);
    const list = this.fieldsBySeries.get(sid);
    if (list === undefined) this.fieldsBySeries.set(sid, [fid]);
    else list.push(fid);
  }

  private seriesId(point: MetricPoint): number {
    const writtenKey = point.measurement + JSON.stringify(point.tags);
    const cached = this.seriesByWrittenKey.get(writtenKey);
    if (cached !== undefined) return cached;
    const key = canonicalKey(point.measurement, point.tags);
    let sid = this.seriesByKey.get(key);
    if (sid === undefined) {
      const tags = Object.fromEntries(Object.entries(point.tags).sort(([a], [b]) => (a < b ? -1 : 1)));
      sid = Number(
        this.statements().insertSeries.run(point.measurement, key, JSON.stringify(tags)).lastInsertRowid,
      );
      this.seriesByKey.set(key, sid);
      this.seriesInfo.set(sid, { measurement: point.measurement, tags });
    }
    this.seriesByWrittenKey.set(writtenKey, sid);
    return sid;
  }

  private fieldId(name: string): number {
    let fid = this.fieldIds.get(name);
    if (fid === undefined) {
      fid = Number(this.statements().insertField.run(name).lastInsertRowid);
      if (fid >= 65536)
        throw new Error('metrics: more than 65,535 distinct field names in the embedded store');
      this.fieldIds.set(name, fid);
      this.fieldNames.set(fid, name);
    }
    return fid;
  }

  private commitBuffer(): void {
    if (this.buffer.length === 0 || this.db === null) return;
    const points = this.buffer;
    this.buffer = [];
    const stmts = this.statements();
    const rawCutoffMs = this.now() - this.retention.rawRetentionDays * DAY_MS;
    let tooOld = 0;
    const insert = this.db.transaction((batch: MetricPoint[]) => {
      // New values of this batch per series+field (sid * 2^16 + fid) and 5-minute bucket.
      const fold = new Map<
        number,
        Array<{ b: number; sum: number; max: number; min: number; count: number }>
      >();
      for (const point of batch) {
        // InfluxDB refuses points older than the retention policy; so does this store.
        if (point.timeMs < rawCutoffMs) {
          tooOld += 1;
          continue;
        }
        const sid = this.seriesId(point);
        const t = Math.round(point.timeMs);
        const b = Math.floor(t / ROLLUP_STEP_MS) * ROLLUP_STEP_MS;
        for (const name in point.fields) {
          const value = point.fields[name];
          if (value === undefined) continue;
          const fid = this.fieldId(name);
          const pair = sid * 65536 + fid;
          if (!this.seriesFields.has(pair)) {
            stmts.insertSeriesField.run(sid, fid);
            this.noteSeriesField(sid, fid);
          }
          if (stmts.insertSample.run(sid, fid, t, value).changes === 0) {
            // Same series, field and time again: the new value wins; roll this bucket up from samples.
            stmts.updateSample.run(value, sid, fid, t);
            stmts.markDirty.run(sid, fid, b);
            continue;
          }
          let buckets = fold.get(pair);
          if (buckets === undefined) {
            buckets = [];
            fold.set(pair, buckets);
          }
          const acc = buckets.find((x) => x.b === b);
          if (acc === undefined) buckets.push({ b, sum: value, max: value, min: value, count: 1 });
          else {
            acc.sum += value;
            if (value > acc.max) acc.max = value;
            if (value < acc.min) acc.min = value;
            acc.count += 1;
          }
        }
      }
      for (const [pair, buckets] of fold) {
        const sid = Math.floor(pair / 65536);
        const fid = pair % 65536;
        for (const a of buckets)
          stmts.upsertRollup.run(sid, fid, a.b, a.sum / a.count, a.max, a.min, a.count);
      }
    });
    try {
      insert(points);
      if (!this.backendUp) this.log.info({ path: this.path }, 'embedded metrics store writable again');
      this.backendUp = true;
    } catch (error) {
      this.backendUp = false;
      // Series and field ids cached during the rolled-back transaction do not exist: forget them.
      this.reloadIds();
      this.countDropped(
        points.length,
        `embedded store write failed: ${error instanceof Error ? error.message : String(error)}`,
      );
      return;
    }
    if (tooOld > 0)
      this.countDropped(tooOld, `points older than the raw retention (${this.retention.rawRetentionDays} d)`);
  }

  private reloadIds(): void {
    const db = this.open();
    const known = new Set(
      db
        .prepare<[], { id: number }>('SELECT id FROM series')
        .all()
        .map((r) => r.id),
    );
    for (const [key, sid] of this.seriesByKey) if (!known.has(sid)) this.seriesByKey.delete(key);
    for (const [key, sid] of this.seriesByWrittenKey)
      if (!known.has(sid)) this.seriesByWrittenKey.delete(key);
    for (const sid of this.seriesInfo.keys()) if (!known.has(sid)) this.seriesInfo.delete(sid);
    const fields = new Set(
      db
        .prepare<[], { id: number }>('SELECT id FROM fields')
        .all()
        .map((r) => r.id),
    );
    for (const [name, fid] of this.fieldIds) {
      if (!fields.has(fid)) {
        this.fieldIds.delete(name);
        this.fieldNames.delete(fid);
      }
    }
    this.seriesFields.clear();
    this.fieldsBySeries.clear();
    for (const row of db
      .prepare<[], { sid: number; fid: number }>('SELECT sid, fid FROM series_fields')
      .iterate()) {
      this.noteSeriesField(row.sid, row.fid);
    }
  }

  /** Roll up again, from raw samples, the series+field+bucket whose samples were rewritten. */
  private rollUp(): void {
    if (this.db === null) return;
    const stmts = this.statements();
    const dirty = stmts.dirty.all();
    if (dirty.length === 0) return;
    this.db.transaction(() => {
      for (const { sid, fid, b } of dirty) {
        stmts.rollupSeriesBucket.run({ sid, fid, b, end: b + ROLLUP_STEP_MS });
        stmts.clearDirty.run(sid, fid, b);
      }
    })();
  }

  /**
   * Delete samples and rollups past retention, oldest first, a slice of time per transaction with a
   * yield in between: at 5,000 nodes ten minutes of samples are ~20 million rows.
   */
  private async prune(): Promise<void> {
    if (this.pruning || this.db === null) return;
    this.pruning = true;
    let rawRows = 0;
    let rollupRows = 0;
    try {
      const now = this.now();
      const tables = [
        {
          table: 'samples',
          column: 't',
          cutoff: now - this.retention.rawRetentionDays * DAY_MS,
          sliceMs: 10_000,
        },
        {
          table: 'rollup_5m',
          column: 'b',
          cutoff: now - this.retention.rollupRetentionDays * DAY_MS,
          sliceMs: DAY_MS,
        },
      ] as const;
      for (const { table, column, cutoff, sliceMs } of tables) {
        for (;;) {
          const db = this.db;
          if (db === null) return;
          const oldest = db
            .prepare<[], { t: number | null }>(`SELECT min(${column}) AS t FROM ${table}`)
            .get()?.t;
          if (oldest === null || oldest === undefined || oldest >= cutoff) break;
          const changes = db
            .prepare(`DELETE FROM ${table} WHERE ${column} < ?`)
            .run(Math.min(cutoff, oldest + sliceMs)).changes;
          if (table === 'samples') rawRows += changes;
          else rollupRows += changes;
          await new Promise((resolve) => setImmediate(resolve));
        }
      }
    } finally {
      this.pruning = false;
      if (rawRows + rollupRows > 0) {
        this.log.info({ path: this.path, rawRows, rollupRows }, 'pruned expired metrics');
      }
    }
  }

  private countDropped(points: number, reason: string): void {
    this.droppedPoints += points;
    this.lastError = reason;
    this.log.error(
      { path: this.path, droppedPoints: points, droppedTotal: this.droppedPoints, reason },
      'metrics points dropped',
    );
  }
}

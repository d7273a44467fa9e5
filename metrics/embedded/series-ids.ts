/**
 * The writer's ids of series, fields and (series, field) pairs: read once when the writer opens the
 * file, extended as points arrive, so a write never asks SQLite for an id it has seen before. Only
 * ids are kept — a series' tags live in the readers' catalog (`catalog.ts`) — because at province
 * scale (~110,000 series, ~490,000 pairs) every byte here is held twice, once per thread.
 */
import type Database from 'better-sqlite3';
import type { MetricPoint } from '../../domain';
import { canonicalKey, noAdditions, seriesFieldKey, type CatalogAdditions } from './catalog';
import type { EmbeddedStatements } from './statements';

/** Field ids stay below 2^16 (seriesFieldKey packs a pair into one number). */
const FIELD_ID_LIMIT = 65536;

export class SeriesIds {
  /** Fast path: measurement + tags as written -> series id (tags usually come in the same order). */
  private readonly seriesByWrittenKey = new Map<string, number>();
  private readonly seriesByKey = new Map<string, number>();
  private readonly fieldIds = new Map<string, number>();
  /** The field ids each series has (a handful each): the pairs already recorded. */
  private readonly fieldsBySeries = new Map<number, number[]>();
  private added = noAdditions();
  /** Series created since the last takeAdditions(): they have no samples yet. */
  private readonly createdSids = new Set<number>();

  /** `recordSeriesField` writes a new (series, field) pair (default: one INSERT now). */
  constructor(
    private readonly db: Database.Database,
    private readonly stmts: EmbeddedStatements,
    private readonly recordSeriesField = (sid: number, fid: number): void => {
      stmts.insertSeriesField.run(sid, fid);
    },
  ) {
    this.load();
  }

  /** The series id of a point's measurement and tags, created if new. */
  seriesId(point: MetricPoint): number {
    const writtenKey = point.measurement + JSON.stringify(point.tags);
    const cached = this.seriesByWrittenKey.get(writtenKey);
    if (cached !== undefined) return cached;
    const key = canonicalKey(point.measurement, point.tags);
    let sid = this.seriesByKey.get(key);
    if (sid === undefined) {
      const tags = Object.fromEntries(Object.entries(point.tags).sort(([a], [b]) => (a < b ? -1 : 1)));
      sid = Number(this.stmts.insertSeries.run(point.measurement, key, JSON.stringify(tags)).lastInsertRowid);
      this.seriesByKey.set(key, sid);
      this.added.series.push({ sid, key, info: { measurement: point.measurement, tags } });
      this.createdSids.add(sid);
    }
    this.seriesByWrittenKey.set(writtenKey, sid);
    return sid;
  }

  /** The id of a field name, created if new. */
  fieldId(name: string): number {
    let fid = this.fieldIds.get(name);
    if (fid === undefined) {
      fid = Number(this.stmts.insertField.run(name).lastInsertRowid);
      if (fid >= FIELD_ID_LIMIT)
        throw new Error('metrics: more than 65,535 distinct field names in the embedded store');
      this.fieldIds.set(name, fid);
      this.added.fields.push({ fid, name });
    }
    return fid;
  }

  /** Record that a series has a field (once); returns the pair's seriesFieldKey(). */
  ensureSeriesField(sid: number, fid: number): number {
    const key = seriesFieldKey(sid, fid);
    const fields = this.fieldsBySeries.get(sid);
    if (fields === undefined || !fields.includes(fid)) {
      this.recordSeriesField(sid, fid);
      this.notePair(sid, fid);
      this.added.pairs.push(key);
    }
    return key;
  }

  /** What was created since the last call (call after a commit; a rollback forgets it). */
  takeAdditions(): CatalogAdditions {
    const added = this.added;
    this.added = noAdditions();
    this.createdSids.clear();
    return added;
  }

  /** Whether the series was created since the last takeAdditions(). */
  createdJustNow(sid: number): boolean {
    return this.createdSids.has(sid);
  }

  /** After a rolled-back transaction: forget the ids it created, which are not in the file. */
  forgetUncommitted(): void {
    this.added = noAdditions();
    this.createdSids.clear();
    this.seriesByWrittenKey.clear();
    this.seriesByKey.clear();
    this.fieldIds.clear();
    this.fieldsBySeries.clear();
    this.load();
  }

  private load(): void {
    for (const row of this.db
      .prepare<[], { id: number; key: string }>('SELECT id, key FROM series')
      .iterate())
      this.seriesByKey.set(row.key, row.id);
    for (const row of this.db
      .prepare<[], { id: number; name: string }>('SELECT id, name FROM fields')
      .iterate())
      this.fieldIds.set(row.name, row.id);
    for (const row of this.db
      .prepare<[], { sid: number; fid: number }>('SELECT sid, fid FROM series_fields')
      .iterate())
      this.notePair(row.sid, row.fid);
  }

  private notePair(sid: number, fid: number): void {
    const list = this.fieldsBySeries.get(sid);
    if (list === undefined) this.fieldsBySeries.set(sid, [fid]);
    else list.push(fid);
  }
}

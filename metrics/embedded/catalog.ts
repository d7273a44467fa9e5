/**
 * Which series and fields the embedded store holds, and their ids: read once at open, kept in memory
 * and extended as points arrive, so a write never asks SQLite for an id it has seen before.
 */
import type Database from 'better-sqlite3';
import type { MetricPoint } from '../../domain';
import type { EmbeddedStatements } from './statements';

export interface SeriesInfo {
  measurement: string;
  tags: Record<string, string>;
}

/** One number per (series, field) pair; field ids stay below 2^16 (checked when one is created). */
const FIELD_ID_LIMIT = 65536;

export function seriesFieldKey(sid: number, fid: number): number {
  return sid * FIELD_ID_LIMIT + fid;
}

export function splitSeriesFieldKey(key: number): { sid: number; fid: number } {
  return { sid: Math.floor(key / FIELD_ID_LIMIT), fid: key % FIELD_ID_LIMIT };
}

/** measurement + tags sorted by key: the identity of a series. */
function canonicalKey(measurement: string, tags: Record<string, string>): string {
  const keys = Object.keys(tags).sort();
  let key = measurement;
  for (const k of keys) key += `\u0000${k}\u0001${tags[k]}`;
  return key;
}

/** Whether a series is of this measurement, has these tag values and (if given) one of these nodes. */
export function seriesMatches(
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

/** Series, fields and pairs a writer created since it was last asked: what a reader must learn. */
export interface CatalogAdditions {
  series: Array<{ sid: number; key: string; info: SeriesInfo }>;
  fields: Array<{ fid: number; name: string }>;
  pairs: number[];
}

const noAdditions = (): CatalogAdditions => ({ series: [], fields: [], pairs: [] });

export class SeriesCatalog {
  /** Fast path: measurement + tags as written -> series id (tags usually come in the same order). */
  private seriesByWrittenKey = new Map<string, number>();
  private seriesByKey = new Map<string, number>();
  private seriesInfo = new Map<number, SeriesInfo>();
  private fieldIds = new Map<string, number>();
  private fieldNames = new Map<number, string>();
  /** seriesFieldKey() of every (series, field) pair already recorded. */
  private seriesFields = new Set<number>();
  private fieldsBySeries = new Map<number, number[]>();
  private added = noAdditions();

  /** Series created since the last takeAdditions(): they have no samples yet. */
  private createdSids = new Set<number>();

  /** `recordSeriesField` writes a new (series, field) pair (default: one INSERT now). */
  constructor(
    private readonly db: Database.Database,
    private readonly stmts: EmbeddedStatements,
    private readonly recordSeriesField = (sid: number, fid: number): void => {
      stmts.insertSeriesField.run(sid, fid);
    },
  ) {
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
    this.loadSeriesFields();
  }

  /** Every series as [id, info]. */
  series(): IterableIterator<[number, SeriesInfo]> {
    return this.seriesInfo.entries();
  }

  /** The id of a field name seen before, or undefined. */
  knownFieldId(name: string): number | undefined {
    return this.fieldIds.get(name);
  }

  fieldName(fid: number): string | undefined {
    return this.fieldNames.get(fid);
  }

  fieldsOf(sid: number): readonly number[] {
    return this.fieldsBySeries.get(sid) ?? [];
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
      this.seriesInfo.set(sid, { measurement: point.measurement, tags });
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
      this.fieldNames.set(fid, name);
      this.added.fields.push({ fid, name });
    }
    return fid;
  }

  /** Record that a series has a field (once); returns the pair's seriesFieldKey(). */
  ensureSeriesField(sid: number, fid: number): number {
    const key = seriesFieldKey(sid, fid);
    if (!this.seriesFields.has(key)) {
      this.recordSeriesField(sid, fid);
      this.noteSeriesField(sid, fid);
      this.added.pairs.push(key);
    }
    return key;
  }

  /** What this catalog created since the last call (call after a commit; a rollback forgets it). */
  takeAdditions(): CatalogAdditions {
    const added = this.added;
    this.added = noAdditions();
    this.createdSids.clear();
    return added;
  }

  /** Whether the series was created by this catalog since the last takeAdditions(). */
  createdJustNow(sid: number): boolean {
    return this.createdSids.has(sid);
  }

  /** Learn what another connection's catalog committed (a reader following the writer thread). */
  learn(added: CatalogAdditions): void {
    for (const { sid, key, info } of added.series) {
      this.seriesByKey.set(key, sid);
      this.seriesInfo.set(sid, info);
    }
    for (const { fid, name } of added.fields) {
      this.fieldIds.set(name, fid);
      this.fieldNames.set(fid, name);
    }
    for (const pair of added.pairs) {
      if (this.seriesFields.has(pair)) continue;
      const { sid, fid } = splitSeriesFieldKey(pair);
      this.noteSeriesField(sid, fid);
    }
  }

  /** After a rolled-back transaction: forget the ids it created, which do not exist in the file. */
  forgetUncommitted(): void {
    this.added = noAdditions();
    this.createdSids.clear();
    const series = this.idsIn('series');
    for (const [key, sid] of this.seriesByKey) if (!series.has(sid)) this.seriesByKey.delete(key);
    for (const [key, sid] of this.seriesByWrittenKey)
      if (!series.has(sid)) this.seriesByWrittenKey.delete(key);
    for (const sid of this.seriesInfo.keys()) if (!series.has(sid)) this.seriesInfo.delete(sid);
    const fields = this.idsIn('fields');
    for (const [name, fid] of this.fieldIds) {
      if (!fields.has(fid)) {
        this.fieldIds.delete(name);
        this.fieldNames.delete(fid);
      }
    }
    this.seriesFields.clear();
    this.fieldsBySeries.clear();
    this.loadSeriesFields();
  }

  private idsIn(table: 'series' | 'fields'): Set<number> {
    return new Set(
      this.db
        .prepare<[], { id: number }>(`SELECT id FROM ${table}`)
        .all()
        .map((r) => r.id),
    );
  }

  private loadSeriesFields(): void {
    for (const row of this.db
      .prepare<[], { sid: number; fid: number }>('SELECT sid, fid FROM series_fields')
      .iterate()) {
      this.noteSeriesField(row.sid, row.fid);
    }
  }

  private noteSeriesField(sid: number, fid: number): void {
    this.seriesFields.add(seriesFieldKey(sid, fid));
    const list = this.fieldsBySeries.get(sid);
    if (list === undefined) this.fieldsBySeries.set(sid, [fid]);
    else list.push(fid);
  }
}

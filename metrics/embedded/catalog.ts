/**
 * What the embedded store's readers know of its series and fields: each series' measurement and
 * tags, field names and which fields each series has — read once at open and extended with what the
 * writer reports after each commit (`learn`). The writer keeps only the ids it needs (`series-ids.ts`).
 */
import type Database from 'better-sqlite3';

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
export function canonicalKey(measurement: string, tags: Record<string, string>): string {
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

export const noAdditions = (): CatalogAdditions => ({ series: [], fields: [], pairs: [] });

export class SeriesCatalog {
  private readonly seriesInfo = new Map<number, SeriesInfo>();
  private readonly fieldIds = new Map<string, number>();
  private readonly fieldNames = new Map<number, string>();
  /** The field ids each series has (a handful each). */
  private readonly fieldsBySeries = new Map<number, number[]>();

  constructor(db: Database.Database) {
    for (const row of db
      .prepare<[], { id: number; measurement: string; tags: string }>(
        'SELECT id, measurement, tags FROM series',
      )
      .iterate()) {
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

  /** Learn what the writer committed. */
  learn(added: CatalogAdditions): void {
    for (const { sid, info } of added.series) this.seriesInfo.set(sid, info);
    for (const { fid, name } of added.fields) {
      this.fieldIds.set(name, fid);
      this.fieldNames.set(fid, name);
    }
    for (const pair of added.pairs) {
      const { sid, fid } = splitSeriesFieldKey(pair);
      this.noteSeriesField(sid, fid);
    }
  }

  private noteSeriesField(sid: number, fid: number): void {
    const list = this.fieldsBySeries.get(sid);
    if (list === undefined) this.fieldsBySeries.set(sid, [fid]);
    else if (!list.includes(fid)) list.push(fid);
  }
}

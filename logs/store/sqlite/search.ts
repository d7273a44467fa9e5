/** Searches and counts on the embedded store: plain SQL plus the FTS5 trigram index. */
import type Database from 'better-sqlite3';
import { whereClause, type FilterInput, type SqlDialect } from '../filters';
import { encodeCursor, type CheckedQuery } from '../query';
import { EVENT_COLUMNS, eventFromRow, type EventRow } from '../rows';
import { SEARCHABLE_TEXT } from './schema';
import type { LogCounts, LogPage, NodeCategoryCount, SourceCount } from '../types';

/** Trigrams need three characters (code points); shorter terms use the instr() fallback. */
const TRIGRAM_CHARS = 3;

function sqliteDialect(params: Array<string | number>): SqlDialect {
  return {
    param(value) {
      params.push(value);
      return '?';
    },
    textTerm(term) {
      if ([...term].length < TRIGRAM_CHARS) {
        params.push(term);
        return `instr(${SEARCHABLE_TEXT}, ?) > 0`;
      }
      // One FTS5 phrase: the term quoted, inner quotes doubled, so no query syntax is interpreted.
      params.push(`"${term.replaceAll('"', '""')}"`);
      return 'seq IN (SELECT rowid FROM events_fts WHERE events_fts MATCH ?)';
    },
  };
}

export function searchSqlite(db: Database.Database, query: CheckedQuery): LogPage {
  const params: Array<string | number> = [];
  const where = whereClause(query, sqliteDialect(params));
  const rows = db
    .prepare(
      `SELECT ${EVENT_COLUMNS.join(', ')} FROM events WHERE ${where} ORDER BY time_ms DESC, id DESC LIMIT ?`,
    )
    .all(...params, query.limit + 1) as EventRow[];
  const events = rows.slice(0, query.limit).map(eventFromRow);
  const last = events.at(-1);
  return {
    events,
    nextCursor: rows.length > query.limit && last ? encodeCursor({ timeMs: last.timeMs, id: last.id }) : null,
  };
}

export function countSqlite(db: Database.Database, filter: FilterInput, topSources: number): LogCounts {
  const params: Array<string | number> = [];
  const where = whereClause(filter, sqliteDialect(params));
  const byNodeCategory = db
    .prepare(
      `SELECT node, category, count(*) AS count FROM events WHERE ${where}
       GROUP BY node, category ORDER BY node IS NULL, node, category`,
    )
    .all(...params) as NodeCategoryCount[];
  const topParams: Array<string | number> = [];
  const topWhere = whereClause(filter, sqliteDialect(topParams));
  const top = db
    .prepare(
      `SELECT source_address AS sourceAddress, count(*) AS count FROM events
       WHERE ${topWhere} AND source_address IS NOT NULL
       GROUP BY source_address ORDER BY count DESC, source_address LIMIT ?`,
    )
    .all(...topParams, topSources) as SourceCount[];
  return { byNodeCategory, topSources: top };
}

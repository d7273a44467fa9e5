/** Searches and counts on the embedded store: plain SQL plus the FTS5 trigram index of blocks of rows (block-index.ts). */
import type Database from 'better-sqlite3';
import { whereClause, type FilterInput, type SqlDialect } from '../filters';
import { encodeCursor, type CheckedQuery } from '../query';
import { EVENT_COLUMNS, eventFromRow, type EventRow } from '../rows';
import { BLOCK_CANDIDATES_SQL } from './block-index';
import { SEARCHABLE_SQL } from './schema';
import type { LogCounts, LogPage, NodeCategoryCount, SourceCount } from '../types';

/** Trigrams need three characters (code points); shorter terms use the instr() check alone. */
const TRIGRAM_CHARS = 3;
/** Enough trigrams of a long term to narrow the candidates well; the exact check does the rest. */
const MAX_TRIGRAMS_PER_TERM = 12;

/** Distinct trigrams of a term, evenly spread over it, each as an FTS5 string (quotes doubled). */
export function termTrigrams(term: string): string[] {
  const chars = [...term];
  const all = [...new Set(chars.slice(0, -2).map((_, i) => chars.slice(i, i + 3).join('')))];
  const step = Math.max(1, all.length / MAX_TRIGRAMS_PER_TERM);
  const picked = new Set<string>();
  for (let i = 0; i < all.length && picked.size < MAX_TRIGRAMS_PER_TERM; i += step) {
    picked.add(all[Math.floor(i)] as string);
  }
  picked.add(all.at(-1) as string);
  return [...picked].map((trigram) => `"${trigram.replaceAll('"', '""')}"`);
}

function sqliteDialect(params: Array<string | number>): SqlDialect {
  return {
    param(value) {
      params.push(value);
      return '?';
    },
    textTerm(term) {
      params.push(term);
      const exact = `instr(${SEARCHABLE_SQL}, ?) > 0`;
      if ([...term].length < TRIGRAM_CHARS) return exact;
      // Every trigram quoted (no FTS5 syntax is ever interpreted) and all required: the rows of the
      // blocks holding them all are the candidates.
      params.push(termTrigrams(term).join(' AND '));
      return `${exact} AND seq IN (${BLOCK_CANDIDATES_SQL})`;
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

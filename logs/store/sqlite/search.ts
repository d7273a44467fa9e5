/** Searches and counts on the embedded store: plain SQL plus the FTS5 trigram index of blocks of rows (block-index.ts). */
import type Database from 'better-sqlite3';
import { whereClause, type FilterInput, type SqlDialect } from '../filters';
import { encodeCursor, type CheckedQuery } from '../query';
import { EVENT_COLUMNS, eventFromRow, type EventRow } from '../rows';
import { BLOCK_CANDIDATES_SQL, COUNT_BLOCKS_SQL, IN_MATCHING_BLOCK_SQL, termPhrase } from './block-index';
import { termCheckSql } from './term-check';
import type { LogCounts, LogPage, NodeCategoryCount, SourceCount } from '../types';

/** Trigrams need three characters (code points); shorter terms use the exact check alone. */
const TRIGRAM_CHARS = 3;
/**
 * A term found in at most this many blocks is searched from them (a few thousand rows checked);
 * found in more, each row the other conditions reach is tested for its block, newest first, and a
 * page stops early (a common term such as 登录失败 is in nearly every block).
 */
const START_FROM_BLOCKS_MAX = 32;

function sqliteDialect(db: Database.Database, params: Array<string | number>): SqlDialect {
  const countBlocks = db.prepare(COUNT_BLOCKS_SQL).pluck();
  const param = (value: string | number): string => {
    params.push(value);
    return '?';
  };
  return {
    param,
    textTerm(term) {
      const exact = termCheckSql(term, param);
      if ([...term].length < TRIGRAM_CHARS) return exact;
      const phrase = termPhrase(term);
      params.push(phrase);
      const blocks = countBlocks.get(phrase) as number;
      return `${exact} AND ${blocks <= START_FROM_BLOCKS_MAX ? `seq IN (${BLOCK_CANDIDATES_SQL})` : IN_MATCHING_BLOCK_SQL}`;
    },
  };
}

export function searchSqlite(db: Database.Database, query: CheckedQuery): LogPage {
  const params: Array<string | number> = [];
  const where = whereClause(query, sqliteDialect(db, params));
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
  const where = whereClause(filter, sqliteDialect(db, params));
  const byNodeCategory = db
    .prepare(
      `SELECT node, category, count(*) AS count FROM events WHERE ${where}
       GROUP BY node, category ORDER BY node IS NULL, node, category`,
    )
    .all(...params) as NodeCategoryCount[];
  const topParams: Array<string | number> = [];
  const topWhere = whereClause(filter, sqliteDialect(db, topParams));
  const top = db
    .prepare(
      `SELECT source_address AS sourceAddress, count(*) AS count FROM events
       WHERE ${topWhere} AND source_address IS NOT NULL
       GROUP BY source_address ORDER BY count DESC, source_address LIMIT ?`,
    )
    .all(...topParams, topSources) as SourceCount[];
  return { byNodeCategory, topSources: top };
}

/** Searches and counts on PostgreSQL, in SQL that PostgreSQL-compatible servers also run. */
import type pg from 'pg';
import type { NodeId, SecurityCategory } from '../../../domain';
import { whereClause, type FilterInput, type SqlDialect } from '../filters';
import { encodeCursor, type CheckedQuery } from '../query';
import { EVENT_COLUMNS, eventFromRow, type EventRow } from '../rows';
import { PARENT_TABLE, SEARCHABLE_TEXT } from './schema';
import type { LogCounts, LogPage } from '../types';

/** A term as a LIKE pattern that matches it literally anywhere (backslash is LIKE's default escape). */
const containsPattern = (term: string): string => `%${term.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

function postgresDialect(params: Array<string | number>): SqlDialect {
  const param = (value: string | number): string => {
    params.push(value);
    return `$${params.length}`;
  };
  return {
    param,
    textTerm: (term) => `${SEARCHABLE_TEXT} LIKE ${param(containsPattern(term))}`,
  };
}

export async function searchPostgres(pool: pg.Pool, query: CheckedQuery): Promise<LogPage> {
  const params: Array<string | number> = [];
  const sql = postgresDialect(params);
  const where = whereClause(query, sql);
  const result = await pool.query<EventRow>(
    `SELECT ${EVENT_COLUMNS.join(', ')} FROM ${PARENT_TABLE} WHERE ${where}
     ORDER BY time_ms DESC, id DESC LIMIT ${sql.param(query.limit + 1)}`,
    params,
  );
  const events = result.rows.slice(0, query.limit).map(eventFromRow);
  const last = events.at(-1);
  return {
    events,
    nextCursor:
      result.rows.length > query.limit && last ? encodeCursor({ timeMs: last.timeMs, id: last.id }) : null,
  };
}

export async function countPostgres(
  pool: pg.Pool,
  filter: FilterInput,
  topSources: number,
): Promise<LogCounts> {
  const params: Array<string | number> = [];
  const where = whereClause(filter, postgresDialect(params));
  const grouped = await pool.query<{ node: string | null; category: string; count: string }>(
    `SELECT node, category, count(*) AS count FROM ${PARENT_TABLE} WHERE ${where}
     GROUP BY node, category ORDER BY node ASC NULLS LAST, category`,
    params,
  );
  const topParams: Array<string | number> = [];
  const topSql = postgresDialect(topParams);
  const topWhere = whereClause(filter, topSql);
  const top = await pool.query<{ source_address: string; count: string }>(
    `SELECT source_address, count(*) AS count FROM ${PARENT_TABLE}
     WHERE ${topWhere} AND source_address IS NOT NULL
     GROUP BY source_address ORDER BY count(*) DESC, source_address LIMIT ${topSql.param(topSources)}`,
    topParams,
  );
  return {
    byNodeCategory: grouped.rows.map((row) => ({
      node: row.node as NodeId | null,
      category: row.category as SecurityCategory,
      count: Number(row.count),
    })),
    topSources: top.rows.map((row) => ({ sourceAddress: row.source_address, count: Number(row.count) })),
  };
}

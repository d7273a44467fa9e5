/**
 * Searches and counts on the embedded store (block-schema.ts). SQL picks the blocks that can hold a
 * match — by their time range and, for text terms and node, user or source address filters, by
 * their full-text entry (block-index.ts) — newest block first; each event of those blocks is then
 * checked exactly in JavaScript (`eventFilter`), so the index only ever narrows. A page stops at the
 * first block whose newest event is older than the page's last one. Counts add up the blocks'
 * summaries and decode only the blocks the time range cuts through.
 */
import type Database from 'better-sqlite3';
import type { SecurityEvent } from '../../../domain';
import type { FilterInput } from '../filters';
import { encodeCursor, type CheckedQuery } from '../query';
import type { LogCounts, LogPage, NodeCategoryCount, SourceCount } from '../types';
import { addCount, countRows, type BlockSummary, type NodeCounts } from './block-builder';
import {
  CATEGORY,
  NODE,
  SOURCE,
  TIME,
  eventAt,
  forEachEncoded,
  stringColumns,
  type EventValues,
} from './block-events';
import { BLOCKS_MATCHING_SQL, nodeWord, termPhrase, valueTerms } from './block-index';
import { eventFilter } from './event-filter';

/** Trigrams need three characters (code points); a shorter term narrows nothing and is checked on every event. */
const TRIGRAM_CHARS = 3;
const hasTrigram = (term: string): boolean => [...term].length >= TRIGRAM_CHARS;
/** A scope of more nodes than this is checked on each event, not asked of the index (a query of as many phrases). */
const SCOPE_KEYS_MAX = 64;

/** The full-text query every candidate block must match: all terms and key filters, ANDed; null when none narrows. */
function blockMatch(filter: FilterInput): string | null {
  const parts: string[] = [];
  for (const term of filter.terms ?? []) if (hasTrigram(term)) parts.push(termPhrase(term));
  for (const value of [filter.user, filter.sourceAddress])
    if (value !== undefined)
      for (const term of valueTerms(value)) if (hasTrigram(term)) parts.push(termPhrase(term));
  if (filter.node !== undefined) parts.push(termPhrase(nodeWord(filter.node)));
  if (filter.scope !== undefined && filter.scope.length > 0 && filter.scope.length <= SCOPE_KEYS_MAX)
    parts.push(`(${filter.scope.map((node) => termPhrase(nodeWord(node))).join(' OR ')})`);
  return parts.length === 0 ? null : parts.join(' AND ');
}

/** The WHERE clause on `event_blocks` for the blocks that may hold an event the filter keeps. */
function blockWhere(filter: FilterInput, params: Array<string | number>): string {
  const conditions: string[] = [];
  if (filter.sinceMs !== undefined) {
    conditions.push('max_time_ms >= ?');
    params.push(filter.sinceMs);
  }
  if (filter.untilMs !== undefined) {
    conditions.push('min_time_ms < ?');
    params.push(filter.untilMs);
  }
  if (filter.after) {
    conditions.push('min_time_ms <= ?');
    params.push(filter.after.timeMs);
  }
  const match = blockMatch(filter);
  if (match !== null) {
    conditions.push(`block IN (${BLOCKS_MATCHING_SQL})`);
    params.push(match);
  }
  return conditions.length === 0 ? '1 = 1' : conditions.join(' AND ');
}

/** Newest first: event time, then id, both descending (as ORDER BY time_ms DESC, id DESC). */
function newestFirst(a: SecurityEvent, b: SecurityEvent): number {
  return b.timeMs - a.timeMs || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
}

export function searchSqlite(db: Database.Database, query: CheckedQuery): LogPage {
  if (query.scope?.length === 0) return { events: [], nextCursor: null };
  const params: Array<string | number> = [];
  const blocks = db
    .prepare(
      `SELECT max_time_ms AS maxTimeMs, body FROM event_blocks WHERE ${blockWhere(query, params)} ORDER BY max_time_ms DESC`,
    )
    .iterate(...params) as IterableIterator<{ maxTimeMs: number; body: Buffer }>;
  const { keep, strings } = eventFilter(query);
  // The best `limit + 1` so far (one more than a page: whether there is a next one).
  const wanted = query.limit + 1;
  let found: SecurityEvent[] = [];
  // Once `wanted` are found, an event older than the last of them cannot be on the page.
  let floorMs = -Infinity;
  for (const { maxTimeMs, body } of blocks) {
    if (maxTimeMs < floorMs) break;
    // The filter's columns first; the whole event only for those it keeps.
    forEachEncoded(
      body,
      (values, start) => {
        if ((values[TIME] as number) >= floorMs && keep(values)) found.push(eventAt(body, start));
      },
      strings,
    );
    if (found.length < wanted) continue;
    found = found.sort(newestFirst).slice(0, wanted);
    floorMs = (found[wanted - 1] as SecurityEvent).timeMs;
  }
  found.sort(newestFirst);
  const events = found.slice(0, query.limit);
  const lastShown = events.at(-1);
  return {
    events,
    nextCursor:
      found.length > query.limit && lastShown
        ? encodeCursor({ timeMs: lastShown.timeMs, id: lastShown.id })
        : null,
  };
}

export interface CountsFilter extends Pick<FilterInput, 'scope'> {
  sinceMs: number;
  untilMs: number;
}

/** The string columns a count reads. */
const COUNTED = stringColumns([NODE, CATEGORY, SOURCE]);

/** Nodes in order, unknown senders (null) last; then the key. */
const byNodeThenKey = (
  a: readonly [string | null, string, ...unknown[]],
  b: readonly [string | null, string, ...unknown[]],
): number =>
  a[0] === b[0] ? compareText(a[1], b[1]) : a[0] === null ? 1 : b[0] === null ? -1 : compareText(a[0], b[0]);

const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export function countSqlite(db: Database.Database, filter: CountsFilter, topSources: number): LogCounts {
  if (filter.scope?.length === 0) return { byNodeCategory: [], topSources: [] };
  const inScope =
    filter.scope === undefined
      ? () => true
      : (
          (scope: ReadonlySet<string | null>) => (node: string | null) =>
            scope.has(node)
        )(new Set(filter.scope));
  const categories: NodeCounts = new Map();
  const sources: NodeCounts = new Map();
  const addEvent = (values: EventValues): void => {
    const time = values[TIME] as number;
    const node = values[NODE] as string | null;
    if (time < filter.sinceMs || time >= filter.untilMs || !inScope(node)) return;
    addCount(categories, node, values[CATEGORY] as string, 1);
    const source = values[SOURCE];
    if (typeof source === 'string') addCount(sources, node, source, 1);
  };
  const params: Array<string | number> = [];
  const where = blockWhere(filter, params);
  const blocks = db
    .prepare(
      `SELECT block, min_time_ms AS minTimeMs, max_time_ms AS maxTimeMs, summary FROM event_blocks WHERE ${where}`,
    )
    .all(...params) as Array<{ block: number; minTimeMs: number; maxTimeMs: number; summary: string }>;
  const body = db.prepare('SELECT body FROM event_blocks WHERE block = ?').pluck();
  for (const block of blocks) {
    if (block.minTimeMs >= filter.sinceMs && block.maxTimeMs < filter.untilMs) {
      const summary = JSON.parse(block.summary) as BlockSummary;
      for (const [node, category, n] of summary.c) if (inScope(node)) addCount(categories, node, category, n);
      for (const [node, source, n] of summary.s) if (inScope(node)) addCount(sources, node, source, n);
    } else {
      forEachEncoded(body.get(block.block) as Buffer, addEvent, COUNTED);
    }
  }
  return { byNodeCategory: nodeCategoryCounts(categories), topSources: topSourceCounts(sources, topSources) };
}

function nodeCategoryCounts(categories: NodeCounts): NodeCategoryCount[] {
  return countRows(categories)
    .sort(byNodeThenKey)
    .map(([node, category, count]) => ({ node, category, count }) as NodeCategoryCount);
}

function topSourceCounts(sources: NodeCounts, top: number): SourceCount[] {
  const totals = new Map<string, number>();
  for (const bySource of sources.values())
    for (const [source, n] of bySource) totals.set(source, (totals.get(source) ?? 0) + n);
  return [...totals]
    .sort((a, b) => b[1] - a[1] || compareText(a[0], b[0]))
    .slice(0, top)
    .map(([sourceAddress, count]) => ({ sourceAddress, count }));
}

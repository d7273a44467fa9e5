/** Checking a search query once, at the store's edge, into the shape both backends run. */
import { LogQueryError, type CountsQuery, type LogQuery } from './types';

export const DEFAULT_SEARCH_LIMIT = 100;
export const MAX_SEARCH_LIMIT = 1000;
export const DEFAULT_TOP_SOURCES = 10;
export const MAX_TOP_SOURCES = 100;
/** Free-text terms per query and characters per term: bounded work for any input. */
const MAX_TERMS = 8;
const MAX_TERM_CHARS = 200;

/** Where the previous page ended: the last event's time and id. */
export interface Cursor {
  timeMs: number;
  id: string;
}

export interface CheckedQuery extends Omit<LogQuery, 'text' | 'limit' | 'cursor'> {
  terms: string[];
  limit: number;
  after: Cursor | null;
}

export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify([cursor.timeMs, cursor.id]), 'utf8').toString('base64url');
}

export function decodeCursor(text: string): Cursor {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    parsed = null;
  }
  if (
    !Array.isArray(parsed) ||
    parsed.length !== 2 ||
    !Number.isSafeInteger(parsed[0]) ||
    typeof parsed[1] !== 'string'
  ) {
    throw new LogQueryError('cursor is not one this store returned: start the search again without it');
  }
  return { timeMs: parsed[0] as number, id: parsed[1] };
}

/** Split free text into terms (each must appear); lower-cased so both backends compare alike. */
export function textTerms(text: string | undefined): string[] {
  if (text === undefined) return [];
  const terms = text.split(/\s+/u).filter((term) => term !== '');
  if (terms.length > MAX_TERMS)
    throw new LogQueryError(`text has ${terms.length} terms: at most ${MAX_TERMS}`);
  for (const term of terms) {
    if (term.length > MAX_TERM_CHARS)
      throw new LogQueryError(`a text term is ${term.length} characters long: at most ${MAX_TERM_CHARS}`);
  }
  return terms.map((term) => term.toLowerCase());
}

function checkRange(sinceMs: number | undefined, untilMs: number | undefined): void {
  for (const [name, value] of [
    ['sinceMs', sinceMs],
    ['untilMs', untilMs],
  ] as const) {
    if (value !== undefined && !Number.isSafeInteger(value))
      throw new LogQueryError(`${name} must be a whole number of milliseconds, got ${String(value)}`);
  }
  if (sinceMs !== undefined && untilMs !== undefined && untilMs < sinceMs)
    throw new LogQueryError('the time range ends before it starts (untilMs < sinceMs)');
}

export function checkQuery(query: LogQuery): CheckedQuery {
  const { text, limit = DEFAULT_SEARCH_LIMIT, cursor, ...filters } = query;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_SEARCH_LIMIT)
    throw new LogQueryError(
      `limit must be a whole number from 1 to ${MAX_SEARCH_LIMIT}, got ${String(limit)}`,
    );
  checkRange(query.sinceMs, query.untilMs);
  return {
    ...filters,
    terms: textTerms(text),
    limit,
    after: cursor === undefined || cursor === '' ? null : decodeCursor(cursor),
  };
}

export function checkCountsQuery(query: CountsQuery): Required<Omit<CountsQuery, 'scope'>> & CountsQuery {
  const topSources = query.topSources ?? DEFAULT_TOP_SOURCES;
  if (!Number.isInteger(topSources) || topSources < 0 || topSources > MAX_TOP_SOURCES)
    throw new LogQueryError(`topSources must be a whole number from 0 to ${MAX_TOP_SOURCES}`);
  checkRange(query.sinceMs, query.untilMs);
  return { ...query, topSources };
}

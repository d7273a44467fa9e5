/**
 * A search's conditions (filters.ts FilterInput) as one check of an event's values, in JavaScript:
 * what the embedded store's blocks are read through (search.ts). Text terms are matched as
 * `instr(fold(searchable), term)` would: each (already folded) term a substring of the folded
 * message, message id, user or hostname — a term never holds whitespace, so it never spans two.
 */
import type { FilterInput } from '../filters';
import {
  CATEGORY,
  HOSTNAME,
  ID,
  MESSAGE_ID,
  NODE,
  SOURCE,
  TEXT,
  TIME,
  USER,
  ZONE,
  stringColumns,
  type EventValues,
} from './block-events';
import { fold } from './schema';

type Check = (values: EventValues) => boolean;

/** A filter's check and the string columns it reads (block-events.ts stringColumns): the others need not be decoded. */
export interface EventFilter {
  keep: Check;
  strings: readonly boolean[];
}

const SEARCHABLE = [TEXT, MESSAGE_ID, USER, HOSTNAME] as const;

function holdsTerm(values: EventValues, term: string): boolean {
  for (const column of SEARCHABLE) {
    const value = values[column];
    if (typeof value === 'string' && fold(value).includes(term)) return true;
  }
  return false;
}

function equals(column: number, wanted: string | undefined): Check | null {
  return wanted === undefined ? null : (values) => values[column] === wanted;
}

export function eventFilter(filter: FilterInput): EventFilter {
  const checks: Check[] = [];
  const columns = new Set<number>();
  const add = (check: Check | null, ...reads: number[]) => {
    if (check === null) return;
    checks.push(check);
    for (const column of reads) columns.add(column);
  };
  const { sinceMs, untilMs, after, scope } = filter;
  if (sinceMs !== undefined) add((values) => (values[TIME] as number) >= sinceMs);
  if (untilMs !== undefined) add((values) => (values[TIME] as number) < untilMs);
  if (after) {
    add((values) => {
      const time = values[TIME] as number;
      return time < after.timeMs || (time === after.timeMs && (values[ID] as string) < after.id);
    }, ID);
  }
  add(equals(NODE, filter.node), NODE);
  add(equals(CATEGORY, filter.category), CATEGORY);
  add(equals(ZONE, filter.zone), ZONE);
  add(equals(USER, filter.user), USER);
  add(equals(SOURCE, filter.sourceAddress), SOURCE);
  if (scope !== undefined) {
    const nodes = new Set<unknown>(scope);
    add((values) => values[NODE] !== null && nodes.has(values[NODE]), NODE);
  }
  for (const term of filter.terms ?? []) add((values) => holdsTerm(values, term), ...SEARCHABLE);
  return {
    keep: (values) => checks.every((check) => check(values)),
    strings: stringColumns([...columns]),
  };
}

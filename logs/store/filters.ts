/**
 * The WHERE clause of a search, built once for both backends: each dialect says how it writes a
 * parameter and how it matches one free-text term. Values always travel as parameters.
 */
import type { CheckedQuery } from './query';
import type { NodeId, SecurityCategory, Zone } from '../../domain';

export interface SqlDialect {
  /** Adds a parameter and returns its placeholder (`?` or `$n`). */
  param(value: string | number): string;
  /** A condition true when the (lower-cased) term appears in the event's searchable text. */
  textTerm(term: string): string;
}

export interface FilterInput {
  scope?: readonly NodeId[];
  node?: NodeId;
  user?: string;
  sourceAddress?: string;
  category?: SecurityCategory;
  zone?: Zone;
  sinceMs?: number;
  untilMs?: number;
  terms?: string[];
  after?: CheckedQuery['after'];
}

/** Conditions joined with AND ('TRUE' when there are none, so callers can always append). */
export function whereClause(input: FilterInput, sql: SqlDialect): string {
  const conditions: string[] = [];
  if (input.scope !== undefined) {
    conditions.push(
      input.scope.length === 0 ? '1 = 0' : `node IN (${input.scope.map((id) => sql.param(id)).join(', ')})`,
    );
  }
  const exact: Array<[string, string | undefined]> = [
    ['node', input.node],
    ['user_name', input.user],
    ['source_address', input.sourceAddress],
    ['category', input.category],
    ['zone', input.zone],
  ];
  for (const [column, value] of exact) {
    if (value !== undefined) conditions.push(`${column} = ${sql.param(value)}`);
  }
  if (input.sinceMs !== undefined) conditions.push(`time_ms >= ${sql.param(input.sinceMs)}`);
  if (input.untilMs !== undefined) conditions.push(`time_ms < ${sql.param(input.untilMs)}`);
  for (const term of input.terms ?? []) conditions.push(sql.textTerm(term));
  if (input.after) {
    // Each placeholder takes its own parameter: `?` cannot be referred to twice.
    const before = `time_ms < ${sql.param(input.after.timeMs)}`;
    const sameTime = `time_ms = ${sql.param(input.after.timeMs)} AND id < ${sql.param(input.after.id)}`;
    conditions.push(`(${before} OR (${sameTime}))`);
  }
  return conditions.length === 0 ? '1 = 1' : conditions.join(' AND ');
}

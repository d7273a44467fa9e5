/**
 * A device profile's columns folded into the interface request. Their tables are small and their
 * rows rarely change, so once a walk has seen which rows each column has, every row can be fetched
 * as a GETBULK non-repeater (GETNEXT semantics) of the OID just before it: the column itself for the
 * first row, the row before for the next. They ride with sysUpTime and sysName in the interface
 * GETBULK: one request per poll and exactly one varbind per value, where a walk of its own costs a
 * second request and overshoots every column by a row. Rows that carry nothing (a board without a CPU
 * or sensor) and names are left to the periodic walk. An answer that is not the row expected means
 * rows came or went: the poll keeps what matched and the next poll walks the columns again.
 */
import type { Column, Varbind } from '../snmp/session';

/** Beyond this many rows the columns are walked: the request stays well inside one datagram. */
export const MAX_FOLDED_ROWS = 96;

export interface FoldPlan {
  /** The columns, in the order the reading looks them up. */
  readonly oids: readonly string[];
  /** Non-repeater OIDs to ask, one per row. */
  readonly request: readonly string[];
  /** The OID each answer must carry. */
  readonly expected: readonly string[];
  /** Which column (index into oids) and row suffix each answer fills. */
  readonly columnOf: readonly number[];
  readonly suffixOf: readonly string[];
}

/** Whether a walked row is worth asking for on every poll (a board without a CPU sensor is not). */
export type RowFilter = (oid: string, suffix: string, vb: Varbind) => boolean;

/** The plan for the rows a walk found; null when there are too many to fold. */
export function planFold(
  oids: readonly string[],
  columns: readonly Column[],
  keep: RowFilter = () => true,
): FoldPlan | null {
  const request: string[] = [];
  const expected: string[] = [];
  const columnOf: number[] = [];
  const suffixOf: string[] = [];
  oids.forEach((oid, i) => {
    let previous = oid;
    for (const [suffix, vb] of columns[i] ?? []) {
      const instance = `${oid}.${suffix}`;
      // GETNEXT of the row walked just before (kept or not) answers this row.
      if (keep(oid, suffix, vb)) {
        request.push(previous);
        expected.push(instance);
        columnOf.push(i);
        suffixOf.push(suffix);
      }
      previous = instance;
    }
  });
  if (request.length > MAX_FOLDED_ROWS) return null;
  return { oids, request, expected, columnOf, suffixOf };
}

/** The columns rebuilt from the answers; `complete` is false when any row was not where it was. */
export function unfold(
  plan: FoldPlan,
  answers: ReadonlyArray<Varbind | null>,
): { columns: Column[]; complete: boolean } {
  const columns: Column[] = plan.oids.map(() => new Map<string, Varbind>());
  let complete = answers.length === plan.expected.length;
  for (let k = 0; k < plan.expected.length; k++) {
    const vb = answers[k];
    if (vb && vb.oid === plan.expected[k])
      columns[plan.columnOf[k] as number]?.set(plan.suffixOf[k] as string, vb);
    else complete = false;
  }
  return { columns, complete };
}

/**
 * The events of a block (block-schema.ts) are stored as the write buffer encoded them (event-codec.ts),
 * back to back in one BLOB: reading a block is decoding it, and writing one copies bytes. Here: the
 * walk over a block's (or a page's) events, and where each column sits in their values (rows.ts).
 */
import type { SecurityEvent } from '../../../domain';
import { decodeValues, type ColumnValue } from '../event-codec';
import { EVENT_COLUMNS, eventFromValues } from '../rows';

/** An event's values, EVENT_COLUMNS order. */
export type EventValues = ColumnValue[];

export {
  CATEGORY,
  FORMAT,
  HOSTNAME,
  ID,
  MESSAGE_ID,
  NODE,
  RAW,
  RECEIVED,
  SENDER,
  SEVERITY,
  SOURCE,
  TEXT,
  TIME,
  USER,
  ZONE,
  textOrNull,
} from '../rows';

/** Which string columns a reader creates strings for (the others read as null): see `forEachEncoded`. */
export function stringColumns(columns: readonly number[]): readonly boolean[] {
  return EVENT_COLUMNS.map((_, column) => columns.includes(column));
}

/**
 * Calls `visit` with each event's values in `bytes` (one array, refilled for each event: copy what
 * is kept) and the byte range the event takes; only the string columns `strings` marks are read
 * (default all).
 */
export function forEachEncoded(
  bytes: Buffer,
  visit: (values: EventValues, start: number, end: number) => void,
  strings?: readonly boolean[],
): void {
  const values = new Array<ColumnValue>(EVENT_COLUMNS.length);
  for (let start = 0; start < bytes.length;) {
    const end = decodeValues(bytes, start, values, 0, strings);
    visit(values, start, end);
    start = end;
  }
}

/** The whole event encoded at `start` in `bytes`. */
export function eventAt(bytes: Buffer, start: number): SecurityEvent {
  const values = new Array<ColumnValue>(EVENT_COLUMNS.length);
  decodeValues(bytes, start, values);
  return eventFromValues(values);
}

/**
 * The events of a block (block-store.ts) are stored as the write buffer encoded them (event-codec.ts),
 * back to back in one BLOB: reading a block is decoding it, and writing one copies bytes. Here: where
 * each column sits in an event's values, and the walk over a block's (or a page's) events.
 */
import type { LogFormat, NodeId, SecurityCategory, SecurityEvent, Severity, Zone } from '../../../domain';
import { decodeValues, type ColumnValue } from '../event-codec';
import { EVENT_COLUMNS } from '../rows';

/** An event's values, EVENT_COLUMNS order. */
export type EventValues = ColumnValue[];

const at = (column: (typeof EVENT_COLUMNS)[number]): number => EVENT_COLUMNS.indexOf(column);
export const ID = at('id');
export const TIME = at('time_ms');
export const RECEIVED = at('received_at_ms');
export const NODE = at('node');
export const ZONE = at('zone');
export const SENDER = at('sender_address');
export const HOSTNAME = at('hostname');
export const CATEGORY = at('category');
export const SEVERITY = at('severity');
export const FORMAT = at('format');
export const MESSAGE_ID = at('message_id');
export const USER = at('user_name');
export const SOURCE = at('source_address');
export const TEXT = at('text');
export const RAW = at('raw_base64');

export const textOrNull = (value: ColumnValue | undefined): string | null =>
  typeof value === 'string' ? value : null;

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

// The values were encoded from a SecurityEvent (rows.ts eventValues), column for column.
export function eventOf(values: EventValues): SecurityEvent {
  return {
    id: values[ID] as string,
    timeMs: values[TIME] as number,
    receivedAtMs: values[RECEIVED] as number,
    node: values[NODE] as NodeId | null,
    zone: values[ZONE] as Zone | null,
    senderAddress: values[SENDER] as string,
    hostname: textOrNull(values[HOSTNAME]),
    category: values[CATEGORY] as SecurityCategory,
    severity: values[SEVERITY] as Severity,
    format: values[FORMAT] as LogFormat,
    messageId: textOrNull(values[MESSAGE_ID]),
    user: textOrNull(values[USER]),
    sourceAddress: textOrNull(values[SOURCE]),
    text: values[TEXT] as string,
    rawBase64: textOrNull(values[RAW]),
  };
}

/** The whole event encoded at `start` in `bytes`. */
export function eventAt(bytes: Buffer, start: number): SecurityEvent {
  const values = new Array<ColumnValue>(EVENT_COLUMNS.length);
  decodeValues(bytes, start, values);
  return eventOf(values);
}

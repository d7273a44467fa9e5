/** One row layout for both backends: the SecurityEvent fields in snake_case columns. */
import type { LogFormat, NodeId, SecurityCategory, SecurityEvent, Severity, Zone } from '../../domain';

export const EVENT_COLUMNS = [
  'id',
  'time_ms',
  'received_at_ms',
  'node',
  'zone',
  'sender_address',
  'hostname',
  'category',
  'severity',
  'format',
  'message_id',
  'user_name',
  'source_address',
  'text',
  'raw_base64',
] as const;

export interface EventRow {
  id: string;
  time_ms: number | string;
  received_at_ms: number | string;
  node: string | null;
  zone: string | null;
  sender_address: string;
  hostname: string | null;
  category: string;
  severity: string;
  format: string;
  message_id: string | null;
  user_name: string | null;
  source_address: string | null;
  text: string;
  raw_base64: string | null;
}

/** Values in EVENT_COLUMNS order. */
export function eventValues(event: SecurityEvent): Array<string | number | null> {
  return [
    event.id,
    event.timeMs,
    event.receivedAtMs,
    event.node,
    event.zone,
    event.senderAddress,
    event.hostname,
    event.category,
    event.severity,
    event.format,
    event.messageId,
    event.user,
    event.sourceAddress,
    event.text,
    event.rawBase64,
  ];
}

// The row was written from a SecurityEvent by eventValues, so its strings are the domain's values.
export function eventFromRow(row: EventRow): SecurityEvent {
  return {
    id: row.id,
    timeMs: Number(row.time_ms),
    receivedAtMs: Number(row.received_at_ms),
    node: row.node as NodeId | null,
    zone: row.zone as Zone | null,
    senderAddress: row.sender_address,
    hostname: row.hostname,
    category: row.category as SecurityCategory,
    severity: row.severity as Severity,
    format: row.format as LogFormat,
    messageId: row.message_id,
    user: row.user_name,
    sourceAddress: row.source_address,
    text: row.text,
    rawBase64: row.raw_base64,
  };
}

/** The event whose EVENT_COLUMNS values these are (eventValues' inverse). */
export function eventFromValues(values: ReadonlyArray<string | number | null>): SecurityEvent {
  const row: Record<string, string | number | null> = {};
  EVENT_COLUMNS.forEach((column, i) => (row[column] = values[i] ?? null));
  // The values were written by eventValues, column for column.
  return eventFromRow(row as unknown as EventRow);
}

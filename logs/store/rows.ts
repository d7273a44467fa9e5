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

/** Where each column sits in an event's values (EVENT_COLUMNS order). */
const column = (name: (typeof EVENT_COLUMNS)[number]): number => EVENT_COLUMNS.indexOf(name);
export const textOrNull = (value: string | number | null | undefined): string | null =>
  typeof value === 'string' ? value : null;
export const ID = column('id');
export const TIME = column('time_ms');
export const RECEIVED = column('received_at_ms');
export const NODE = column('node');
export const ZONE = column('zone');
export const SENDER = column('sender_address');
export const HOSTNAME = column('hostname');
export const CATEGORY = column('category');
export const SEVERITY = column('severity');
export const FORMAT = column('format');
export const MESSAGE_ID = column('message_id');
export const USER = column('user_name');
export const SOURCE = column('source_address');
export const TEXT = column('text');
export const RAW = column('raw_base64');

/** The event whose EVENT_COLUMNS values these are (eventValues' inverse). */
// The values were written by eventValues, column for column.
export function eventFromValues(values: ReadonlyArray<string | number | null>): SecurityEvent {
  return {
    id: values[ID] as string,
    timeMs: Number(values[TIME]),
    receivedAtMs: Number(values[RECEIVED]),
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

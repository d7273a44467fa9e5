/**
 * One received message → one SecurityEvent: decoded (UTF-8, GBK or raw), parsed, classified and tied
 * to its sender. Pure apart from the id; never throws on any input.
 */
import { randomUUID } from 'node:crypto';
import type { SecurityEvent } from '../domain';
import { decodeLine, type LineEncoding } from './decode';
import { parseLogLine } from './parsers/index';
import type { LogSenders } from './senders';
import { plainAddress } from './senders';
import { severityOf } from './severity';

export interface ReadEvent {
  event: SecurityEvent;
  encoding: LineEncoding;
  /** Whether a syslog header or vendor format was recognized. */
  parsed: boolean;
}

/** Trailing CR, LF and NUL: framing leftovers, not content. */
function trimFraming(bytes: Uint8Array): Uint8Array {
  let end = bytes.length;
  while (end > 0) {
    const last = bytes[end - 1];
    if (last !== 0x0a && last !== 0x0d && last !== 0x00) break;
    end--;
  }
  return end === bytes.length ? bytes : bytes.subarray(0, end);
}

export interface ReceivedBytes {
  bytes: Uint8Array;
  senderAddress: string;
  /** The sender's source port, when it identifies the sender (UDP). */
  senderPort?: number | undefined;
  receivedAtMs: number;
  /** Cut to the size limit or short of its declared length: the bytes are kept as well as the text. */
  incomplete: boolean;
}

export function readEvent(received: ReceivedBytes, senders: LogSenders): ReadEvent {
  const { senderAddress, receivedAtMs } = received;
  const bytes = trimFraming(received.bytes);
  const decoded = decodeLine(bytes);
  const line = parseLogLine(decoded.text, receivedAtMs);
  const sender = senders.resolve(senderAddress, line.hostname, received.senderPort);
  const event: SecurityEvent = {
    id: randomUUID(),
    timeMs: line.timeMs ?? receivedAtMs,
    receivedAtMs,
    node: sender.node,
    zone: sender.zone,
    senderAddress: plainAddress(senderAddress),
    hostname: line.hostname,
    category: line.category,
    severity: severityOf(line.level, line.category),
    format: line.format,
    messageId: line.messageId,
    user: line.user,
    sourceAddress: line.sourceAddress,
    text: decoded.text,
    rawBase64: decoded.rawBase64 ?? (received.incomplete ? Buffer.from(bytes).toString('base64') : null),
  };
  return { event, encoding: decoded.encoding, parsed: line.format !== 'generic' };
}

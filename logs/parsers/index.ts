/**
 * One decoded log line → what it says: the syslog header (RFC 5424, RFC 3164 or none), then the first
 * vendor format whose marker the message carries, else the generic reading. Adding a vendor is adding
 * a file with a `VendorParser` and a line in VENDORS.
 */
import type { LogFormat, SecurityCategory } from '../../domain';
import { readCiscoIos } from './cisco-ios';
import { readGeneric } from './generic';
import { readH3cComware } from './h3c-comware';
import { readHuaweiVrp } from './huawei-vrp';
import { readPri } from './pri';
import { readRfc3164 } from './rfc3164';
import { readRfc5424 } from './rfc5424';
import type { SyslogHeader, VendorParser } from './types';

export type { SyslogHeader, VendorReading } from './types';

/** H3C before Huawei: both use `%%NN`, H3C's version is 10. */
const VENDORS: readonly VendorParser[] = [readH3cComware, readHuaweiVrp, readCiscoIos];

export interface ParsedLine {
  format: LogFormat;
  /** Syslog severity 0–7: the vendor's level when the body has one, else the PRI's, else null. */
  level: number | null;
  timeMs: number | null;
  hostname: string | null;
  app: string | null;
  messageId: string | null;
  category: SecurityCategory;
  user: string | null;
  sourceAddress: string | null;
}

export function readHeader(text: string, receivedAtMs: number): SyslogHeader {
  const pri = readPri(text);
  if (!pri)
    return {
      format: null,
      severity: null,
      timeMs: null,
      hostname: null,
      app: null,
      msgId: null,
      message: text,
    };
  const rest = text.slice(pri.length);
  return readRfc5424(rest, pri.severity) ?? readRfc3164(rest, pri.severity, receivedAtMs);
}

export function parseLogLine(text: string, receivedAtMs: number): ParsedLine {
  const header = readHeader(text, receivedAtMs);
  // Every vendor marker starts with '%': a line without one skips their searches.
  const vendors = header.message.includes('%') ? VENDORS : [];
  // Objects are written out field by field: on this path a spread costs more than the parse.
  for (const read of vendors) {
    const vendor = read(header.message, receivedAtMs);
    if (!vendor) continue;
    return {
      hostname: header.hostname,
      app: header.app,
      format: vendor.format,
      level: vendor.level ?? header.severity,
      timeMs: header.timeMs ?? vendor.timeMs ?? null,
      messageId: vendor.messageId,
      category: vendor.category,
      user: vendor.user,
      sourceAddress: vendor.sourceAddress,
    };
  }
  const generic = readGeneric(header.message);
  return {
    hostname: header.hostname,
    app: header.app,
    format: header.format ?? 'generic',
    level: header.severity,
    timeMs: header.timeMs,
    messageId: header.msgId,
    category: generic.category,
    user: generic.user,
    sourceAddress: generic.sourceAddress,
  };
}

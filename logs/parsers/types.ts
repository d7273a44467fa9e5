import type { LogFormat, SecurityCategory } from '../../domain';

/** What the syslog framing (RFC 5424, RFC 3164, or none) says before the message itself. */
export interface SyslogHeader {
  format: 'rfc5424' | 'rfc3164' | null;
  /** Syslog severity 0 (emergency) … 7 (debug) from the PRI, when there was one. */
  severity: number | null;
  timeMs: number | null;
  hostname: string | null;
  /** APP-NAME (RFC 5424) or TAG without its pid (RFC 3164). */
  app: string | null;
  /** MSGID (RFC 5424). */
  msgId: string | null;
  /** What follows the header: the message a vendor parser reads. */
  message: string;
}

/** What a vendor's message body says: its id, level and meaning. */
export interface VendorReading {
  format: LogFormat;
  messageId: string;
  /** The vendor's own 0–7 level (Huawei /5/, Cisco -4-), which wins over the PRI's. */
  level: number | null;
  category: SecurityCategory;
  user: string | null;
  sourceAddress: string | null;
  /** A timestamp inside the body (Cisco, H3C console format) when the header had none. */
  timeMs?: number | null;
}

/** One vendor's format: null when the message is not in it. */
export type VendorParser = (message: string, receivedAtMs: number) => VendorReading | null;

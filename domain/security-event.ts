import type { Severity } from './alert';
import type { NodeId, Zone } from './topology';

/**
 * What a device's log line means for security, in a small taxonomy every part shares: the syslog
 * receiver classifies into it, the log store keeps it, alert rules count it, the console shows it.
 */
export const SECURITY_CATEGORIES = [
  /** A user signed in (SSH, console, web). */
  'auth-success',
  /** A sign-in was refused (bad password, unknown user, key refused). */
  'auth-failure',
  /** A command run or privilege raised (enable, sudo, user-interface level change). */
  'command',
  /** The configuration changed or was saved. */
  'config-change',
  /** A firewall policy refused traffic. */
  'policy-deny',
  /** An attack or IPS signature matched (flood, scan, exploit). */
  'attack',
  /** Interfaces, power, restarts and everything else a device reports. */
  'system',
] as const;
export type SecurityCategory = (typeof SECURITY_CATEGORIES)[number];

/** The log formats the receiver understands (one parser file each in logs/parsers/). */
export const LOG_FORMATS = [
  'huawei-vrp',
  'h3c-comware',
  'cisco-ios',
  'rfc5424',
  'rfc3164',
  'generic',
] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

/** One device log line, parsed and classified. */
export interface SecurityEvent {
  /** Unique id (dedup across relays and replays). */
  id: string;
  /** When the device says it happened (falls back to the time received). */
  timeMs: number;
  receivedAtMs: number;
  /** The inventory node that sent it, or null for an unknown sender (kept, never dropped). */
  node: NodeId | null;
  zone: Zone | null;
  /** The address the line came from (the relay's when forwarded) and the HOSTNAME it carried. */
  senderAddress: string;
  hostname: string | null;
  category: SecurityCategory;
  severity: Severity;
  format: LogFormat;
  /** The vendor's message id, e.g. SSH/4/SSH_FAIL, SEC_LOGIN-4-LOGIN_FAILED. */
  messageId: string | null;
  /** Who acted, when the line says (user name). */
  user: string | null;
  /** Where the actor came from (the login's or the denied flow's source address). */
  sourceAddress: string | null;
  /** The message text, decoded (UTF-8 or GBK). */
  text: string;
  /** The line as received, base64, when it could not be decoded as text. */
  rawBase64: string | null;
}

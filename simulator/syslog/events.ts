/**
 * What a simulated device has to say in its log, before any vendor's wording: the formatter of the
 * node's vendor (vendor-*.ts) turns one of these into the line that device would send.
 */
export type DeviceLogEvent =
  | { kind: 'login-failed'; user: string; source: string; sourcePort: number }
  | { kind: 'login'; user: string; source: string; sourcePort: number }
  | { kind: 'logout'; user: string; source: string }
  | { kind: 'command'; user: string; source: string; command: string }
  | { kind: 'config-change'; user: string; source: string; command: string }
  | { kind: 'interface'; ifName: string; up: boolean }
  | { kind: 'ntp-sync'; server: string };

export type DeviceLogKind = DeviceLogEvent['kind'];

/** Syslog severities (RFC 5424 §6.2.1) the formatters use. */
export const Severity = { error: 3, warning: 4, notice: 5, info: 6 } as const;

/** Syslog facilities (RFC 5424 §6.2.1): network devices default to local7, sshd to auth. */
export const Facility = { auth: 4, authpriv: 10, daemon: 3, local7: 23 } as const;

/** Who is sending and when: what every vendor's header needs besides the event. */
export interface LineContext {
  /** The node id, sent as HOSTNAME: the collector maps relayed lines to nodes by it. */
  hostname: string;
  timeMs: number;
  /** The device's own message counter (Huawei `[n]`, Cisco `n:`). */
  sequence: number;
  /** Offset of the device's local time zone from UTC in minutes (east positive). */
  utcOffsetMin: number;
}

/** One formatted line: the text, and whether the device sends it GBK-encoded (Chinese text). */
export interface FormattedLine {
  text: string;
  gbk: boolean;
}

export type VendorFormatter = (event: DeviceLogEvent, context: LineContext) => FormattedLine[];

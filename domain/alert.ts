import type { NodeId } from './topology';

/** Alert shapes shared by the alert engine, the bus, the console server and the web app. */

export const SEVERITIES = ['critical', 'major', 'minor', 'warning', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];
/** Lower is worse: critical = 0. */
export const severityRank = (severity: Severity): number => SEVERITIES.indexOf(severity);

export type AlertStatus = 'firing' | 'acknowledged' | 'resolved';

export interface AlertAck {
  by: string;
  atMs: number;
  comment: string;
  /**
   * Acknowledged as planned work (a carrier's announced fibre work, a planned power cut): the
   * outage counts as maintenance in the monthly report, not against the node's availability.
   */
  planned?: boolean;
}

/** Alert kinds that are an outage, and so may be acknowledged as planned work. */
export const PLANNED_WORK_KINDS: readonly string[] = ['node-unreachable', 'uplink-down', 'link-down'];

/** Whether an alert may be acknowledged as planned work (an outage on a node). */
export const canBePlannedWork = (alert: Pick<Alert, 'kind' | 'rule' | 'node'>): boolean =>
  alert.node !== null && PLANNED_WORK_KINDS.includes(alert.kind ?? alert.rule);

export interface AlertEvidence {
  source: 'poll' | 'trap' | 'rule';
  atMs: number;
  /** zh-CN, built by the engine from the shared text table (alert-text.ts); kept for notifications. */
  text: string;
  /** Which text of the table (`evidence.<kind>`) and its parameters: the console renders these. */
  kind?: string;
  params?: Record<string, string | number>;
}

export interface Alert {
  /** Unique per occurrence: a new trigger after resolve is a new alert with a new id. */
  id: string;
  /** Stable identity of "the same problem" (rule + labels), for dedup and silences. */
  fingerprint: string;
  /** Rule id, e.g. node-unreachable, uplink-down, interface-flapping, video-mos-low. */
  rule: string;
  /** The rule's kind (threshold, reboot, freshness …): keys its text in alert-text.ts. Absent in alerts stored before it. */
  kind?: string;
  severity: Severity;
  status: AlertStatus;
  /** Human summary in zh-CN (the operators' language); the console renders kind + params in the user's language. */
  summary: string;
  /** Parameters of the summary for the i18n layer, e.g. { node: '淅川县政府内网路由器', value: 2.9 }. */
  params: Record<string, string | number>;
  /** node, tier, zone, link, ifName, path (province/city/county names joined by " / "), rule, severity. */
  labels: Record<string, string>;
  node: NodeId | null;
  /** Display names from the root down to the node. */
  nodePath: string[];
  startsAtMs: number;
  updatedAtMs: number;
  resolvedAtMs: number | null;
  ack: AlertAck | null;
  /** For a root-cause alert: the nodes cut off behind it. */
  impacted: NodeId[];
  /** For a suppressed alert: the id of the root-cause alert that explains it. */
  suppressedBy: string | null;
  /** Ids of the silences or maintenance windows that currently mute it. */
  silencedBy: string[];
  escalatedAtMs: number | null;
  /** How many times the same fingerprint re-triggered while open (dedup count). */
  repeats: number;
  evidence: AlertEvidence[];
}

export type AlertChange = 'opened' | 'updated' | 'resolved';

/** One change to one alert; seq increases by one per event, never reused (resume point for streams). */
export interface AlertChangeEvent {
  seq: number;
  change: AlertChange;
  alert: Alert;
  /** Who caused the change (a user for ack/unack, "engine" otherwise). */
  actor: string;
}

export interface SilenceMatcher {
  label: string;
  value: string;
  /** Treat value as a regular expression that must match the whole label value (RE2 syntax). */
  regex?: boolean;
}

export interface Silence {
  id: string;
  matchers: SilenceMatcher[];
  startsAtMs: number;
  endsAtMs: number;
  createdBy: string;
  createdAtMs: number;
  reason: string;
  /** A recurring maintenance window: weekly days + local HH:MM range. Absent for a one-off silence. */
  recurrence?: {
    days: Array<'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun'>;
    from: string;
    to: string;
  };
  /** Set on a stored silence whose pattern this version refuses: it matches nothing, and this says why. */
  invalid?: string;
}

export interface AlertFilter {
  status?: AlertStatus[];
  minSeverity?: Severity;
  nodes?: NodeId[];
  zone?: string;
  tier?: string;
  rule?: string;
  /** Include alerts suppressed under a root cause (default false: operators see root causes). */
  includeSuppressed?: boolean;
  text?: string;
  limit?: number;
}

import type { Topology } from '../inventory';
import {
  CHINA_STANDARD_TIME_OFFSET_MIN,
  renderKey,
  renderSummary,
  type AlertEvidence,
  type AlertTextKey,
  type NodeId,
  type Zone,
} from '../domain';

/**
 * zh-CN summaries and evidence (the operators' language, for notifications) built from the shared
 * text table in domain/alert-text.ts, and the labels every alert carries. The console renders the
 * same kinds and params in the user's language.
 */

export type Params = Record<string, string | number>;

/** node, tier, zone, role and path (province / city / county … names joined by " / "). */
export function nodeLabels(topology: Topology, node: NodeId): Record<string, string> {
  const info = topology.node(node);
  return {
    node,
    tier: info.tier,
    zone: info.zone,
    role: info.role,
    path: topology.pathNames(node).join(' / '),
  };
}

export function round(value: number): number {
  return Math.round(value * 100) / 100;
}

/** Fill {name} placeholders from params; an unknown placeholder stays visible rather than vanishing. */
export function fillTemplate(template: string, params: Params): string {
  return template.replace(/\{([A-Za-z0-9_]+)\}/g, (whole, key: string) => {
    const value = params[key];
    return value === undefined ? whole : String(value);
  });
}

/** Zone names as operators say them (the console's zone.* messages). */
export const ZONE_NAMES: Record<Zone, string> = {
  internal: '政务内网',
  external: '政务外网',
  public: '公众信息网',
  video: '视频会议',
};

type SummaryKind =
  | 'uplink-down'
  | 'node-unreachable'
  | 'link-down'
  | 'interface-flapping'
  | 'reboot'
  | 'snmp-auth-failure'
  | 'freshness'
  | 'collector-silent'
  | 'topology-drift'
  | 'isolation-breach'
  | 'certificate-expiry'
  | 'brute-force'
  | 'login-outside-management'
  | 'config-change-outside-window'
  | 'security-burst'
  | 'logs-silent'
  | 'hardware-failure'
  | 'asset-change'
  | 'service-down'
  | 'content-defaced'
  | 'content-stale'
  | 'service-certificate'
  | 'report-delivery'
  | 'threshold';

/** The zh-CN summary of a kind, from the shared text table (the console renders the same params). */
export function summaryOf(kind: SummaryKind, params: Params): string {
  return renderSummary('zh-CN', kind, params, CHINA_STANDARD_TIME_OFFSET_MIN) ?? kind;
}

/** "（会议进行中：…）" after a threshold summary written in the rules file. */
export function meetingSuffix(meeting: string): string {
  return renderKey('zh-CN', 'summary.threshold.meeting', { meeting }, CHINA_STANDARD_TIME_OFFSET_MIN) ?? '';
}

/** Evidence kinds: the `evidence.<kind>` keys of the text table. */
export type EvidenceKind = AlertTextKey extends infer K
  ? K extends `evidence.${infer E}`
    ? E
    : never
  : never;

/**
 * One piece of evidence: its kind and params for the console, its zh-CN text (times in the
 * network's local zone, `utcOffsetMin`) for notifications.
 */
export function evidenceOf(
  source: AlertEvidence['source'],
  atMs: number,
  kind: EvidenceKind,
  params: Params = {},
  utcOffsetMin = CHINA_STANDARD_TIME_OFFSET_MIN,
): AlertEvidence {
  const text = renderKey('zh-CN', `evidence.${kind}`, params, utcOffsetMin) ?? kind;
  return { source, atMs, text, kind, params };
}

/** What a failed poll's reason says, as a key of the table (the collector words it in English). */
export function noAnswerEvidence(atMs: number, reason: string): AlertEvidence {
  const cause = /garbled/.test(reason)
    ? 'garbled'
    : /community/.test(reason)
      ? 'timeout-community'
      : /timeout/.test(reason)
        ? 'timeout'
        : /auth/i.test(reason)
          ? 'auth'
          : 'other';
  return evidenceOf('poll', atMs, 'no-answer', { cause, reason });
}

const SUMMARY_KINDS: readonly SummaryKind[] = [
  'uplink-down',
  'node-unreachable',
  'link-down',
  'interface-flapping',
  'reboot',
  'snmp-auth-failure',
  'freshness',
  'collector-silent',
  'topology-drift',
  'isolation-breach',
  'certificate-expiry',
  'brute-force',
  'login-outside-management',
  'config-change-outside-window',
  'security-burst',
  'logs-silent',
  'hardware-failure',
  'asset-change',
  'service-down',
  'content-defaced',
  'content-stale',
  'service-certificate',
  'report-delivery',
  'threshold',
];

/** The zh-CN summary builder of each kind. */
export const SUMMARIES = Object.fromEntries(
  SUMMARY_KINDS.map((kind) => [kind, (params: Params) => summaryOf(kind, params)]),
) as Record<SummaryKind, (params: Params) => string>;

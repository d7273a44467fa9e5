import { z } from 'zod';
import { SEVERITIES } from '../../domain';
import { parseCidr } from '../subnets';

/** The alert-rules YAML as people write it (configs/alert-rules.yaml). Shape checks only; cross-checks in load.ts. */

const ruleId = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]*$/, 'must be lower-case ASCII letters, digits and dashes');
const severity = z.enum(SEVERITIES);

/** "90s", "5m", "1h", "250ms" or a number of seconds. */
export const durationMs = z.union(
  [
    z
      .number()
      .nonnegative('must be 0 or more seconds')
      .transform((s) => s * 1000),
    z
      .string()
      .regex(/^\d+(\.\d+)?(ms|s|m|h)$/, 'must be a duration like 30s, 5m, 1h or 250ms')
      .transform((text) => {
        const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(text);
        const value = Number(match?.[1] ?? 0);
        const unit = match?.[2] ?? 's';
        const factor = unit === 'ms' ? 1 : unit === 's' ? 1000 : unit === 'm' ? 60_000 : 3_600_000;
        return value * factor;
      }),
  ],
  { error: 'must be a duration like 30s, 5m, 1h or 250ms (or a number of seconds)' },
);

export const matcherSchema = z.strictObject({
  label: z.string().min(1),
  value: z.string(),
  regex: z.boolean().optional(),
});

const base = { id: ruleId, severity, description: z.string().optional() };

export const THRESHOLD_OPS = ['>', '>=', '<', '<='] as const;

const thresholdRule = z.strictObject({
  ...base,
  kind: z.literal('threshold'),
  /** Measurement of the samples (interface, node, video, collector …). */
  measurement: z.string().min(1),
  field: z.string().min(1),
  /** Only series whose labels (tags + node tier/zone/role) match all of these. */
  match: z.array(matcherSchema).default([]),
  op: z.enum(THRESHOLD_OPS),
  value: z.number(),
  /** Clear threshold (hysteresis); defaults to value. For > it must be ≤ value, for < ≥ value. */
  clear: z.number().optional(),
  /** How long the condition must hold before the alert fires. */
  for: durationMs.default(0),
  /** Stricter thresholds while a meeting is scheduled on the video link (tag `link`). */
  duringMeeting: z.strictObject({ value: z.number(), clear: z.number().optional() }).optional(),
  /** zh-CN summary; {nodeName} {node} {value} {threshold} and any tag like {ifName} {link} are filled in. */
  summary: z.string().min(1),
});

const nodeUnreachableRule = z.strictObject({ ...base, kind: z.literal('node-unreachable') });
const uplinkDownRule = z.strictObject({ ...base, kind: z.literal('uplink-down') });
const linkDownRule = z.strictObject({ ...base, kind: z.literal('link-down') });
const flappingRule = z.strictObject({
  ...base,
  kind: z.literal('interface-flapping'),
  /** State changes (down or up) within the window that make an interface flapping. */
  transitions: z.number().int().min(2).max(1000),
  within: durationMs,
});
const rebootRule = z.strictObject({
  ...base,
  kind: z.literal('reboot'),
  resolveAfter: durationMs.default(1_800_000),
});
const freshnessRule = z.strictObject({
  ...base,
  kind: z.literal('freshness'),
  /** A node is stale when its newest sample is older than factor × its poll interval. */
  factor: z.number().min(1).max(100).default(2),
  checkEvery: durationMs.default(5_000),
});
const certificateRule = z.strictObject({
  id: ruleId,
  kind: z.literal('certificate-expiry'),
  description: z.string().optional(),
  /** Worst first: the first level whose maxDaysLeft ≥ daysLeft gives the severity. */
  levels: z.array(z.strictObject({ maxDaysLeft: z.number(), severity })).min(1),
  /** Resolve when no expiry notice for the certificate arrived for this long (renewed or removed). */
  resolveAfter: durationMs.default(93_600_000),
});
const silentCollectorRule = z.strictObject({
  ...base,
  kind: z.literal('collector-silent'),
  /** No collector.health from a collector for this long (it reports every status period). */
  after: durationMs.default(180_000),
});
const driftRule = z.strictObject({ ...base, kind: z.literal('topology-drift') });
/** LLDP sees a neighbour across the zone boundary (三网隔离), not through a gatekeeper. */
const isolationBreachRule = z.strictObject({ ...base, kind: z.literal('isolation-breach') });
const authFailureRule = z.strictObject({
  ...base,
  kind: z.literal('snmp-auth-failure'),
  resolveAfter: durationMs.default(1_800_000),
});

// --- security rules over security.event (device logs) ---
/** A duration of at least `minMs` (windows and quiet periods a rule counts over). */
const durationAtLeast = (minMs: number, what: string) =>
  durationMs.pipe(z.number().min(minMs, `must be at least ${what}`));
const cidr = z
  .string()
  .refine((text) => parseCidr(text) !== null, 'must be a subnet like 10.0.0.0/8 or fd00::/8');
/** Event-like security alerts resolve after this quiet period (they are updated at most every 10 s). */
const securityResolveAfter = (defaultMs: number) => durationAtLeast(60_000, '1m').default(defaultMs);
const bruteForceRule = z.strictObject({
  ...base,
  kind: z.literal('brute-force'),
  /** Failed logins from one source address on one node within `within` that raise the alert. */
  failures: z.number().int().min(2).max(10_000).default(6),
  within: durationAtLeast(1_000, '1s').default(300_000),
  /** Source addresses counted per node; the least recently seen is forgotten beyond this. */
  maxSources: z.number().int().min(1).max(100_000).default(1_000),
  resolveAfter: securityResolveAfter(1_800_000),
});
const loginOutsideRule = z.strictObject({
  ...base,
  kind: z.literal('login-outside-management'),
  /** Where administrators sign in from; a successful login from anywhere else alerts. */
  managementSubnets: z.array(cidr).min(1).default(['10.0.0.0/8']),
  resolveAfter: securityResolveAfter(3_600_000),
});
const configChangeRule = z.strictObject({
  ...base,
  kind: z.literal('config-change-outside-window'),
  resolveAfter: securityResolveAfter(14_400_000),
});
const burstLevel = z.strictObject({ count: z.number().int().min(1).max(100_000), severity });
const securityBurstRule = z.strictObject({
  id: ruleId,
  kind: z.literal('security-burst'),
  description: z.string().optional(),
  within: durationAtLeast(1_000, '1s').default(60_000),
  /** Firewall policy denies on one node within `within`. */
  deny: burstLevel.default({ count: 100, severity: 'minor' }),
  /** Attack / IPS logs on one node within `within` (worse than denies). */
  attack: burstLevel.default({ count: 10, severity: 'major' }),
  resolveAfter: securityResolveAfter(600_000),
});
const logsSilentRule = z.strictObject({
  ...base,
  kind: z.literal('logs-silent'),
  /** A node that has sent logs and then sends none for this long. */
  after: durationAtLeast(60_000, '1m').default(1_800_000),
});

/** A fan or power supply the device's own MIB reports failed (collector/profiles, measurement `component`). */
const hardwareFailureRule = z.strictObject({ ...base, kind: z.literal('hardware-failure') });
/**
 * A part replaced, inserted or removed, or software upgraded (the console's asset register, event
 * `asset.change`). `severity` is that of replacements, upgrades and insertions; a removed part takes
 * its class's severity from `removed` (a pulled power supply or fan leaves the device without its
 * redundancy: major; a line card: minor; an optic or anything else: warning).
 */
const removedSeverities = z
  .strictObject({
    powerSupply: severity.default('major'),
    fan: severity.default('major'),
    module: severity.default('minor'),
    other: severity.default('warning'),
  })
  .default({ powerSupply: 'major', fan: 'major', module: 'minor', other: 'warning' });
const assetChangeRule = z.strictObject({
  ...base,
  kind: z.literal('asset-change'),
  resolveAfter: durationMs.default(86_400_000),
  removed: removedSeverities,
});

// --- service checks (collector/checks, event `service.check`) ---
/** A service check failing `failures` runs in a row; resolved by the first run that passes. */
const serviceDownRule = z.strictObject({
  ...base,
  kind: z.literal('service-down'),
  failures: z.number().int().min(1).max(100).default(2),
});
/** A page's significant content differs from its baseline, or a forbidden word appears (网页篡改). */
const contentDefacedRule = z.strictObject({ ...base, kind: z.literal('content-defaced') });
/** A page unchanged for longer than its check's `staleness.after` (死网). */
const contentStaleRule = z.strictObject({ ...base, kind: z.literal('content-stale') });
/** A service's certificate near expiry (levels as certificate-expiry) or not valid (chain, name, dates). */
const serviceCertificateRule = z.strictObject({
  id: ruleId,
  kind: z.literal('service-certificate'),
  description: z.string().optional(),
  levels: z.array(z.strictObject({ maxDaysLeft: z.number(), severity })).min(1),
  invalid: severity.default('critical'),
});

/** The scheduled monthly report not delivered to a target: open until it is (ack keeps it open). */
const reportDeliveryRule = z.strictObject({ ...base, kind: z.literal('report-delivery') });

export const ruleSchema = z.discriminatedUnion('kind', [
  thresholdRule,
  nodeUnreachableRule,
  uplinkDownRule,
  linkDownRule,
  flappingRule,
  rebootRule,
  freshnessRule,
  certificateRule,
  authFailureRule,
  driftRule,
  isolationBreachRule,
  silentCollectorRule,
  bruteForceRule,
  loginOutsideRule,
  configChangeRule,
  securityBurstRule,
  logsSilentRule,
  hardwareFailureRule,
  assetChangeRule,
  serviceDownRule,
  contentDefacedRule,
  contentStaleRule,
  serviceCertificateRule,
  reportDeliveryRule,
]);

export const RECEIVER_TYPES = ['webhook', 'wecom', 'dingtalk'] as const;

/** `{ env: NAME }`: the value is read from that environment variable when the engine starts. */
const envReference = z.strictObject({
  env: z.string().regex(/^[A-Z_][A-Z0-9_]*$/, 'must be an environment variable name like NOC_WEBHOOK_AUTH'),
});
const headerValue = z.union([z.string(), envReference], {
  error: 'must be a string or { env: VARIABLE_NAME } (use env for anything secret)',
});
export type HeaderValue = z.output<typeof headerValue>;

export const receiverSchema = z.strictObject({
  name: ruleId,
  type: z.enum(RECEIVER_TYPES),
  /** Credentials never go in the URL (user:pass@ is refused in load.ts): use a header from env. */
  url: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }),
  /** Extra request headers, e.g. `Authorization: { env: NOC_WEBHOOK_AUTH }` for a generic webhook. */
  headers: z.record(z.string(), headerValue).optional(),
  timeout: durationMs.default(5_000),
});

export const routeSchema = z.strictObject({
  receiver: ruleId,
  /** All must match the alert's labels; empty = every alert. */
  matchers: z.array(matcherSchema).default([]),
});

export const alertRulesSchema = z.strictObject({
  settings: z
    .strictObject({
      /** How long a new unreachable node waits for an ancestor to turn out to be the root cause. */
      correlationWindow: durationMs.default(3_000),
      /** Local time (for meetings and maintenance windows) as an offset from UTC; China is +480. */
      utcOffsetMin: z.number().int().min(-720).max(840).default(480),
      escalation: z
        .strictObject({ after: durationMs.default(900_000), receivers: z.array(ruleId).default([]) })
        .default({ after: 900_000, receivers: [] }),
      /** Outbox retry backoff: first delay, doubled each attempt up to the max. */
      retryInitial: durationMs.default(2_000),
      retryMax: durationMs.default(300_000),
    })
    .default({
      correlationWindow: 3_000,
      utcOffsetMin: 480,
      escalation: { after: 900_000, receivers: [] },
      retryInitial: 2_000,
      retryMax: 300_000,
    }),
  rules: z.array(ruleSchema).min(1),
  receivers: z.array(receiverSchema).default([]),
  routes: z.array(routeSchema).default([]),
});

export type AlertRules = z.output<typeof alertRulesSchema>;
export type Rule = AlertRules['rules'][number];
export type RuleOf<K extends Rule['kind']> = Extract<Rule, { kind: K }>;
export type ThresholdRule = RuleOf<'threshold'>;
export type ReceiverConfig = AlertRules['receivers'][number];
export type RouteConfig = AlertRules['routes'][number];
export type AlertSettings = AlertRules['settings'];

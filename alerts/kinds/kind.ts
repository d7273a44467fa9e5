import type { Alert, BusEvent, MetricPoint, NodeId } from '../../domain';
import type { ConditionsSnapshot } from '../conditions-snapshot';
import type { EngineContext } from '../engine-context';
import type { Rule } from '../rules/schema';

/**
 * One kind of rule (threshold, reboot, certificate expiry …): what it listens to and what it does
 * with it, through the shared lifecycle (ctx.alerts) and correlation (ctx.outages). Outage kinds
 * (uplink-down, node-unreachable) are not kinds: correlation itself raises them (outages.ts).
 */
export interface RuleKind {
  readonly kind: Rule['kind'];
  /** Bus events the engine hands to onEvent (node events only when the inventory knows the node). */
  readonly events: ReadonlyArray<BusEvent['type']>;
  onEvent?(event: BusEvent): void;
  /** Each metric point of each samples event, in order (after the interface state it carries). */
  onPoint?(point: MetricPoint, eventNode: NodeId): void;
  /** Due work on the engine's timer. */
  onTick?(nowMs: number): void;
  /** Event-like alerts of this rule resolve after this long without a new trigger. */
  resolveAfterMs?(rule: string): number | null;
  /** The root-cause alert that explains this alert now (default: an outage on or above its nodes). */
  suppressorOf?(alert: Alert): string | null;
  /**
   * Present for alerts that only exist because data stopped or values moved: when their root cause
   * clears they are resolved (by correlation) and this resets the kind to judge fresh data.
   */
  reEvaluateAfterCause?(alert: Alert, nowMs: number): void;
  /**
   * Present for alerts that say what an outage of their own node says (its data stopped): such an
   * alert is resolved when that outage opens as a root cause, never folded under it.
   */
  readonly sameAsOwnOutage?: true;
  saveConditions?(into: ConditionsSnapshot): void;
  restoreConditions?(from: ConditionsSnapshot): void;
  /** An open alert of this kind restored from the store after a restart. */
  restoreAlert?(alert: Alert): void;
}

/** Builds a kind from the rules file; null when the file has no rule of it. */
export type KindFactory = (rules: readonly Rule[], ctx: EngineContext) => RuleKind | null;

export function ruleOfKind<K extends Rule['kind']>(
  rules: readonly Rule[],
  kind: K,
): Extract<Rule, { kind: K }> | undefined {
  return rules.find((rule): rule is Extract<Rule, { kind: K }> => rule.kind === kind);
}

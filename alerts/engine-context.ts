import type { Logger } from '../common';
import type { Topology } from '../inventory';
import type { Interfaces } from './interfaces';
import type { RuleKind } from './kinds/kind';
import type { AlertLifecycle } from './lifecycle';
import type { NodeInfo } from './node-info';
import type { OutageConditions } from './outage-conditions';
import type { Outages } from './outages';
import type { AlertRules, Rule } from './rules/schema';

/** What the engine's parts share: the topology and rules, the clock, and each other. */

/** Flags set by any part, acted on by the engine: save the conditions, reconcile the outages. */
export interface DirtyFlags {
  /** Engine conditions changed: saved with the next commit (at most once a second without alert changes). */
  conditions: boolean;
  /** Reachability or uplink state changed: outage correlation must run. */
  outages: boolean;
}

export interface EngineContext {
  readonly topology: Topology;
  readonly rules: AlertRules;
  readonly clock: () => number;
  readonly log: Logger;
  readonly dirty: DirtyFlags;
  readonly nodes: NodeInfo;
  readonly alerts: AlertLifecycle;
  readonly conditions: OutageConditions;
  readonly outages: Outages;
  readonly interfaces: Interfaces;
  /** The kind that owns an alert's rule (null for outage alerts and rules deleted from the file). */
  kindOfAlert(rule: string): RuleKind | null;
  kindNamed(kind: Rule['kind']): RuleKind | null;
  ruleKindOf(rule: string): Rule['kind'] | null;
}

import type { Alert, NodeId } from '../../domain';
import type { ConditionsSnapshot } from '../conditions-snapshot';
import type { EngineContext } from '../engine-context';
import { fingerprintOf, splitIfKey } from '../alert-keys';
import type { RuleOf } from '../rules/schema';
import { evidenceOf, round, SUMMARIES } from '../summary';
import { ruleOfKind, type KindFactory, type RuleKind } from './kind';

/**
 * An interface that changes state `transitions` times within `within`: one interface-flapping alert,
 * and the port's link alerts are damped (its link state counts neither as down nor as up) until it
 * has been quiet for `within`.
 */
export class InterfaceFlappingKind implements RuleKind {
  readonly kind = 'interface-flapping';
  /** State changes arrive through the interface machinery (interfaces.ts). */
  readonly events = [] as const;
  private readonly transitions = new Map<string, number[]>();
  private readonly flapping = new Set<string>();
  private nextPruneMs = 0;

  constructor(
    private readonly rule: RuleOf<'interface-flapping'>,
    private readonly ctx: EngineContext,
  ) {
    ctx.conditions.isDamped = (key) => this.flapping.has(key);
  }

  saveConditions(into: ConditionsSnapshot): void {
    into.transitions = [...this.transitions];
    into.flapping = [...this.flapping];
  }

  restoreConditions(from: ConditionsSnapshot): void {
    for (const [key, value] of from.transitions) this.transitions.set(key, value);
    for (const key of from.flapping) this.flapping.add(key);
  }

  openAlertOf(key: string): Alert | undefined {
    return this.ctx.alerts.find(fingerprintOf(this.rule.id, key));
  }

  countTransition(node: NodeId, ifName: string, key: string, atMs: number): void {
    const { alerts, topology, nodes } = this.ctx;
    const rule = this.rule;
    const recent = [...(this.transitions.get(key) ?? []), atMs].filter((t) => t > atMs - rule.within);
    this.transitions.set(key, recent);
    const fingerprint = fingerprintOf(rule.id, key);
    const open = alerts.find(fingerprint);
    const params = {
      node,
      nodeName: nodes.nameOf(node),
      ifName,
      transitions: recent.length,
      withinMin: round(rule.within / 60_000),
    };
    if (open) {
      alerts.repeat(open, evidenceOf('rule', atMs, 'flap-change', { count: recent.length }), atMs, {
        params,
        summary: SUMMARIES['interface-flapping'](params),
      });
      return;
    }
    if (recent.length < rule.transitions) return;
    this.flapping.add(key);
    const link = topology.linkAt(node, ifName);
    const labels: Record<string, string> = { ...nodes.labelsOf(node), ifName };
    if (link) labels.link = link.id;
    alerts.openAlert(
      {
        fingerprint,
        rule: rule.id,
        severity: rule.severity,
        summary: SUMMARIES['interface-flapping'](params),
        params,
        labels,
        node,
        impacted: [],
        suppressedBy: this.ctx.outages.suppressorFor([node]),
        evidence: [
          evidenceOf('rule', atMs, 'flap-start', {
            withinMin: round(rule.within / 60_000),
            count: recent.length,
          }),
        ],
      },
      atMs,
    );
    // Damping: the flapping alert stands for this interface now; its link alert closes.
    this.ctx.interfaces.dampingChanged(node, ifName, atMs);
  }

  onTick(nowMs: number): void {
    const rule = this.rule;
    if (nowMs >= this.nextPruneMs) {
      // Forget transitions older than the window on ports that are not flapping (bounded memory).
      this.nextPruneMs = nowMs + 10_000;
      for (const [key, times] of this.transitions)
        if (!this.flapping.has(key) && (times.at(-1) ?? 0) <= nowMs - rule.within)
          this.transitions.delete(key);
    }
    for (const key of [...this.flapping]) {
      const last = this.transitions.get(key)?.at(-1) ?? 0;
      if (nowMs - last < rule.within) continue;
      this.flapping.delete(key);
      this.transitions.delete(key);
      this.ctx.dirty.conditions = true;
      const open = this.openAlertOf(key);
      if (open)
        this.ctx.alerts.resolve(
          open,
          nowMs,
          evidenceOf('rule', nowMs, 'flap-end', { withinMin: round(rule.within / 60_000) }),
        );
      const [node, ifName] = splitIfKey(key);
      this.ctx.interfaces.dampingChanged(node, ifName, nowMs);
    }
  }
}

export const interfaceFlapping: KindFactory = (rules, ctx) => {
  const rule = ruleOfKind(rules, 'interface-flapping');
  return rule ? new InterfaceFlappingKind(rule, ctx) : null;
};

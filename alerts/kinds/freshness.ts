import type { Alert, BusEvent, NodeId } from '../../domain';
import type { EngineContext } from '../engine-context';
import { fingerprintOf } from '../alert-keys';
import { answeredByDevice } from '../outages';
import type { RuleOf } from '../rules/schema';
import { evidenceOf, SUMMARIES } from '../summary';
import { CollectorSilentKind } from './collector-silent';
import { ruleOfKind, type KindFactory, type RuleKind } from './kind';

/** Stale data: a node's newest sample is older than `factor` × its poll interval. */
class FreshnessKind implements RuleKind {
  readonly kind = 'freshness';
  readonly events = ['samples'] as const;
  readonly sameAsOwnOutage = true;
  private nextCheckMs = 0;

  constructor(
    private readonly rule: RuleOf<'freshness'>,
    private readonly ctx: EngineContext,
  ) {}

  onEvent(event: BusEvent): void {
    if (event.type !== 'samples' || !this.ctx.topology.has(event.node) || !answeredByDevice(event)) return;
    const open = this.ctx.alerts.find(fingerprintOf(this.rule.id, event.node));
    if (open) this.ctx.alerts.resolve(open, event.timeMs, evidenceOf('poll', event.timeMs, 'data-fresh'));
  }

  onTick(nowMs: number): void {
    if (nowMs < this.nextCheckMs) return;
    this.nextCheckMs = nowMs + this.rule.checkEvery;
    const { alerts, nodes } = this.ctx;
    for (const [node, seenMs] of this.ctx.conditions.lastSeen) {
      const intervalS = nodes.pollIntervalS(node);
      const ageMs = nowMs - seenMs;
      if (ageMs <= this.rule.factor * intervalS * 1000) continue;
      const fingerprint = fingerprintOf(this.rule.id, node);
      // A node that is itself the root cause of an outage: that alert already says its data stopped.
      if (alerts.has(fingerprint) || this.ctx.outages.ownRootOutage(node)) continue;
      const params = { node, nodeName: nodes.nameOf(node), ageS: Math.round(ageMs / 1000), intervalS };
      alerts.openAlert(
        {
          fingerprint,
          rule: this.rule.id,
          severity: this.rule.severity,
          summary: SUMMARIES.freshness(params),
          params,
          labels: nodes.labelsOf(node),
          node,
          impacted: [],
          suppressedBy: this.staleSuppressor(node),
          evidence: [
            evidenceOf(
              'rule',
              nowMs,
              'data-stale',
              { seenAtMs: seenMs, factor: this.rule.factor },
              this.ctx.rules.settings.utcOffsetMin,
            ),
          ],
        },
        nowMs,
      );
    }
  }

  /** Stale data is explained by an outage above the node, else by a collector that stopped reporting. */
  private staleSuppressor(node: NodeId): string | null {
    const outage = this.ctx.outages.suppressorFor([node]);
    if (outage !== null) return outage;
    const silent = this.ctx.kindNamed('collector-silent');
    return silent instanceof CollectorSilentKind ? (silent.anySilent()?.id ?? null) : null;
  }

  suppressorOf(alert: Alert): string | null {
    return alert.node !== null ? this.staleSuppressor(alert.node) : null;
  }

  reEvaluateAfterCause(alert: Alert, nowMs: number): void {
    if (alert.node !== null) this.ctx.conditions.restartFreshness(alert.node, nowMs);
  }
}

export const freshness: KindFactory = (rules, ctx) => {
  const rule = ruleOfKind(rules, 'freshness');
  return rule ? new FreshnessKind(rule, ctx) : null;
};

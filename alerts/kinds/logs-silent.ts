import type { Alert, BusEvent, NodeId } from '../../domain';
import type { ConditionsSnapshot } from '../conditions-snapshot';
import type { EngineContext } from '../engine-context';
import { fingerprintOf } from '../alert-keys';
import type { RuleOf } from '../rules/schema';
import { evidenceOf, round, SUMMARIES } from '../summary';
import { CollectorSilentKind } from './collector-silent';
import { ruleOfKind, type KindFactory, type RuleKind } from './kind';
import { receivedAtMs } from './recent-events';

/**
 * A node that has sent logs and then sends none for `after`: one warning, resolved when its logs
 * return. Only inventory nodes are tracked (at most one time each). Suppressed under an outage on or
 * above the node and under a silent collector (the receiver runs in the collector). After a restart,
 * nodes seen before count from the restart: one silent since before it alerts `after` later, and a
 * restart never raises a wave of alerts.
 */
class LogsSilentKind implements RuleKind {
  readonly kind = 'logs-silent';
  readonly events = ['security.event'] as const;
  private readonly lastSeenMs = new Map<NodeId, number>();
  private readonly silent = new Map<NodeId, Alert>();

  constructor(
    private readonly rule: RuleOf<'logs-silent'>,
    private readonly ctx: EngineContext,
  ) {}

  onEvent(busEvent: BusEvent): void {
    if (busEvent.type !== 'security.event') return;
    const node = busEvent.event.node;
    if (node === null) return;
    const atMs = receivedAtMs(busEvent);
    if (!this.lastSeenMs.has(node)) this.ctx.dirty.conditions = true;
    this.lastSeenMs.set(node, Math.max(atMs, this.lastSeenMs.get(node) ?? -Infinity));
    const alert = this.silent.get(node);
    if (!alert) return;
    this.silent.delete(node);
    if (this.ctx.alerts.find(alert.fingerprint) === alert)
      this.ctx.alerts.resolve(alert, atMs, evidenceOf('rule', atMs, 'logs-back'));
  }

  onTick(nowMs: number): void {
    for (const [node, lastMs] of this.lastSeenMs) {
      if (nowMs - lastMs < this.rule.after || this.silent.has(node)) continue;
      const params = {
        node,
        nodeName: this.ctx.nodes.nameOf(node),
        silentMin: round((nowMs - lastMs) / 60_000),
      };
      const alert = this.ctx.alerts.openAlert(
        {
          fingerprint: fingerprintOf(this.rule.id, node),
          rule: this.rule.id,
          severity: this.rule.severity,
          summary: SUMMARIES['logs-silent'](params),
          params,
          labels: this.ctx.nodes.labelsOf(node),
          node,
          impacted: [],
          suppressedBy: this.suppressorFor(node),
          evidence: [
            evidenceOf(
              'rule',
              nowMs,
              'logs-last',
              { lastAtMs: lastMs },
              this.ctx.rules.settings.utcOffsetMin,
            ),
          ],
        },
        nowMs,
      );
      this.silent.set(node, alert);
    }
  }

  private suppressorFor(node: NodeId): string | null {
    const outage = this.ctx.outages.suppressorFor([node]);
    if (outage !== null) return outage;
    const collector = this.ctx.kindNamed('collector-silent');
    return collector instanceof CollectorSilentKind ? (collector.anySilent()?.id ?? null) : null;
  }

  suppressorOf(alert: Alert): string | null {
    return alert.node === null ? null : this.suppressorFor(alert.node);
  }

  /** The outage that explained the silence is over: judge the node afresh from now. */
  reEvaluateAfterCause(alert: Alert, nowMs: number): void {
    if (alert.node === null) return;
    this.silent.delete(alert.node);
    this.lastSeenMs.set(alert.node, nowMs);
  }

  restoreAlert(alert: Alert): void {
    if (alert.node !== null) this.silent.set(alert.node, alert);
  }

  saveConditions(into: ConditionsSnapshot): void {
    into.logsSeen = [...this.lastSeenMs.keys()];
  }

  restoreConditions(from: ConditionsSnapshot): void {
    const nowMs = this.ctx.clock();
    for (const node of from.logsSeen ?? []) if (this.ctx.topology.has(node)) this.lastSeenMs.set(node, nowMs);
  }
}

export const logsSilent: KindFactory = (rules, ctx) => {
  const rule = ruleOfKind(rules, 'logs-silent');
  return rule ? new LogsSilentKind(rule, ctx) : null;
};

import type { MetricPoint, NodeId } from '../../domain';
import { fingerprintOf } from '../alert-keys';
import type { EngineContext } from '../engine-context';
import type { RuleOf } from '../rules/schema';
import { evidenceOf, SUMMARIES } from '../summary';
import { ruleOfKind, type KindFactory, type RuleKind } from './kind';

/**
 * A fan or power supply its device reports failed (measurement `component`, field `ok`, written by
 * the collector from the vendor's MIB): one alert per component while it stays failed, resolved on
 * the first poll that reads it healthy. Behind a cut uplink no component is read, so nothing changes.
 */
class HardwareFailureKind implements RuleKind {
  readonly kind = 'hardware-failure';
  readonly events = [] as const;

  constructor(
    private readonly rule: RuleOf<'hardware-failure'>,
    private readonly ctx: EngineContext,
  ) {}

  onPoint(point: MetricPoint, eventNode: NodeId): void {
    if (point.measurement !== 'component') return;
    const ok = point.fields.ok;
    const { topology, nodes, alerts } = this.ctx;
    const node = point.tags.node !== undefined && topology.has(point.tags.node) ? point.tags.node : eventNode;
    if (ok === undefined || !topology.has(node)) return;
    const component = point.tags.component ?? 'component';
    const name = point.tags.name ?? point.tags.index ?? '?';
    const params = { node, nodeName: nodes.nameOf(node), component, name, state: point.fields.state ?? ok };
    const fingerprint = fingerprintOf(this.rule.id, `${node}|${component}|${point.tags.index ?? name}`);
    const open = alerts.find(fingerprint);
    if (ok >= 1) {
      if (open) alerts.resolve(open, point.timeMs, evidenceOf('poll', point.timeMs, 'component-ok', params));
      return;
    }
    if (open) return;
    alerts.openAlert(
      {
        fingerprint,
        rule: this.rule.id,
        severity: this.rule.severity,
        summary: SUMMARIES['hardware-failure'](params),
        params,
        labels: { ...nodes.labelsOf(node), component, name },
        node,
        impacted: [],
        suppressedBy: this.ctx.outages.suppressorFor([node]),
        evidence: [evidenceOf('poll', point.timeMs, 'component-failed', params)],
      },
      point.timeMs,
    );
  }
}

export const hardwareFailure: KindFactory = (rules, ctx) => {
  const rule = ruleOfKind(rules, 'hardware-failure');
  return rule ? new HardwareFailureKind(rule, ctx) : null;
};

import type { AlertEvidence, BusEvent, TopologyDriftEvent } from '../../domain';
import type { EngineContext } from '../engine-context';
import { fingerprintOf } from '../alert-keys';
import type { RuleOf } from '../rules/schema';
import { evidenceOf, SUMMARIES } from '../summary';
import { ruleOfKind, type KindFactory, type RuleKind } from './kind';

/** LLDP disagrees with the inventory: one alert per node while it does (the inventory needs fixing). */
class TopologyDriftKind implements RuleKind {
  readonly kind = 'topology-drift';
  readonly events = ['topology.drift'] as const;

  constructor(
    private readonly rule: RuleOf<'topology-drift'>,
    private readonly ctx: EngineContext,
  ) {}

  onEvent(event: BusEvent): void {
    if (event.type === 'topology.drift') this.onDrift(event);
  }

  private onDrift(event: TopologyDriftEvent): void {
    const { alerts, nodes } = this.ctx;
    const node = event.node;
    const fingerprint = fingerprintOf(this.rule.id, node);
    const open = alerts.find(fingerprint);
    const unknown = event.unknownNeighbours.length;
    const missing = event.missingLinks.length;
    if (unknown === 0 && missing === 0) {
      if (open) alerts.resolve(open, event.timeMs, evidenceOf('poll', event.timeMs, 'drift-cleared'));
      return;
    }
    // The same drift reported again is no news; a different count is.
    if (open && open.params.unknown === unknown && open.params.missing === missing) return;
    // Interface names, system names and link ids: identifiers, the same in every language.
    const detail = [
      ...event.unknownNeighbours.map((n) => `${n.localIfName} → ${n.remoteSysName} ${n.remotePort}`),
      ...event.missingLinks,
    ].join('; ');
    const params = { node, nodeName: nodes.nameOf(node), unknown, missing };
    const summary = SUMMARIES['topology-drift'](params);
    const evidence: AlertEvidence = evidenceOf('poll', event.timeMs, 'drift', { unknown, missing, detail });
    alerts.raise(
      fingerprint,
      evidence,
      event.timeMs,
      () => ({
        rule: this.rule.id,
        severity: this.rule.severity,
        summary,
        params,
        labels: nodes.labelsOf(node),
        node,
        impacted: [],
        suppressedBy: this.ctx.outages.suppressorFor([node]),
      }),
      { params, summary },
    );
  }
}

export const topologyDrift: KindFactory = (rules, ctx) => {
  const rule = ruleOfKind(rules, 'topology-drift');
  return rule ? new TopologyDriftKind(rule, ctx) : null;
};

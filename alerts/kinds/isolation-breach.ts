import type { AlertEvidence, BusEvent, InventoryNode, NodeId, TopologyDriftEvent } from '../../domain';
import type { EngineContext } from '../engine-context';
import { fingerprintOf } from '../alert-keys';
import type { RuleOf } from '../rules/schema';
import { evidenceOf, SUMMARIES, ZONE_NAMES } from '../summary';
import { ruleOfKind, type KindFactory, type RuleKind } from './kind';

interface Breach {
  localIfName: string;
  peer: InventoryNode;
  reason: string;
}

/**
 * 三网隔离: a neighbour LLDP sees that the inventory knows to be on a network isolated from this
 * node's (directly, not through a gatekeeper that bridges both) is one alert per observing node
 * while it is there. Never folded under an outage: a breach must stay visible.
 */
class IsolationBreachKind implements RuleKind {
  readonly kind = 'isolation-breach';
  readonly events = ['topology.drift'] as const;

  constructor(
    private readonly rule: RuleOf<'isolation-breach'>,
    private readonly ctx: EngineContext,
  ) {}

  onEvent(event: BusEvent): void {
    if (event.type === 'topology.drift') this.onDrift(event);
  }

  suppressorOf(): string | null {
    return null;
  }

  private breachesIn(event: TopologyDriftEvent): Breach[] {
    const { topology } = this.ctx;
    const breaches: Breach[] = [];
    for (const seen of event.unknownNeighbours) {
      const peer = topology.findBySystemName(seen.remoteSysName);
      if (!peer || peer.id === event.node) continue;
      const reason = topology.isolationProblem(event.node, peer.id);
      if (reason !== null) breaches.push({ localIfName: seen.localIfName, peer, reason });
    }
    return breaches;
  }

  private onDrift(event: TopologyDriftEvent): void {
    const { alerts } = this.ctx;
    const fingerprint = fingerprintOf(this.rule.id, event.node);
    const open = alerts.find(fingerprint);
    const breaches = this.breachesIn(event);
    const first = breaches[0];
    if (!first) {
      if (open)
        alerts.resolve(open, event.timeMs, {
          source: 'poll',
          atMs: event.timeMs,
          text: 'LLDP 不再显示跨网邻居',
        });
      return;
    }
    const params = this.paramsOf(event.node, first, breaches.length);
    // The same breach reported again is no news; another peer or count is.
    if (open && open.params.peer === params.peer && open.params.breaches === params.breaches) return;
    const summary = SUMMARIES['isolation-breach'](params);
    const evidence: AlertEvidence = evidenceOf('poll', event.timeMs, 'isolation', {
      ifName: first.localIfName,
      peer: first.peer.id,
      peerZone: first.peer.zone,
      breaches: breaches.length,
    });
    alerts.raise(
      fingerprint,
      evidence,
      event.timeMs,
      () => ({
        rule: this.rule.id,
        severity: this.rule.severity,
        summary,
        params,
        labels: this.ctx.nodes.labelsOf(event.node),
        node: event.node,
        impacted: [],
        suppressedBy: null,
      }),
      { params, summary },
    );
  }

  private paramsOf(node: NodeId, first: Breach, count: number) {
    return {
      node,
      nodeName: this.ctx.nodes.nameOf(node),
      ifName: first.localIfName,
      peer: first.peer.id,
      peerName: first.peer.name,
      peerZone: first.peer.zone,
      peerZoneName: ZONE_NAMES[first.peer.zone],
      breaches: count,
    };
  }
}

export const isolationBreach: KindFactory = (rules, ctx) => {
  const rule = ruleOfKind(rules, 'isolation-breach');
  return rule ? new IsolationBreachKind(rule, ctx) : null;
};

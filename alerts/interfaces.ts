import type { AlertEvidence, MetricPoint, NodeId, TrapEvent } from '../domain';
import { uplinkChild } from './correlation';
import type { EngineContext } from './engine-context';
import { ifKey } from './alert-keys';
import { evidenceOf } from './summary';
import type { InterfaceFlappingKind } from './kinds/interface-flapping';
import { linkDownFingerprint, type LinkDownKind } from './kinds/link-down';

/**
 * Interface state from traps, the collector's interface events and the samples' operUp: one view
 * per port. A change on an inventory link updates the link state outage correlation reads, counts
 * towards flapping, and either moves an uplink's outage or a plain link's link-down alert.
 */
export class Interfaces {
  private readonly ifState = new Map<string, 'up' | 'down'>();
  /** Set by the engine once the kinds exist (null when the rules file has no such rule). */
  flapping: InterfaceFlappingKind | null = null;
  linkDown: LinkDownKind | null = null;

  constructor(private readonly ctx: EngineContext) {}

  /** After a restart: the ports the conditions say are down are down. */
  restoreFromConditions(): void {
    for (const key of this.ctx.conditions.linkedDown.keys()) this.ifState.set(key, 'down');
  }

  onTrap(event: TrapEvent): void {
    if (event.trap !== 'linkDown' && event.trap !== 'linkUp') return;
    const ifName = this.ctx.topology
      .node(event.node)
      .interfaces.find((i) => i.ifIndex === event.ifIndex)?.name;
    if (ifName === undefined) {
      this.ctx.log.warn(
        { node: event.node, ifIndex: event.ifIndex },
        'alert engine: link trap for an unknown ifIndex, ignored',
      );
      return;
    }
    this.onState(event.node, ifName, event.trap === 'linkDown' ? 'down' : 'up', 'trap', event.timeMs);
  }

  /**
   * The collector reports ifOperStatus changes between two polls; a port already down at its first
   * poll, or a change announced while this engine was not listening, shows only in the samples.
   */
  fromSample(point: MetricPoint, eventNode: NodeId): void {
    if (point.measurement !== 'interface') return;
    const operUp = point.fields.operUp;
    const ifName = point.tags.ifName;
    const node = point.tags.node ?? eventNode;
    if (operUp === undefined || ifName === undefined || !this.ctx.topology.has(node)) return;
    const state = operUp >= 1 ? 'up' : 'down';
    if (this.ifState.get(ifKey(node, ifName)) === state) return;
    this.onState(node, ifName, state, 'poll', point.timeMs);
  }

  onState(node: NodeId, ifName: string, state: 'up' | 'down', source: 'poll' | 'trap', atMs: number): void {
    const { topology, conditions } = this.ctx;
    const key = ifKey(node, ifName);
    const link = topology.linkAt(node, ifName);
    const child = link ? uplinkChild(topology, link) : null;
    const previous = this.ifState.get(key);
    const evidence: AlertEvidence = evidenceOf(source, atMs, 'interface-state', {
      node,
      nodeName: topology.node(node).name,
      ifName,
      state,
      via: source,
    });
    if (previous === state || (previous === undefined && state === 'up')) {
      // No change (or the first sight of an up port): at most more evidence for what is already known.
      this.ifState.set(key, state);
      if (state === 'down') this.mergeEvidence(key, child, link?.id ?? null, evidence);
      return;
    }
    const wasUplinkDown = child !== null && conditions.uplinkDown(child);
    this.ifState.set(key, state);
    if (link) {
      if (state === 'down') conditions.linkedDown.set(key, { sinceMs: atMs, source });
      else conditions.linkedDown.delete(key);
    }
    this.ctx.dirty.conditions = true;
    this.flapping?.countTransition(node, ifName, key, atMs);
    if (child !== null) this.ctx.outages.onUplinkChange(child, wasUplinkDown, evidence, state);
    else if (link) this.linkDown?.evaluate(link.id, atMs, evidence);
  }

  /** A port started or stopped flapping: its link's alert is re-judged with the damping applied. */
  dampingChanged(node: NodeId, ifName: string, atMs: number): void {
    const link = this.ctx.topology.linkAt(node, ifName);
    if (!link) return;
    if (uplinkChild(this.ctx.topology, link) !== null) this.ctx.dirty.outages = true;
    else this.linkDown?.evaluate(link.id, atMs, null);
  }

  /** A port already known down reported down again: more evidence on the alerts it explains. */
  private mergeEvidence(
    key: string,
    child: NodeId | null,
    linkId: string | null,
    evidence: AlertEvidence,
  ): void {
    const { alerts, outages } = this.ctx;
    const targets = [
      child !== null ? outages.outageOf(child) : undefined,
      linkId !== null ? alerts.find(linkDownFingerprint(linkId)) : undefined,
    ];
    const flap = this.flapping?.openAlertOf(key);
    for (const alert of targets) if (alert) alerts.repeat(alert, evidence, evidence.atMs);
    if (child !== null && !targets[0]) alerts.stashEarlyEvidence(outages.outageFingerprint(child), evidence);
    if (flap && !targets.some(Boolean)) alerts.repeat(flap, evidence, evidence.atMs);
  }
}

/**
 * The console's picture of "now": per-node and per-link live state built from bus events
 * (node.state, interface.state, samples) and open alerts. Changes are coalesced and handed to the
 * stream hub by `flush()` (the server calls it every 250 ms), which also turns nodes stale
 * when their newest data is older than two poll intervals.
 *
 * Reachability follows the newest knowledge, whoever brings it: a poll answered, the collector's
 * verdict, or the alert engine's — an outage alert (uplink down, unreachable) makes its node
 * unreachable the moment it opens, before the collector has missed enough polls to say so, and
 * its resolution (the engine saw the node answer again) makes it reachable.
 */
import {
  severityRank,
  type Alert,
  type BusEvent,
  type CollectorHealthEvent,
  type MetricPoint,
  type NodeId,
  type ServiceCheckEvent,
} from '../../domain';
import type { Topology } from '../../inventory';
import type { LinkLiveState, NodeLiveState } from '../shared';
import { METRIC } from './metric-names';

interface NodeFacts {
  reachability: NodeLiveState['reachability'];
  /** When the knowledge behind `reachability` was true: older news never overrides it. */
  reachabilityAtMs: number;
  lastSeenMs: number | null;
  cpuPct: number | null;
}

/** An interface's state from the newest interface.state event (a trap or a poll that saw it change). */
export interface InterfaceStateFact {
  state: 'up' | 'down';
  atMs: number;
  source: 'poll' | 'trap';
}

const OUTAGE_KINDS: ReadonlySet<string> = new Set(['uplink-down', 'node-unreachable']);
const isOutage = (alert: Alert): boolean => OUTAGE_KINDS.has(alert.kind ?? alert.rule);
const newFacts = (): NodeFacts => ({
  reachability: 'unknown',
  reachabilityAtMs: -Infinity,
  lastSeenMs: null,
  cpuPct: null,
});

export type LiveChange = { kind: 'node'; node: NodeLiveState } | { kind: 'link'; link: LinkLiveState };

const pointKey = (point: MetricPoint): string =>
  `${point.measurement}|${Object.entries(point.tags)
    .filter(([key]) => key !== 'node')
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, value]) => `${key}=${value}`)
    .join(',')}`;

export class LiveState {
  private readonly facts = new Map<NodeId, NodeFacts>();
  private readonly links = new Map<string, LinkLiveState>();
  private readonly published = new Map<NodeId, string>();
  private readonly staleShown = new Map<NodeId, boolean>();
  private readonly dirtyNodes = new Set<NodeId>();
  private readonly dirtyLinks = new Set<string>();
  private readonly openAlerts = new Map<string, Alert>();
  private readonly alertsOnNode = new Map<NodeId, Set<string>>();
  private readonly impactingNode = new Map<NodeId, Set<string>>();
  private readonly latest = new Map<NodeId, Map<string, MetricPoint>>();
  private readonly interfaceFacts = new Map<string, InterfaceStateFact>();
  private health: CollectorHealthEvent | null = null;
  /** The newest run of each service check, by node then check id (the node page's service list). */
  private readonly checks = new Map<NodeId, Map<string, ServiceCheckEvent>>();

  constructor(
    private readonly topology: Topology,
    private readonly now: () => number = Date.now,
  ) {
    for (const node of topology.nodes) this.facts.set(node.id, newFacts());
    for (const link of topology.links)
      this.links.set(link.id, { id: link.id, state: 'unknown', utilPct: null, updatedMs: null, stale: true });
    for (const id of this.facts.keys()) {
      const state = this.node(id);
      this.published.set(id, JSON.stringify(state));
      this.staleShown.set(id, state.stale);
    }
  }

  /** Seed with the alert engine's open alerts (at start, before events flow). */
  seedAlerts(alerts: readonly Alert[]): void {
    for (const alert of alerts) this.applyAlert(alert);
  }

  node(id: NodeId): NodeLiveState {
    const facts = this.facts.get(id) ?? newFacts();
    const pollMs = (this.topology.find(id)?.pollIntervalS ?? 60) * 1000;
    let worst: Alert['severity'] | null = null;
    let rootCauseAlertId: string | null = null;
    for (const alertId of this.alertsOnNode.get(id) ?? []) {
      const alert = this.openAlerts.get(alertId);
      if (!alert) continue;
      if (worst === null || severityRank(alert.severity) < severityRank(worst)) worst = alert.severity;
      if (alert.impacted.length > 0) rootCauseAlertId ??= alert.id;
    }
    const impactedBy = this.impactingNode.get(id)?.values().next().value ?? null;
    return {
      id,
      reachability: facts.reachability,
      lastSeenMs: facts.lastSeenMs,
      stale: facts.lastSeenMs === null || this.now() - facts.lastSeenMs > 2 * pollMs,
      worstSeverity: worst,
      impactedBy,
      rootCauseAlertId,
      cpuPct: facts.cpuPct,
    };
  }

  allNodes(): NodeLiveState[] {
    return [...this.facts.keys()].map((id) => this.node(id));
  }

  link(id: string): LinkLiveState | undefined {
    return this.links.get(id);
  }

  allLinks(): LinkLiveState[] {
    return [...this.links.values()];
  }

  /** The newest point of each series a node reported in samples (node detail, video links). */
  latestPoints(id: NodeId, measurement: string): MetricPoint[] {
    return [...(this.latest.get(id)?.values() ?? [])].filter((point) => point.measurement === measurement);
  }

  /** The newest interface.state of a port, if one was seen (newer than its last sample when a trap said so). */
  interfaceState(id: NodeId, ifName: string): InterfaceStateFact | undefined {
    return this.interfaceFacts.get(`${id}|${ifName}`);
  }

  /** The newest run of each service check attached to the node, by check id. */
  serviceChecks(id: NodeId): ServiceCheckEvent[] {
    return [...(this.checks.get(id)?.values() ?? [])].sort((a, b) => a.check.localeCompare(b.check));
  }

  collectorHealth(): CollectorHealthEvent | null {
    return this.health;
  }

  apply(event: BusEvent): void {
    switch (event.type) {
      case 'node.state': {
        const facts = this.facts.get(event.node);
        if (!facts) return;
        this.learnReachability(event.node, event.state, event.timeMs);
        if (event.state === 'reachable') facts.lastSeenMs = Math.max(facts.lastSeenMs ?? 0, event.timeMs);
        this.dirtyNodes.add(event.node);
        return;
      }
      case 'interface.state': {
        const key = `${event.node}|${event.ifName}`;
        if ((this.interfaceFacts.get(key)?.atMs ?? -Infinity) <= event.timeMs)
          this.interfaceFacts.set(key, { state: event.state, atMs: event.timeMs, source: event.source });
        const link = this.topology.has(event.node) ? this.topology.linkAt(event.node, event.ifName) : null;
        const state = link && this.links.get(link.id);
        if (!state) return;
        state.state = event.state;
        state.updatedMs = event.timeMs;
        this.dirtyLinks.add(state.id);
        return;
      }
      case 'samples':
        this.applySamples(event.node, event.timeMs, event.points);
        return;
      case 'alert':
        this.applyAlert(event.alert);
        return;
      case 'collector.health':
        this.health = event;
        return;
      case 'service.check':
        this.applyServiceCheck(event);
        return;
      case 'node.reboot':
      case 'trap':
      case 'topology.drift':
      case 'certificate.expiry':
      case 'security.event':
      case 'asset.change':
      case 'unmanaged.sighting':
      case 'report.delivery':
        return;
    }
  }

  private applyServiceCheck(event: ServiceCheckEvent): void {
    if (!this.facts.has(event.node)) return;
    const byCheck = this.checks.get(event.node) ?? new Map<string, ServiceCheckEvent>();
    this.checks.set(event.node, byCheck);
    if ((byCheck.get(event.check)?.timeMs ?? -Infinity) <= event.timeMs) byCheck.set(event.check, event);
  }

  private applySamples(node: NodeId, timeMs: number, points: MetricPoint[]): void {
    const facts = this.facts.get(node);
    if (!facts) return;
    // A failed poll is reported as a `node` point with reachable=0: the node was not seen.
    const failed = points.some(
      (point) =>
        point.measurement === METRIC.system.measurement && point.fields[METRIC.system.reachable] === 0,
    );
    if (!failed) {
      facts.lastSeenMs = Math.max(facts.lastSeenMs ?? 0, timeMs);
      // An answer is proof of life, newer than any verdict before it.
      this.learnReachability(node, 'reachable', timeMs);
    }
    const latest = this.latest.get(node) ?? new Map<string, MetricPoint>();
    this.latest.set(node, latest);
    for (const point of points) {
      latest.set(pointKey(point), point);
      if (point.measurement === METRIC.system.measurement) {
        const cpu = point.fields[METRIC.system.cpuPct];
        if (cpu !== undefined) facts.cpuPct = cpu;
      } else if (point.measurement === METRIC.interface.measurement) {
        this.applyInterfacePoint(node, point);
      }
    }
    this.dirtyNodes.add(node);
  }

  private applyInterfacePoint(node: NodeId, point: MetricPoint): void {
    const ifName = point.tags[METRIC.interface.ifNameTag];
    const link = ifName === undefined ? null : this.topology.linkAt(node, ifName);
    const state = link && this.links.get(link.id);
    if (!state) return;
    const inUtil = point.fields[METRIC.interface.inUtilPct];
    const outUtil = point.fields[METRIC.interface.outUtilPct];
    const utils = [inUtil, outUtil].filter((value): value is number => value !== undefined);
    if (utils.length > 0) state.utilPct = Math.max(...utils);
    const operUp = point.fields[METRIC.interface.operUp];
    if (operUp !== undefined) state.state = operUp >= 1 ? 'up' : 'down';
    state.updatedMs = point.timeMs;
    this.dirtyLinks.add(state.id);
  }

  /** A link whose newest reading is older than two poll intervals of its slower end turns stale (and back). */
  private markStaleLinks(nowMs: number): void {
    for (const link of this.topology.links) {
      const state = this.links.get(link.id);
      if (!state) continue;
      const pollS = Math.max(
        this.topology.find(link.a.node)?.pollIntervalS ?? 60,
        this.topology.find(link.b.node)?.pollIntervalS ?? 60,
      );
      const stale = state.updatedMs === null || nowMs - state.updatedMs > 2 * pollS * 1000;
      if (stale === state.stale) continue;
      state.stale = stale;
      this.dirtyLinks.add(link.id);
    }
  }

  /** Take a reachability verdict unless what is known already is newer. */
  private learnReachability(node: NodeId, state: 'reachable' | 'unreachable', atMs: number): void {
    const facts = this.facts.get(node);
    if (!facts || atMs < facts.reachabilityAtMs) return;
    facts.reachability = state;
    facts.reachabilityAtMs = atMs;
  }

  /** An outage alert is the engine's verdict on its node: cut off while open, answering once resolved. */
  private applyOutage(alert: Alert): void {
    if (alert.node === null || !this.facts.has(alert.node)) return;
    if (alert.status === 'resolved')
      this.learnReachability(alert.node, 'reachable', alert.resolvedAtMs ?? alert.updatedAtMs);
    else this.learnReachability(alert.node, 'unreachable', alert.startsAtMs);
    this.dirtyNodes.add(alert.node);
  }

  private applyAlert(alert: Alert): void {
    if (isOutage(alert)) this.applyOutage(alert);
    const before = this.openAlerts.get(alert.id);
    const touched = new Set<NodeId>();
    const index = (target: Map<NodeId, Set<string>>, node: NodeId, add: boolean) => {
      touched.add(node);
      const ids = target.get(node) ?? new Set<string>();
      if (add) ids.add(alert.id);
      else ids.delete(alert.id);
      if (ids.size > 0) target.set(node, ids);
      else target.delete(node);
    };
    if (before) {
      if (before.node !== null) index(this.alertsOnNode, before.node, false);
      for (const node of before.impacted) index(this.impactingNode, node, false);
      this.openAlerts.delete(alert.id);
    }
    if (alert.status !== 'resolved') {
      this.openAlerts.set(alert.id, alert);
      if (alert.node !== null) index(this.alertsOnNode, alert.node, true);
      for (const node of alert.impacted) index(this.impactingNode, node, true);
    }
    for (const node of touched) if (this.facts.has(node)) this.dirtyNodes.add(node);
  }

  /**
   * The node and link states that changed since the last flush (a node only when its visible state
   * differs from what was last published), including nodes that just turned stale.
   */
  flush(): LiveChange[] {
    const changes: LiveChange[] = [];
    const now = this.now();
    for (const [id, facts] of this.facts) {
      const pollMs = (this.topology.find(id)?.pollIntervalS ?? 60) * 1000;
      const stale = facts.lastSeenMs === null || now - facts.lastSeenMs > 2 * pollMs;
      if (stale !== this.staleShown.get(id)) this.dirtyNodes.add(id);
    }
    for (const id of this.dirtyNodes) {
      const state = this.node(id);
      const text = JSON.stringify(state);
      if (this.published.get(id) === text) continue;
      this.published.set(id, text);
      this.staleShown.set(id, state.stale);
      changes.push({ kind: 'node', node: state });
    }
    this.dirtyNodes.clear();
    this.markStaleLinks(now);
    for (const id of this.dirtyLinks) {
      const link = this.links.get(id);
      if (link) changes.push({ kind: 'link', link: { ...link } });
    }
    this.dirtyLinks.clear();
    return changes;
  }
}

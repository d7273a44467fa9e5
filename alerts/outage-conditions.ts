import type { Topology } from '../inventory';
import type { NodeId } from '../domain';
import { impactedBy } from './correlation';
import type { ConditionsSnapshot, KeepsConditions, LinkEndDown, Unreachable } from './conditions-snapshot';
import type { DirtyFlags } from './engine-context';
import { ifKey } from './alert-keys';
import type { NodeInfo } from './node-info';
import type { AlertSettings } from './rules/schema';

/** Poll intervals a node behind a cleared cause may stay silent before it counts as broken again. */
const DOUBT_POLLS = 4;
/** Failed polls in a row (seen in the samples) that make a node unreachable if the collector's event was missed; above the collector's default of 3. */
const FAILED_POLLS = 5;

export interface DownEnd {
  node: NodeId;
  ifName: string;
  down: LinkEndDown;
}

/**
 * What the engine knows about reachability and link ends: which nodes are unreachable, which ends of
 * inventory links are down, which nodes are in doubt after their cause cleared, when each node last
 * answered. Outage correlation (outages.ts) decides from this which nodes are cut off.
 */
export class OutageConditions implements KeepsConditions {
  readonly unreachable = new Map<NodeId, Unreachable>();
  readonly linkedDown = new Map<string, LinkEndDown>();
  readonly doubtUntil = new Map<NodeId, number>();
  readonly doubtSince = new Map<NodeId, number>();
  private readonly failedPolls = new Map<NodeId, number>();
  /** When each node last answered a poll (freshness and root-cause readiness read it). */
  readonly lastSeen = new Map<NodeId, number>();
  /** A flapping port's link state is damped: it counts neither as down nor as up (set by the flapping kind). */
  isDamped: (key: string) => boolean = () => false;

  constructor(
    private readonly topology: Topology,
    private readonly settings: AlertSettings,
    private readonly nodes: NodeInfo,
    private readonly clock: () => number,
    private readonly dirty: DirtyFlags,
  ) {}

  saveConditions(into: ConditionsSnapshot): void {
    into.unreachable = [...this.unreachable];
    into.linkedDown = [...this.linkedDown];
    into.doubtUntil = [...this.doubtUntil];
    into.doubtSince = [...this.doubtSince];
  }

  restoreConditions(from: ConditionsSnapshot): void {
    const known = (node: string) => this.topology.has(node);
    for (const [node, value] of from.unreachable) if (known(node)) this.unreachable.set(node, value);
    for (const [key, value] of from.linkedDown) this.linkedDown.set(key, value);
    for (const [node, value] of from.doubtUntil) if (known(node)) this.doubtUntil.set(node, value);
    for (const [node, value] of from.doubtSince ?? []) if (known(node)) this.doubtSince.set(node, value);
  }

  /** Ends of the node's uplink that are down (and not damped as flapping). */
  uplinkDownEnds(node: NodeId): DownEnd[] {
    const link = this.topology.uplinkOf(node);
    if (!link) return [];
    const out: DownEnd[] = [];
    for (const end of [link.a, link.b]) {
      const key = ifKey(end.node, end.interface);
      const down = this.linkedDown.get(key);
      if (down && !this.isDamped(key)) out.push({ node: end.node, ifName: end.interface, down });
    }
    return out;
  }

  uplinkDown(node: NodeId): boolean {
    return this.uplinkDownEnds(node).length > 0;
  }

  inDoubt(node: NodeId, nowMs: number): boolean {
    const until = this.doubtUntil.get(node);
    return until !== undefined && until > nowMs;
  }

  isCut(node: NodeId, nowMs: number): boolean {
    return (this.unreachable.has(node) && !this.inDoubt(node, nowMs)) || this.uplinkDown(node);
  }

  /** Since when the node has been cut off (its earliest current evidence). */
  cutSince(node: NodeId, nowMs: number): number {
    let since = nowMs;
    const unreachable = this.unreachable.get(node);
    if (unreachable && !this.inDoubt(node, nowMs)) since = Math.min(since, unreachable.sinceMs);
    for (const end of this.uplinkDownEnds(node)) since = Math.min(since, end.down.sinceMs);
    return since;
  }

  /**
   * The cause above these nodes cleared: their "unreachable" may only be the last poll before the
   * path came back. Give them until the collector has polled them again before they count as cut.
   */
  startDoubt(nodes: readonly NodeId[]): void {
    const now = this.clock();
    for (const node of nodes) {
      if (!this.unreachable.has(node)) continue;
      // The doubt ends with the collector's next word on the node: reachable again (resolved), or a
      // poll started after now that failed (still broken). A collector that says nothing gets a deadline.
      const graceMs = DOUBT_POLLS * this.nodes.pollIntervalS(node) * 1000 + this.settings.correlationWindow;
      this.doubtUntil.set(node, now + graceMs);
      this.doubtSince.set(node, now);
      this.dirty.conditions = true;
    }
  }

  endDoubt(node: NodeId): void {
    this.doubtUntil.delete(node);
    this.doubtSince.delete(node);
    this.dirty.conditions = true;
  }

  /**
   * The collector says "unreachable" and "reachable" once, on change; an engine that was restarted (or
   * not subscribed) in between would never hear it. Poll outcomes in the samples heal that: data from
   * the device means reachable, FAILED_POLLS failed polls in a row mean unreachable.
   */
  trackPollOutcome(node: NodeId, answered: boolean, atMs: number): void {
    if (answered) {
      this.failedPolls.delete(node);
      if (this.unreachable.has(node)) this.markReachable(node, atMs);
      return;
    }
    const failed = (this.failedPolls.get(node) ?? 0) + 1;
    this.failedPolls.set(node, failed);
    if (failed < FAILED_POLLS || this.unreachable.has(node)) return;
    this.unreachable.set(node, { sinceMs: atMs, reason: `连续 ${failed} 次轮询无响应` });
    this.dirty.conditions = true;
    this.dirty.outages = true;
  }

  forgetFailedPolls(node: NodeId): void {
    this.failedPolls.delete(node);
  }

  markReachable(node: NodeId, atMs: number): void {
    this.unreachable.delete(node);
    this.endDoubt(node);
    this.startDoubt(impactedBy(this.topology, node));
    this.lastSeen.set(node, Math.max(this.lastSeen.get(node) ?? atMs, atMs));
    this.dirty.conditions = true;
    this.dirty.outages = true;
  }

  /**
   * An outage ended: the node's data is old because of it, not because the node is stale. Its
   * freshness clock restarts one poll interval from now (the first poll after the repair may still
   * have been in flight), so it is stale only if no data arrives in (factor + 1) intervals.
   */
  restartFreshness(node: NodeId, nowMs: number): void {
    const seen = this.lastSeen.get(node);
    if (seen === undefined) return;
    this.lastSeen.set(node, Math.max(seen, nowMs + this.nodes.pollIntervalS(node) * 1000));
  }
}

import type { Alert, AlertEvidence, NodeId, NodeStateEvent, SamplesEvent } from '../domain';
import { impactedBy, rootCauseOf, uplinkChild } from './correlation';
import type { EngineContext } from './engine-context';
import { fingerprintOf, splitIfKey } from './alert-keys';
import type { Rule, RuleOf } from './rules/schema';
import { evidenceOf, noAnswerEvidence, SUMMARIES, type Params } from './summary';

/**
 * Outage correlation along the topology tree. A node is *cut* when it is unreachable (and not in
 * doubt) or an end of its uplink is down. The topmost cut node is the root cause (`uplink-down` or
 * `node-unreachable`); every cut node below it gets a suppressed alert pointing at it, and so do other
 * alerts on those nodes (each kind decides how, see RuleKind.suppressorOf / reEvaluateAfterCause).
 */

const OUTAGE_KINDS: ReadonlySet<Rule['kind']> = new Set(['uplink-down', 'node-unreachable']);

/** Samples carry the poll outcome: a failed poll is one `node` point with reachable = 0. */
export function answeredByDevice(event: SamplesEvent): boolean {
  return !event.points.some((p) => p.measurement === 'node' && p.fields.reachable === 0);
}

export class Outages {
  private readonly outageFingerprints = new Map<NodeId, string>();
  private reconcileDueMs: number | null = null;

  constructor(
    private readonly ctx: EngineContext,
    private readonly uplinkRule: RuleOf<'uplink-down'>,
    private readonly unreachableRule: RuleOf<'node-unreachable'>,
  ) {}

  isOutage(alert: Alert): boolean {
    return alert.rule === this.uplinkRule.id || alert.rule === this.unreachableRule.id;
  }

  outageFingerprint(node: NodeId): string {
    let fingerprint = this.outageFingerprints.get(node);
    if (fingerprint === undefined) {
      fingerprint = fingerprintOf('outage', node);
      this.outageFingerprints.set(node, fingerprint);
    }
    return fingerprint;
  }

  /** The open outage alert of a node (root cause or suppressed), if any. */
  outageOf(node: NodeId): Alert | undefined {
    return this.ctx.alerts.find(this.outageFingerprint(node));
  }

  // ---------------------------------------------------------------- inputs

  onNodeState(event: NodeStateEvent): void {
    const { conditions, dirty } = this.ctx;
    const node = event.node;
    if (event.state === 'unreachable') {
      if (!conditions.unreachable.has(node))
        conditions.unreachable.set(node, { sinceMs: event.timeMs, reason: event.reason });
      conditions.endDoubt(node);
      const outage = this.outageOf(node);
      if (outage) this.ctx.alerts.repeat(outage, noAnswerEvidence(event.timeMs, event.reason), event.timeMs);
    } else {
      conditions.forgetFailedPolls(node);
      if (!conditions.unreachable.has(node)) return;
      conditions.markReachable(node, event.timeMs);
    }
    dirty.conditions = true;
    dirty.outages = true;
  }

  /** Reachability from the poll outcomes in the samples. */
  onSamples(event: SamplesEvent): void {
    const { conditions, topology } = this.ctx;
    const fromDevice = answeredByDevice(event);
    if (topology.has(event.node)) {
      if (fromDevice) conditions.lastSeen.set(event.node, event.timeMs);
      conditions.trackPollOutcome(event.node, fromDevice && event.points.length > 0, event.timeMs);
    }
    const doubtSince = conditions.doubtSince.get(event.node);
    if (!fromDevice && doubtSince !== undefined) {
      // A failed poll that started after the cause cleared: the node is still broken, no need to wait.
      const failed = event.points.find((p) => p.measurement === 'node' && p.fields.reachable === 0);
      const startedMs = (failed?.timeMs ?? event.timeMs) - (failed?.fields.pollMs ?? 0);
      if (startedMs > doubtSince) {
        conditions.endDoubt(event.node);
        this.ctx.dirty.outages = true;
      }
    }
  }

  /** A port on `child`'s uplink changed state; `wasUplinkDown` is how the uplink stood before. */
  onUplinkChange(child: NodeId, wasUplinkDown: boolean, evidence: AlertEvidence, state: 'up' | 'down'): void {
    const { conditions, topology } = this.ctx;
    if (wasUplinkDown && !conditions.uplinkDown(child))
      conditions.startDoubt([child, ...impactedBy(topology, child)]);
    this.ctx.dirty.outages = true;
    const outage = this.outageOf(child);
    if (state === 'down' && outage) this.ctx.alerts.repeat(outage, evidence, evidence.atMs);
  }

  isDue(nowMs: number): boolean {
    return this.ctx.dirty.outages || (this.reconcileDueMs !== null && this.reconcileDueMs <= nowMs);
  }

  // ---------------------------------------------------------------- alerts

  private outageRuleFor(node: NodeId): RuleOf<'uplink-down'> | RuleOf<'node-unreachable'> {
    return this.ctx.conditions.uplinkDown(node) ? this.uplinkRule : this.unreachableRule;
  }

  private outageDraft(node: NodeId, root: boolean) {
    const { topology, conditions, nodes } = this.ctx;
    const info = topology.node(node);
    const downEnds = conditions.uplinkDownEnds(node);
    const cause = downEnds.length > 0 ? 'uplink' : 'unreachable';
    const rule = cause === 'uplink' ? this.uplinkRule : this.unreachableRule;
    const impacted = root ? impactedBy(topology, node) : [];
    const params: Params = { node, nodeName: info.name, impacted: impacted.length };
    const summary =
      cause === 'uplink' ? SUMMARIES['uplink-down'](params) : SUMMARIES['node-unreachable'](params);
    const labels: Record<string, string> = { ...nodes.labelsOf(node) };
    const uplink = topology.uplinkOf(node);
    if (uplink) {
      labels.link = uplink.id;
      const end = uplink.a.node === node ? uplink.a : uplink.b;
      labels.ifName = end.interface;
    }
    const evidence: AlertEvidence[] = downEnds.map((end) =>
      evidenceOf(end.down.source, end.down.sinceMs, 'interface-state', {
        node: end.node,
        nodeName: nodes.nameOf(end.node),
        ifName: end.ifName,
        state: 'down',
        via: end.down.source,
      }),
    );
    const unreachable = conditions.unreachable.get(node);
    if (unreachable) evidence.push(noAnswerEvidence(unreachable.sinceMs, unreachable.reason));
    return { rule, params, summary, labels, impacted, evidence };
  }

  /** Opens `node`'s outage alert: a root cause (`suppressedBy` null) or one folded under its root cause's alert. */
  private openOutage(fingerprint: string, node: NodeId, suppressedBy: string | null, nowMs: number): void {
    const draft = this.outageDraft(node, suppressedBy === null);
    this.ctx.alerts.openAlert(
      {
        fingerprint,
        rule: draft.rule.id,
        severity: draft.rule.severity,
        summary: draft.summary,
        params: draft.params,
        labels: draft.labels,
        node,
        impacted: draft.impacted,
        suppressedBy,
        evidence: draft.evidence,
      },
      nowMs,
    );
  }

  /** Which nodes are cut off now: unreachable ones not in doubt, and children of down uplinks. */
  private cutNodes(nowMs: number): Set<NodeId> {
    const { conditions, topology } = this.ctx;
    const cut = new Set<NodeId>();
    for (const node of conditions.unreachable.keys()) if (conditions.isCut(node, nowMs)) cut.add(node);
    for (const key of conditions.linkedDown.keys()) {
      const [node, ifName] = splitIfKey(key);
      const link = topology.linkAt(node, ifName);
      const child = link ? uplinkChild(topology, link) : null;
      if (child !== null && conditions.uplinkDown(child)) cut.add(child);
    }
    return cut;
  }

  /**
   * Bring outage alerts in line with what is cut off now. `commit` publishes root causes before the
   * alerts folded under them: in a storm the operator sees the one alert that matters at once.
   */
  reconcile(nowMs: number, commit: () => void): void {
    const { alerts, conditions, topology } = this.ctx;
    this.ctx.dirty.outages = false;
    const window = this.ctx.rules.settings.correlationWindow;
    let nextDue: number | null = null;
    const due = (atMs: number) => {
      nextDue = nextDue === null ? atMs : Math.min(nextDue, atMs);
    };

    const cut = this.cutNodes(nowMs);
    alerts.keepEarlyEvidenceFor(() => new Set([...cut].map((node) => this.outageFingerprint(node))));
    for (const [node, until] of conditions.doubtUntil) {
      if (!conditions.unreachable.has(node) || until <= nowMs) conditions.endDoubt(node);
      else due(until);
    }

    const rootOf = new Map<NodeId, NodeId>();
    for (const node of cut) rootOf.set(node, rootCauseOf(topology, node, (id) => cut.has(id)) ?? node);

    // 1. Root causes: cut nodes whose ancestors are all fine.
    for (const node of cut) {
      if (rootOf.get(node) !== node) continue;
      const fingerprint = this.outageFingerprint(node);
      const existing = alerts.find(fingerprint);
      if (existing) {
        // Nothing to refresh while it stays the same kind of root cause (the common case in a storm).
        if (existing.suppressedBy === null && existing.rule === this.outageRuleFor(node).id) continue;
        const draft = this.outageDraft(node, true);
        alerts.update(
          existing,
          {
            rule: draft.rule.id,
            severity: draft.rule.severity,
            summary: draft.summary,
            params: draft.params,
            labels: { ...existing.labels, ...draft.labels },
            impacted: draft.impacted,
            suppressedBy: null,
          },
          nowMs,
        );
        continue;
      }
      const since = conditions.cutSince(node, nowMs);
      if (!this.rootReady(node, since, nowMs)) {
        due(since + window);
        continue;
      }
      this.openOutage(fingerprint, node, null, nowMs);
    }

    commit();

    // 2. Everything cut off behind a root cause: suppressed under it (folded, if it fired first).
    for (const node of cut) {
      const root = rootOf.get(node);
      if (root === undefined || root === node) continue;
      const rootAlert = this.outageOf(root);
      if (!rootAlert) continue; // the root cause is still settling; it is due and so are we
      const fingerprint = this.outageFingerprint(node);
      const existing = alerts.find(fingerprint);
      if (existing && existing.suppressedBy === rootAlert.id && existing.rule === this.outageRuleFor(node).id)
        continue;
      if (existing) {
        const draft = this.outageDraft(node, false);
        alerts.update(
          existing,
          {
            rule: draft.rule.id,
            severity: draft.rule.severity,
            summary: draft.summary,
            params: draft.params,
            impacted: [],
            suppressedBy: rootAlert.id,
          },
          nowMs,
        );
      } else {
        this.openOutage(fingerprint, node, rootAlert.id, nowMs);
      }
    }

    this.resolveEnded(cut, nowMs);
    this.followRootCauses(nowMs);
    this.reconcileDueMs = nextDue;
  }

  /** 3. Outages that ended. A suppressed one whose node is in doubt waits for the next poll. */
  private resolveEnded(cut: ReadonlySet<NodeId>, nowMs: number): void {
    const { alerts, conditions } = this.ctx;
    for (const alert of alerts.openAlerts()) {
      const kind = this.ctx.ruleKindOf(alert.rule);
      if (kind === null || !OUTAGE_KINDS.has(kind) || alert.node === null) continue;
      if (cut.has(alert.node)) continue;
      if (
        alert.suppressedBy !== null &&
        conditions.unreachable.has(alert.node) &&
        conditions.inDoubt(alert.node, nowMs)
      )
        continue;
      alerts.resolve(alert, nowMs, evidenceOf('rule', nowMs, 'fault-cleared'));
      for (const node of [alert.node, ...alert.impacted]) conditions.restartFreshness(node, nowMs);
    }
  }

  /** 4. Other alerts on nodes behind a root cause follow it. */
  private followRootCauses(nowMs: number): void {
    const { alerts } = this.ctx;
    const recheck = alerts.outagesChanged;
    alerts.outagesChanged = false;
    if (!recheck) return;
    for (const alert of alerts.openAlerts()) {
      const kindName = this.ctx.ruleKindOf(alert.rule);
      if (kindName === null || OUTAGE_KINDS.has(kindName)) continue;
      const kind = this.ctx.kindOfAlert(alert.rule);
      if (kind?.sameAsOwnOutage && alert.node !== null && this.ownRootOutage(alert.node)) {
        alerts.resolve(alert, nowMs, null);
        continue;
      }
      const suppressor = kind?.suppressorOf
        ? kind.suppressorOf(alert)
        : this.suppressorFor(this.involvedNodes(alert));
      if (suppressor === alert.suppressedBy) continue;
      if (suppressor === null && kind?.reEvaluateAfterCause) {
        alerts.resolve(alert, nowMs, evidenceOf('rule', nowMs, 'cause-cleared'));
        kind.reEvaluateAfterCause(alert, nowMs);
        continue;
      }
      alerts.update(alert, { suppressedBy: suppressor }, nowMs);
    }
  }

  /** May a root-cause candidate open now, or should it wait for an ancestor to show up as the real cause? */
  private rootReady(node: NodeId, sinceMs: number, nowMs: number): boolean {
    const { conditions, topology } = this.ctx;
    if (nowMs - sinceMs >= this.ctx.rules.settings.correlationWindow) return true;
    const parent = topology.node(node).parent;
    if (parent === null) return true;
    // The parent reported the link down itself, or answered a poll since: the parent's path is fine.
    if (conditions.uplinkDownEnds(node).some((end) => end.node === parent)) return true;
    return (conditions.lastSeen.get(parent) ?? -Infinity) >= sinceMs;
  }

  private involvedNodes(alert: Alert): NodeId[] {
    const nodes: NodeId[] = [];
    if (alert.node !== null) nodes.push(alert.node);
    const peer = alert.labels.peer;
    if (peer !== undefined && this.ctx.topology.has(peer)) nodes.push(peer);
    return nodes;
  }

  /** The node's own outage alert when it is a root cause (not folded under an ancestor's). */
  ownRootOutage(node: NodeId): Alert | undefined {
    const outage = this.outageOf(node);
    return outage?.suppressedBy === null ? outage : undefined;
  }

  /** The root-cause alert that explains trouble on these nodes (they or an ancestor are cut off), if any. */
  suppressorFor(nodes: readonly NodeId[]): string | null {
    for (const node of nodes) {
      let found: Alert | undefined;
      for (const candidate of [node, ...this.ctx.topology.ancestors(node)]) {
        const outage = this.outageOf(candidate);
        if (outage) found = outage;
      }
      if (found) return found.suppressedBy ?? found.id;
    }
    return null;
  }
}

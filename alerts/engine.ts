import { createHash, randomBytes } from 'node:crypto';
import type {
  BusEvent,
  CertificateExpiryEvent,
  CollectorHealthEvent,
  NodeStateEvent,
  SamplesEvent,
  TopologyDriftEvent,
  TrapEvent,
} from '../bus/events';
import type { Topology } from '../inventory/topology';
import type { NodeId } from '../inventory/types';
import type { MetricPoint } from '../metrics/types';
import { impactedBy, otherEnd, rootCauseOf, uplinkChild } from './correlation';
import { activeMeeting } from './local-time';
import type { AlertRules, Rule, RuleOf, ThresholdRule } from './rules/schema';
import { matchesLabels, silenceActive } from './silences';
import type { AlertStore } from './store';
import { fillTemplate, nodeLabels, round, SUMMARIES, type Params } from './summary';
import type { Alert, AlertChange, AlertChangeEvent, AlertEvidence, Severity, Silence } from './types';

/**
 * The alert engine's core: turns bus events into alerts, correlates outages along the topology
 * tree, and keeps each alert's lifecycle. Single-threaded and synchronous; time comes from the
 * injected clock, so tests drive it event by event and tick by tick.
 */

export interface AlertLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export type ActionFailure = 'not-found' | 'resolved' | 'already-acknowledged' | 'not-acknowledged';
export type ActionResult = { ok: true; alert: Alert } | { ok: false; reason: ActionFailure; message: string };

interface Unreachable {
  sinceMs: number;
  reason: string;
}
interface LinkEndDown {
  sinceMs: number;
  source: 'poll' | 'trap';
}

/** Engine state that must survive a restart (saved with every alert change, in the same transaction). */
interface ConditionsSnapshot {
  unreachable: Array<[NodeId, Unreachable]>;
  linkedDown: Array<[string, LinkEndDown]>;
  doubtUntil: Array<[NodeId, number]>;
  doubtSince?: Array<[NodeId, number]>;
  transitions: Array<[string, number[]]>;
  flapping: string[];
  thresholdPending: Array<[string, number]>;
}

const OUTAGE_KINDS: ReadonlySet<Rule['kind']> = new Set(['uplink-down', 'node-unreachable']);
/** Alerts that only exist because data stopped or values moved: when their root cause clears they are closed and re-evaluated from fresh data. */
const RE_EVALUATED_KINDS: ReadonlySet<Rule['kind']> = new Set(['freshness', 'threshold']);
const MAX_EVIDENCE = 20;
const EVENTS_KEEP_MS = 7 * 86_400_000;
/** Up to this many down nodes and links, an interface event is correlated synchronously. */
const SYNC_SETTLE_LIMIT = 200;
/** Poll intervals a node behind a cleared cause may stay silent before it counts as broken again. */
const DOUBT_POLLS = 4;
/** Failed polls in a row (seen in the samples) that make a node unreachable if the collector's event was missed; above the collector's default of 3. */
const FAILED_POLLS = 5;

export interface CoreOptions {
  topology: Topology;
  rules: AlertRules;
  store: AlertStore;
  clock: () => number;
  log: AlertLogger;
  /** The collector's poll interval when it overrides the inventory's per-node intervals. */
  pollIntervalS?: number;
  /** In-memory resume ring for eventsSince. */
  ringSize: number;
  /** Called after every committed batch (persisted first): bus, subscribers, notifications. */
  onCommitted: (events: ReadonlyArray<{ event: AlertChangeEvent; atMs: number }>) => void;
  /** Ask the host to call tick() soon (outage correlation batches events arriving together). */
  requestTick: () => void;
}

const ifKey = (node: NodeId, ifName: string) => `${node}|${ifName}`;
const fingerprintOf = (...parts: string[]) =>
  createHash('sha1').update(parts.join('\u0000')).digest('hex').slice(0, 20);

export class AlertCore {
  private readonly topology: Topology;
  private readonly rules: AlertRules;
  private readonly store: AlertStore;
  private readonly clock: () => number;
  private readonly log: AlertLogger;

  private readonly rulesById = new Map<string, Rule>();
  private readonly thresholdsByMeasurement = new Map<string, ThresholdRule[]>();
  private readonly uplinkRule: RuleOf<'uplink-down'>;
  private readonly unreachableRule: RuleOf<'node-unreachable'>;
  private readonly linkDownRule: RuleOf<'link-down'> | undefined;
  private readonly flappingRule: RuleOf<'interface-flapping'> | undefined;
  private readonly rebootRule: RuleOf<'reboot'> | undefined;
  private readonly freshnessRule: RuleOf<'freshness'> | undefined;
  private readonly authRule: RuleOf<'snmp-auth-failure'> | undefined;
  private readonly certificateRule: RuleOf<'certificate-expiry'> | undefined;
  private readonly driftRule: RuleOf<'topology-drift'> | undefined;
  private readonly silentRule: RuleOf<'collector-silent'> | undefined;
  private readonly lastHealth = new Map<string, number>();
  private readonly silentCollectors = new Map<string, Alert>();

  private readonly open = new Map<string, Alert>();
  private readonly byFingerprint = new Map<string, Alert>();
  private seq: number;
  private readonly ring: AlertChangeEvent[] = [];
  private batch: Array<{ event: AlertChangeEvent; atMs: number }> = [];
  private silences: Silence[] = [];

  // conditions
  private readonly unreachable = new Map<NodeId, Unreachable>();
  private readonly linkedDown = new Map<string, LinkEndDown>();
  private readonly ifState = new Map<string, 'up' | 'down'>();
  private readonly doubtUntil = new Map<NodeId, number>();
  private readonly doubtSince = new Map<NodeId, number>();
  private readonly failedPolls = new Map<NodeId, number>();
  private readonly transitions = new Map<string, number[]>();
  private readonly flapping = new Set<string>();
  private readonly thresholdPending = new Map<string, number>();
  private readonly lastTrigger = new Map<string, number>();
  /** Evidence for an outage that arrived while it was still settling (merged into the alert when it opens). */
  private readonly earlyEvidence = new Map<string, AlertEvidence[]>();
  private readonly lastSeen = new Map<NodeId, number>();
  /** When a muted (suppressed or silenced) alert became visible: its escalation clock starts there. */
  private readonly unmutedAt = new Map<string, number>();
  private conditionsDirty = false;
  private conditionsSavedMs = -Infinity;
  private readonly outageFingerprints = new Map<NodeId, string>();
  private readonly nodeLabelCache = new Map<NodeId, Record<string, string>>();
  private readonly pathCache = new Map<NodeId, string[]>();
  private idCounter = 0;
  private readonly idSuffix = randomBytes(3).toString('hex');
  private nextTransitionPruneMs = 0;
  private nextCheckpointMs = 0;
  private nextPruneMs = 0;
  /** Set when outage alerts opened, resolved or moved under another root: other alerts' suppression is re-checked. */
  private outagesChanged = true;
  private outageDirty = false;
  private reconcileDueMs: number | null = null;
  private nextFreshnessMs = 0;
  private nextSilenceCheckMs = 0;

  constructor(private readonly options: CoreOptions) {
    this.topology = options.topology;
    this.rules = options.rules;
    this.store = options.store;
    this.clock = options.clock;
    this.log = options.log;
    for (const rule of this.rules.rules) {
      this.rulesById.set(rule.id, rule);
      if (rule.kind === 'threshold') {
        const list = this.thresholdsByMeasurement.get(rule.measurement) ?? [];
        list.push(rule);
        this.thresholdsByMeasurement.set(rule.measurement, list);
      }
    }
    const find = <K extends Rule['kind']>(kind: K) =>
      this.rules.rules.find((rule): rule is RuleOf<K> => rule.kind === kind);
    const uplink = find('uplink-down');
    const unreachable = find('node-unreachable');
    if (!uplink || !unreachable)
      throw new Error('alert rules need an uplink-down and a node-unreachable rule (the loader checks this)');
    this.uplinkRule = uplink;
    this.unreachableRule = unreachable;
    this.linkDownRule = find('link-down');
    this.flappingRule = find('interface-flapping');
    this.rebootRule = find('reboot');
    this.freshnessRule = find('freshness');
    this.authRule = find('snmp-auth-failure');
    this.certificateRule = find('certificate-expiry');
    this.driftRule = find('topology-drift');
    this.silentRule = find('collector-silent');
    this.seq = this.store.lastSeq();
    this.restore();
  }

  // ---------------------------------------------------------------- restore and persistence

  private restore(): void {
    const now = this.clock();
    this.silences = this.store.silences();
    const raw = this.store.getMeta('conditions');
    if (raw !== null) {
      const snapshot = JSON.parse(raw) as ConditionsSnapshot;
      const known = (node: string) => this.topology.has(node);
      for (const [node, value] of snapshot.unreachable) if (known(node)) this.unreachable.set(node, value);
      for (const [key, value] of snapshot.linkedDown) this.linkedDown.set(key, value);
      for (const key of this.linkedDown.keys()) this.ifState.set(key, 'down');
      for (const [node, value] of snapshot.doubtUntil) if (known(node)) this.doubtUntil.set(node, value);
      for (const [node, value] of snapshot.doubtSince ?? [])
        if (known(node)) this.doubtSince.set(node, value);
      for (const [key, value] of snapshot.transitions) this.transitions.set(key, value);
      for (const key of snapshot.flapping) this.flapping.add(key);
      for (const [key, value] of snapshot.thresholdPending) this.thresholdPending.set(key, value);
    }
    for (const alert of this.store.openAlerts()) {
      this.open.set(alert.id, alert);
      this.byFingerprint.set(alert.fingerprint, alert);
      // The last trigger is the newest evidence (acks and silences add none).
      this.lastTrigger.set(
        alert.fingerprint,
        Math.max(alert.startsAtMs, ...alert.evidence.map((e) => e.atMs)),
      );
    }
    for (const alert of this.open.values()) {
      const collector = alert.labels.collector;
      if (this.silentRule && alert.rule === this.silentRule.id && collector !== undefined)
        this.silentCollectors.set(collector, alert);
    }
    for (const alert of [...this.open.values()]) {
      if (!this.rulesById.has(alert.rule))
        this.resolve(alert, now, { source: 'rule', atMs: now, text: `规则 ${alert.rule} 已从配置中删除` });
    }
    this.outageDirty = true;
    this.commit();
    if (this.open.size > 0)
      this.log.info({ open: this.open.size, seq: this.seq }, 'alert engine restored open alerts');
  }

  private snapshot(): ConditionsSnapshot {
    return {
      unreachable: [...this.unreachable],
      linkedDown: [...this.linkedDown],
      doubtUntil: [...this.doubtUntil],
      doubtSince: [...this.doubtSince],
      transitions: [...this.transitions],
      flapping: [...this.flapping],
      thresholdPending: [...this.thresholdPending],
    };
  }

  /**
   * Persist the batch (alerts and change events) and hand it on. The engine's conditions are saved
   * with every batch that changes alerts, and otherwise at most once a second (and on stop): a crash
   * can lose at most a second of not-yet-alerting evidence, which the collector re-reports.
   */
  commit(force = false): void {
    const nowMs = this.clock();
    if (this.conditionsDirty && (force || this.batch.length > 0 || nowMs - this.conditionsSavedMs >= 1000)) {
      this.store.setMeta('conditions', JSON.stringify(this.snapshot()));
      this.conditionsDirty = false;
      this.conditionsSavedMs = nowMs;
    }
    if (this.batch.length === 0) return;
    const batch = this.batch;
    this.batch = [];
    this.store.record(batch);
    this.options.onCommitted(batch);
  }

  // ---------------------------------------------------------------- alert mutations

  private emit(change: AlertChange, alert: Alert, actor: string, atMs: number): void {
    this.seq += 1;
    const event: AlertChangeEvent = { seq: this.seq, change, alert: { ...alert }, actor };
    this.batch.push({ event, atMs });
    this.ring.push(event);
    if (this.ring.length > this.options.ringSize * 2)
      this.ring.splice(0, this.ring.length - this.options.ringSize);
  }

  private silencedBy(labels: Record<string, string>, nowMs: number): string[] {
    if (this.silences.length === 0) return [];
    return this.silences
      .filter(
        (s) => silenceActive(s, nowMs, this.rules.settings.utcOffsetMin) && matchesLabels(s.matchers, labels),
      )
      .map((s) => s.id);
  }

  private openAlert(
    draft: Pick<
      Alert,
      | 'fingerprint'
      | 'rule'
      | 'severity'
      | 'summary'
      | 'params'
      | 'labels'
      | 'node'
      | 'impacted'
      | 'suppressedBy'
    > & {
      evidence: AlertEvidence[];
    },
    atMs: number,
  ): Alert {
    const labels = { ...draft.labels, rule: draft.rule, severity: draft.severity };
    const early = this.earlyEvidence.get(draft.fingerprint) ?? [];
    this.earlyEvidence.delete(draft.fingerprint);
    const alert: Alert = {
      id: this.newId(atMs),
      fingerprint: draft.fingerprint,
      rule: draft.rule,
      severity: draft.severity,
      status: 'firing',
      summary: draft.summary,
      params: draft.params,
      labels,
      node: draft.node,
      nodePath: draft.node === null ? [] : this.pathOf(draft.node),
      startsAtMs: atMs,
      updatedAtMs: atMs,
      resolvedAtMs: null,
      ack: null,
      impacted: draft.impacted,
      suppressedBy: draft.suppressedBy,
      silencedBy: this.silencedBy(labels, this.clock()),
      escalatedAtMs: null,
      repeats: early.length,
      evidence: [...draft.evidence, ...early].sort((a, b) => a.atMs - b.atMs).slice(-MAX_EVIDENCE),
    };
    this.open.set(alert.id, alert);
    this.byFingerprint.set(alert.fingerprint, alert);
    this.lastTrigger.set(alert.fingerprint, atMs);
    if (this.isOutage(alert)) this.outagesChanged = true;
    this.emit('opened', alert, 'engine', atMs);
    return alert;
  }

  /** Time-ordered, unique across restarts: <ms base36>-<counter>-<per-process random>. */
  private newId(atMs: number): string {
    this.idCounter = (this.idCounter + 1) % 1_679_616;
    return `${Math.max(0, atMs).toString(36).padStart(9, '0')}-${this.idCounter.toString(36).padStart(4, '0')}-${this.idSuffix}`;
  }

  /** Apply a change to an open alert and emit one `updated` event (no event when nothing changed). */
  private update(alert: Alert, patch: Partial<Alert>, atMs: number, actor = 'engine'): void {
    let changed = false;
    for (const [key, value] of Object.entries(patch) as Array<[keyof Alert, Alert[keyof Alert]]>) {
      if (JSON.stringify(alert[key]) !== JSON.stringify(value)) changed = true;
    }
    if (!changed) return;
    const wasMuted = alert.suppressedBy !== null || alert.silencedBy.length > 0;
    if (patch.suppressedBy !== undefined && this.isOutage(alert)) this.outagesChanged = true;
    Object.assign(alert, patch, { updatedAtMs: atMs });
    if (wasMuted && alert.suppressedBy === null && alert.silencedBy.length === 0)
      this.unmutedAt.set(alert.id, atMs);
    if (patch.severity !== undefined || patch.rule !== undefined)
      alert.labels = { ...alert.labels, rule: alert.rule, severity: alert.severity };
    this.emit('updated', alert, actor, atMs);
  }

  /** The same problem triggered again while open: count it and keep the evidence (trap + poll merge here). */
  private repeat(alert: Alert, evidence: AlertEvidence, atMs: number, extra: Partial<Alert> = {}): void {
    this.lastTrigger.set(alert.fingerprint, atMs);
    this.update(
      alert,
      { ...extra, repeats: alert.repeats + 1, evidence: [...alert.evidence, evidence].slice(-MAX_EVIDENCE) },
      atMs,
    );
  }

  private resolve(alert: Alert, atMs: number, evidence: AlertEvidence | null, actor = 'engine'): void {
    alert.status = 'resolved';
    alert.resolvedAtMs = atMs;
    alert.updatedAtMs = atMs;
    if (evidence) alert.evidence = [...alert.evidence, evidence].slice(-MAX_EVIDENCE);
    this.open.delete(alert.id);
    this.unmutedAt.delete(alert.id);
    if (this.isOutage(alert)) this.outagesChanged = true;
    if (this.byFingerprint.get(alert.fingerprint) === alert) this.byFingerprint.delete(alert.fingerprint);
    this.lastTrigger.delete(alert.fingerprint);
    this.emit('resolved', alert, actor, atMs);
  }

  /** Labels and path of a node never change (the topology is fixed for the engine's life): computed once. */
  private labelsOf(node: NodeId): Record<string, string> {
    let labels = this.nodeLabelCache.get(node);
    if (!labels) {
      labels = nodeLabels(this.topology, node);
      this.nodeLabelCache.set(node, labels);
    }
    return labels;
  }

  private pathOf(node: NodeId): string[] {
    let path = this.pathCache.get(node);
    if (!path) {
      path = this.topology.pathNames(node);
      this.pathCache.set(node, path);
    }
    return path;
  }

  /** How often the collector polls the node: its own override when it runs with one, else the inventory's. */
  private pollIntervalS(node: NodeId): number {
    return this.options.pollIntervalS ?? this.topology.node(node).pollIntervalS;
  }

  private isOutage(alert: Alert): boolean {
    return alert.rule === this.uplinkRule.id || alert.rule === this.unreachableRule.id;
  }

  private kindOf(alert: Alert): Rule['kind'] | null {
    return this.rulesById.get(alert.rule)?.kind ?? null;
  }

  // ---------------------------------------------------------------- inputs

  handle(event: BusEvent): void {
    switch (event.type) {
      case 'samples':
        this.onSamples(event);
        break;
      case 'node.state':
        this.onNodeState(event);
        break;
      case 'interface.state':
        if (this.known(event.node))
          this.onInterfaceState(event.node, event.ifName, event.state, event.source, event.timeMs);
        break;
      case 'node.reboot':
        if (this.known(event.node)) this.onReboot(event.node, event.source, event.uptimeS, event.timeMs);
        break;
      case 'trap':
        this.onTrap(event);
        break;
      case 'collector.health':
        this.onCollectorHealth(event);
        break;
      case 'certificate.expiry':
        this.onCertificate(event);
        break;
      case 'topology.drift':
        if (this.known(event.node)) this.onDrift(event);
        break;
      case 'alert':
        break;
    }
    this.commit();
    if (!this.outageDirty) return;
    // Interface news (a port went down or came back) is correlated at once while little is down;
    // unreachable nodes, and anything during a large outage, are batched into one pass.
    const small = this.unreachable.size + this.linkedDown.size <= SYNC_SETTLE_LIMIT;
    if (small && (event.type === 'interface.state' || event.type === 'trap')) this.settle();
    else this.options.requestTick();
  }

  private known(node: NodeId): boolean {
    if (this.topology.has(node)) return true;
    this.log.warn({ node }, 'alert engine: event for a node the inventory does not know, ignored');
    return false;
  }

  private onSamples(event: SamplesEvent): void {
    const fromDevice = !event.points.some((p) => p.measurement === 'node' && p.fields.reachable === 0);
    if (this.topology.has(event.node)) {
      if (fromDevice) {
        this.lastSeen.set(event.node, event.timeMs);
        this.resolveStale(event.node, event.timeMs);
      }
      this.trackPollOutcome(event.node, fromDevice && event.points.length > 0, event.timeMs);
    }
    const doubtSince = this.doubtSince.get(event.node);
    if (!fromDevice && doubtSince !== undefined) {
      // A failed poll that started after the cause cleared: the node is still broken, no need to wait.
      const failed = event.points.find((p) => p.measurement === 'node' && p.fields.reachable === 0);
      const startedMs = (failed?.timeMs ?? event.timeMs) - (failed?.fields.pollMs ?? 0);
      if (startedMs > doubtSince) {
        this.endDoubt(event.node);
        this.outageDirty = true;
      }
    }
    for (const point of event.points) {
      this.interfaceFromSample(point, event.node);
      this.evaluateThresholds(point, event.node);
    }
  }

  /**
   * The collector reports ifOperStatus changes between two polls; a port already down at its first
   * poll, or a change announced while this engine was not listening, shows only in the samples.
   */
  private interfaceFromSample(point: MetricPoint, eventNode: NodeId): void {
    if (point.measurement !== 'interface') return;
    const operUp = point.fields.operUp;
    const ifName = point.tags.ifName;
    const node = point.tags.node ?? eventNode;
    if (operUp === undefined || ifName === undefined || !this.topology.has(node)) return;
    const state = operUp >= 1 ? 'up' : 'down';
    if (this.ifState.get(ifKey(node, ifName)) === state) return;
    this.onInterfaceState(node, ifName, state, 'poll', point.timeMs);
  }

  /**
   * The collector says "unreachable" and "reachable" once, on change; an engine that was restarted (or
   * not subscribed) in between would never hear it. Poll outcomes in the samples heal that: data from
   * the device means reachable, FAILED_POLLS failed polls in a row mean unreachable.
   */
  private trackPollOutcome(node: NodeId, answered: boolean, atMs: number): void {
    if (answered) {
      this.failedPolls.delete(node);
      if (this.unreachable.has(node)) this.markReachable(node, atMs);
      return;
    }
    const failed = (this.failedPolls.get(node) ?? 0) + 1;
    this.failedPolls.set(node, failed);
    if (failed < FAILED_POLLS || this.unreachable.has(node)) return;
    this.unreachable.set(node, { sinceMs: atMs, reason: `连续 ${failed} 次轮询无响应` });
    this.conditionsDirty = true;
    this.outageDirty = true;
  }

  private markReachable(node: NodeId, atMs: number): void {
    this.unreachable.delete(node);
    this.endDoubt(node);
    this.startDoubt(impactedBy(this.topology, node));
    this.lastSeen.set(node, Math.max(this.lastSeen.get(node) ?? atMs, atMs));
    this.conditionsDirty = true;
    this.outageDirty = true;
  }

  private onNodeState(event: NodeStateEvent): void {
    if (!this.known(event.node)) return;
    const node = event.node;
    if (event.state === 'unreachable') {
      if (!this.unreachable.has(node))
        this.unreachable.set(node, { sinceMs: event.timeMs, reason: event.reason });
      this.endDoubt(node);
      const outage = this.byFingerprint.get(this.outageFingerprint(node));
      if (outage)
        this.repeat(
          outage,
          { source: 'poll', atMs: event.timeMs, text: `轮询无响应：${event.reason}` },
          event.timeMs,
        );
    } else {
      this.failedPolls.delete(node);
      if (!this.unreachable.has(node)) return;
      this.markReachable(node, event.timeMs);
    }
    this.conditionsDirty = true;
    this.outageDirty = true;
  }

  private onTrap(event: TrapEvent): void {
    if (!this.known(event.node)) return;
    switch (event.trap) {
      case 'linkDown':
      case 'linkUp': {
        const ifName = this.topology
          .node(event.node)
          .interfaces.find((i) => i.ifIndex === event.ifIndex)?.name;
        if (ifName === undefined) {
          this.log.warn(
            { node: event.node, ifIndex: event.ifIndex },
            'alert engine: link trap for an unknown ifIndex, ignored',
          );
          return;
        }
        this.onInterfaceState(
          event.node,
          ifName,
          event.trap === 'linkDown' ? 'down' : 'up',
          'trap',
          event.timeMs,
        );
        return;
      }
      case 'coldStart':
      case 'warmStart':
        this.onReboot(event.node, 'trap', 0, event.timeMs, event.trap);
        return;
      case 'authenticationFailure':
        this.onAuthFailure(event.node, event.timeMs);
        return;
      case 'other':
        return;
    }
  }

  // ---------------------------------------------------------------- interfaces, links, flapping

  private isFlapping(key: string): boolean {
    return this.flapping.has(key);
  }

  /** Ends of the node's uplink that are down (and not damped as flapping). */
  private uplinkDownEnds(node: NodeId): Array<{ node: NodeId; ifName: string; down: LinkEndDown }> {
    const link = this.topology.uplinkOf(node);
    if (!link) return [];
    const out: Array<{ node: NodeId; ifName: string; down: LinkEndDown }> = [];
    for (const end of [link.a, link.b]) {
      const key = ifKey(end.node, end.interface);
      const down = this.linkedDown.get(key);
      if (down && !this.isFlapping(key)) out.push({ node: end.node, ifName: end.interface, down });
    }
    return out;
  }

  private uplinkDown(node: NodeId): boolean {
    return this.uplinkDownEnds(node).length > 0;
  }

  private onInterfaceState(
    node: NodeId,
    ifName: string,
    state: 'up' | 'down',
    source: 'poll' | 'trap',
    atMs: number,
  ): void {
    const key = ifKey(node, ifName);
    const link = this.topology.linkAt(node, ifName);
    const child = link ? uplinkChild(this.topology, link) : null;
    const previous = this.ifState.get(key);
    const text = `${this.topology.node(node).name} 接口 ${ifName} ${state === 'down' ? '中断' : '恢复'}（${source === 'trap' ? 'Trap' : '轮询'}）`;
    if (previous === state || (previous === undefined && state === 'up')) {
      // No change (or the first sight of an up port): at most more evidence for what is already known.
      this.ifState.set(key, state);
      if (state === 'down') this.mergeInterfaceEvidence(key, child, link?.id ?? null, { source, atMs, text });
      return;
    }
    const wasUplinkDown = child !== null && this.uplinkDown(child);
    this.ifState.set(key, state);
    if (link) {
      if (state === 'down') this.linkedDown.set(key, { sinceMs: atMs, source });
      else this.linkedDown.delete(key);
    }
    this.conditionsDirty = true;
    this.countTransition(node, ifName, key, atMs);
    if (child !== null) {
      if (wasUplinkDown && !this.uplinkDown(child))
        this.startDoubt([child, ...impactedBy(this.topology, child)]);
      this.outageDirty = true;
      const outage = this.byFingerprint.get(this.outageFingerprint(child));
      if (state === 'down' && outage) this.repeat(outage, { source, atMs, text }, atMs);
    } else if (link) {
      this.evaluateLinkDown(link.id, atMs, { source, atMs, text });
    }
  }

  private mergeInterfaceEvidence(
    key: string,
    child: NodeId | null,
    linkId: string | null,
    evidence: AlertEvidence,
  ): void {
    const targets = [
      child !== null ? this.byFingerprint.get(this.outageFingerprint(child)) : undefined,
      linkId !== null ? this.byFingerprint.get(fingerprintOf('link-down', linkId)) : undefined,
    ];
    const flap = this.flappingRule
      ? this.byFingerprint.get(fingerprintOf(this.flappingRule.id, key))
      : undefined;
    for (const alert of targets) if (alert) this.repeat(alert, evidence, evidence.atMs);
    if (child !== null && !targets[0]) {
      const fingerprint = this.outageFingerprint(child);
      this.earlyEvidence.set(
        fingerprint,
        [...(this.earlyEvidence.get(fingerprint) ?? []), evidence].slice(-MAX_EVIDENCE),
      );
    }
    if (flap && !targets.some(Boolean)) this.repeat(flap, evidence, evidence.atMs);
  }

  private countTransition(node: NodeId, ifName: string, key: string, atMs: number): void {
    const rule = this.flappingRule;
    if (!rule) return;
    const recent = [...(this.transitions.get(key) ?? []), atMs].filter((t) => t > atMs - rule.within);
    this.transitions.set(key, recent);
    const fingerprint = fingerprintOf(rule.id, key);
    const open = this.byFingerprint.get(fingerprint);
    const params = {
      node,
      nodeName: this.topology.node(node).name,
      ifName,
      transitions: recent.length,
      withinMin: round(rule.within / 60_000),
    };
    if (open) {
      this.repeat(open, { source: 'rule', atMs, text: `第 ${recent.length} 次状态变化` }, atMs, {
        params,
        summary: SUMMARIES['interface-flapping'](params),
      });
      return;
    }
    if (recent.length < rule.transitions) return;
    this.flapping.add(key);
    const link = this.topology.linkAt(node, ifName);
    const labels: Record<string, string> = { ...this.labelsOf(node), ifName };
    if (link) labels.link = link.id;
    this.openAlert(
      {
        fingerprint,
        rule: rule.id,
        severity: rule.severity,
        summary: SUMMARIES['interface-flapping'](params),
        params,
        labels,
        node,
        impacted: [],
        suppressedBy: this.suppressorFor([node]),
        evidence: [
          {
            source: 'rule',
            atMs,
            text: `${round(rule.within / 60_000)} 分钟内 ${recent.length} 次状态变化，已抑制该接口的链路告警`,
          },
        ],
      },
      atMs,
    );
    // Damping: the flapping alert stands for this interface now; its link alert closes.
    if (link) {
      const child = uplinkChild(this.topology, link);
      if (child !== null) this.outageDirty = true;
      else this.evaluateLinkDown(link.id, atMs, null);
    }
  }

  /** A link that is nobody's uplink: one link-down alert while any end is down. */
  private evaluateLinkDown(linkId: string, atMs: number, evidence: AlertEvidence | null): void {
    const rule = this.linkDownRule;
    const link = this.topology.links.find((l) => l.id === linkId);
    if (!rule || !link) return;
    const downEnd = [link.a, link.b].find((end) => {
      const key = ifKey(end.node, end.interface);
      return this.linkedDown.has(key) && !this.isFlapping(key);
    });
    const fingerprint = fingerprintOf('link-down', link.id);
    const open = this.byFingerprint.get(fingerprint);
    if (!downEnd) {
      if (open) this.resolve(open, atMs, evidence);
      return;
    }
    if (open) {
      if (evidence) this.repeat(open, evidence, atMs);
      return;
    }
    const peer = otherEnd(link, downEnd.node);
    const params = {
      node: downEnd.node,
      nodeName: this.topology.node(downEnd.node).name,
      ifName: downEnd.interface,
      peer,
      peerName: this.topology.node(peer).name,
    };
    this.openAlert(
      {
        fingerprint,
        rule: rule.id,
        severity: rule.severity,
        summary: SUMMARIES['link-down'](params),
        params,
        labels: {
          ...this.labelsOf(downEnd.node),
          ifName: downEnd.interface,
          link: link.id,
          peer,
        },
        node: downEnd.node,
        impacted: [],
        suppressedBy: this.suppressorFor([downEnd.node, peer]),
        evidence: evidence ? [evidence] : [],
      },
      atMs,
    );
  }

  // ---------------------------------------------------------------- outage correlation

  private outageFingerprint(node: NodeId): string {
    let fingerprint = this.outageFingerprints.get(node);
    if (fingerprint === undefined) {
      fingerprint = fingerprintOf('outage', node);
      this.outageFingerprints.set(node, fingerprint);
    }
    return fingerprint;
  }

  private inDoubt(node: NodeId, nowMs: number): boolean {
    const until = this.doubtUntil.get(node);
    return until !== undefined && until > nowMs;
  }

  /**
   * The cause above these nodes cleared: their "unreachable" may only be the last poll before the
   * path came back. Give them until the collector has polled them again before they count as cut.
   */
  private startDoubt(nodes: readonly NodeId[]): void {
    const now = this.clock();
    for (const node of nodes) {
      if (!this.unreachable.has(node)) continue;
      // The doubt ends with the collector's next word on the node: reachable again (resolved), or a
      // poll started after now that failed (still broken). A collector that says nothing gets a deadline.
      const graceMs = DOUBT_POLLS * this.pollIntervalS(node) * 1000 + this.rules.settings.correlationWindow;
      this.doubtUntil.set(node, now + graceMs);
      this.doubtSince.set(node, now);
      this.conditionsDirty = true;
    }
  }

  private endDoubt(node: NodeId): void {
    this.doubtUntil.delete(node);
    this.doubtSince.delete(node);
    this.conditionsDirty = true;
  }

  private isCut(node: NodeId, nowMs: number): boolean {
    return (this.unreachable.has(node) && !this.inDoubt(node, nowMs)) || this.uplinkDown(node);
  }

  private outageRuleFor(node: NodeId): RuleOf<'uplink-down'> | RuleOf<'node-unreachable'> {
    return this.uplinkDown(node) ? this.uplinkRule : this.unreachableRule;
  }

  private outageDraft(node: NodeId, root: boolean) {
    const info = this.topology.node(node);
    const downEnds = this.uplinkDownEnds(node);
    const cause = downEnds.length > 0 ? 'uplink' : 'unreachable';
    const rule = cause === 'uplink' ? this.uplinkRule : this.unreachableRule;
    const impacted = root ? impactedBy(this.topology, node) : [];
    const params: Params = { node, nodeName: info.name, impacted: impacted.length };
    const summary =
      cause === 'uplink'
        ? SUMMARIES['uplink-down']({ nodeName: info.name, impacted: impacted.length })
        : SUMMARIES['node-unreachable']({ nodeName: info.name, impacted: impacted.length });
    const labels: Record<string, string> = { ...this.labelsOf(node) };
    const uplink = this.topology.uplinkOf(node);
    if (uplink) {
      labels.link = uplink.id;
      const end = uplink.a.node === node ? uplink.a : uplink.b;
      labels.ifName = end.interface;
    }
    const evidence: AlertEvidence[] = downEnds.map((end) => ({
      source: end.down.source,
      atMs: end.down.sinceMs,
      text: `${this.topology.node(end.node).name} 接口 ${end.ifName} 中断（${end.down.source === 'trap' ? 'Trap' : '轮询'}）`,
    }));
    const unreachable = this.unreachable.get(node);
    if (unreachable)
      evidence.push({ source: 'poll', atMs: unreachable.sinceMs, text: `轮询无响应：${unreachable.reason}` });
    return { rule, params, summary, labels, impacted, evidence };
  }

  /** Opens `node`'s outage alert: a root cause (`suppressedBy` null) or one folded under its root cause's alert. */
  private openOutage(fingerprint: string, node: NodeId, suppressedBy: string | null, nowMs: number): void {
    const draft = this.outageDraft(node, suppressedBy === null);
    this.openAlert(
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

  private reconcileOutages(nowMs: number): void {
    this.outageDirty = false;
    const window = this.rules.settings.correlationWindow;
    let nextDue: number | null = null;
    const due = (atMs: number) => {
      nextDue = nextDue === null ? atMs : Math.min(nextDue, atMs);
    };

    const cut = new Set<NodeId>();
    for (const node of this.unreachable.keys()) if (this.isCut(node, nowMs)) cut.add(node);
    for (const key of this.linkedDown.keys()) {
      const [node, ifName] = splitKey(key);
      const link = this.topology.linkAt(node, ifName);
      const child = link ? uplinkChild(this.topology, link) : null;
      if (child !== null && this.uplinkDown(child)) cut.add(child);
    }
    if (this.earlyEvidence.size > 0) {
      const settling = new Set([...cut].map((node) => this.outageFingerprint(node)));
      for (const fingerprint of this.earlyEvidence.keys())
        if (!settling.has(fingerprint)) this.earlyEvidence.delete(fingerprint);
    }
    for (const [node, until] of this.doubtUntil) {
      if (!this.unreachable.has(node) || until <= nowMs) this.endDoubt(node);
      else due(until);
    }

    const rootOf = new Map<NodeId, NodeId>();
    for (const node of cut) rootOf.set(node, rootCauseOf(this.topology, node, (id) => cut.has(id)) ?? node);

    // 1. Root causes: cut nodes whose ancestors are all fine.
    for (const node of cut) {
      if (rootOf.get(node) !== node) continue;
      const fingerprint = this.outageFingerprint(node);
      const existing = this.byFingerprint.get(fingerprint);
      if (existing) {
        // Nothing to refresh while it stays the same kind of root cause (the common case in a storm).
        if (existing.suppressedBy === null && existing.rule === this.outageRuleFor(node).id) continue;
        const draft = this.outageDraft(node, true);
        this.update(
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
      const since = this.cutSince(node, nowMs);
      if (!this.rootReady(node, since, nowMs)) {
        due(since + window);
        continue;
      }
      this.openOutage(fingerprint, node, null, nowMs);
    }

    // Root causes go out first: in a storm the operator sees the one alert that matters at once.
    this.commit();

    // 2. Everything cut off behind a root cause: suppressed under it (folded, if it fired first).
    for (const node of cut) {
      const root = rootOf.get(node);
      if (root === undefined || root === node) continue;
      const rootAlert = this.byFingerprint.get(this.outageFingerprint(root));
      if (!rootAlert) continue; // the root cause is still settling; it is due and so are we
      const fingerprint = this.outageFingerprint(node);
      const existing = this.byFingerprint.get(fingerprint);
      if (existing && existing.suppressedBy === rootAlert.id && existing.rule === this.outageRuleFor(node).id)
        continue;
      if (existing) {
        const draft = this.outageDraft(node, false);
        this.update(
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

    // 3. Outages that ended. A suppressed one whose node is in doubt waits for the next poll.
    for (const alert of [...this.open.values()]) {
      const kind = this.kindOf(alert);
      if (kind === null || !OUTAGE_KINDS.has(kind) || alert.node === null) continue;
      if (cut.has(alert.node)) continue;
      if (alert.suppressedBy !== null && this.unreachable.has(alert.node) && this.inDoubt(alert.node, nowMs))
        continue;
      this.resolve(alert, nowMs, { source: 'rule', atMs: nowMs, text: '故障已恢复' });
      for (const node of [alert.node, ...alert.impacted]) this.restartFreshness(node, nowMs);
    }

    // 4. Other alerts on nodes behind a root cause follow it.
    const recheck = this.outagesChanged;
    this.outagesChanged = false;
    for (const alert of recheck ? [...this.open.values()] : []) {
      const kind = this.kindOf(alert);
      if (kind === null || OUTAGE_KINDS.has(kind)) continue;
      const suppressor =
        kind === 'freshness' && alert.node !== null
          ? this.staleSuppressor(alert.node)
          : this.suppressorFor(this.involvedNodes(alert));
      if (suppressor === alert.suppressedBy) continue;
      if (suppressor === null && RE_EVALUATED_KINDS.has(kind)) {
        this.resolve(alert, nowMs, {
          source: 'rule',
          atMs: nowMs,
          text: '根因告警已恢复，将按新数据重新评估',
        });
        this.thresholdPending.delete(alert.fingerprint);
        if (alert.node !== null && kind === 'freshness') this.restartFreshness(alert.node, nowMs);
        continue;
      }
      this.update(alert, { suppressedBy: suppressor }, nowMs);
    }
    this.reconcileDueMs = nextDue;
  }

  /**
   * An outage ended: the node's data is old because of it, not because the node is stale. Its
   * freshness clock restarts one poll interval from now (the first poll after the repair may still
   * have been in flight), so it is stale only if no data arrives in (factor + 1) intervals.
   */
  private restartFreshness(node: NodeId, nowMs: number): void {
    const seen = this.lastSeen.get(node);
    if (seen === undefined) return;
    this.lastSeen.set(node, Math.max(seen, nowMs + this.pollIntervalS(node) * 1000));
  }

  /** Since when the node has been cut off (its earliest current evidence). */
  private cutSince(node: NodeId, nowMs: number): number {
    let since = nowMs;
    const unreachable = this.unreachable.get(node);
    if (unreachable && !this.inDoubt(node, nowMs)) since = Math.min(since, unreachable.sinceMs);
    for (const end of this.uplinkDownEnds(node)) since = Math.min(since, end.down.sinceMs);
    return since;
  }

  /** May a root-cause candidate open now, or should it wait for an ancestor to show up as the real cause? */
  private rootReady(node: NodeId, sinceMs: number, nowMs: number): boolean {
    if (nowMs - sinceMs >= this.rules.settings.correlationWindow) return true;
    const parent = this.topology.node(node).parent;
    if (parent === null) return true;
    // The parent reported the link down itself, or answered a poll since: the parent's path is fine.
    if (this.uplinkDownEnds(node).some((end) => end.node === parent)) return true;
    return (this.lastSeen.get(parent) ?? -Infinity) >= sinceMs;
  }

  private involvedNodes(alert: Alert): NodeId[] {
    const nodes: NodeId[] = [];
    if (alert.node !== null) nodes.push(alert.node);
    const peer = alert.labels.peer;
    if (peer !== undefined && this.topology.has(peer)) nodes.push(peer);
    return nodes;
  }

  /** The root-cause alert that explains trouble on these nodes (they or an ancestor are cut off), if any. */
  private suppressorFor(nodes: readonly NodeId[]): string | null {
    for (const node of nodes) {
      let found: Alert | undefined;
      for (const candidate of [node, ...this.topology.ancestors(node)]) {
        const outage = this.byFingerprint.get(this.outageFingerprint(candidate));
        if (outage) found = outage;
      }
      if (found) return found.suppressedBy ?? found.id;
    }
    return null;
  }

  // ---------------------------------------------------------------- event-like alerts

  private onReboot(
    node: NodeId,
    source: 'poll' | 'trap',
    uptimeS: number,
    atMs: number,
    trap?: string,
  ): void {
    const rule = this.rebootRule;
    if (!rule) return;
    const fingerprint = fingerprintOf(rule.id, node);
    const text =
      source === 'trap' ? `收到 ${trap ?? 'coldStart'} Trap` : `sysUpTime 回退（运行 ${uptimeS} 秒）`;
    const open = this.byFingerprint.get(fingerprint);
    if (open) {
      this.repeat(open, { source, atMs, text }, atMs);
      return;
    }
    const params = { node, nodeName: this.topology.node(node).name, uptimeS };
    this.openAlert(
      {
        fingerprint,
        rule: rule.id,
        severity: rule.severity,
        summary: SUMMARIES.reboot(params),
        params,
        labels: this.labelsOf(node),
        node,
        impacted: [],
        suppressedBy: this.suppressorFor([node]),
        evidence: [{ source, atMs, text }],
      },
      atMs,
    );
  }

  private onAuthFailure(node: NodeId, atMs: number): void {
    const rule = this.authRule;
    if (!rule) return;
    const fingerprint = fingerprintOf(rule.id, node);
    const evidence: AlertEvidence = { source: 'trap', atMs, text: '收到 authenticationFailure Trap' };
    const open = this.byFingerprint.get(fingerprint);
    if (open) {
      this.repeat(open, evidence, atMs);
      return;
    }
    const params = { node, nodeName: this.topology.node(node).name };
    this.openAlert(
      {
        fingerprint,
        rule: rule.id,
        severity: rule.severity,
        summary: SUMMARIES['snmp-auth-failure'](params),
        params,
        labels: this.labelsOf(node),
        node,
        impacted: [],
        suppressedBy: null,
        evidence: [evidence],
      },
      atMs,
    );
  }

  /** LLDP disagrees with the inventory: one alert per node while it does (the inventory needs fixing). */
  private onDrift(event: TopologyDriftEvent): void {
    const rule = this.driftRule;
    if (!rule) return;
    const node = event.node;
    const fingerprint = fingerprintOf(rule.id, node);
    const open = this.byFingerprint.get(fingerprint);
    const unknown = event.unknownNeighbours.length;
    const missing = event.missingLinks.length;
    const text = [
      ...event.unknownNeighbours.map(
        (n) => `未登记邻居：${n.localIfName} → ${n.remoteSysName} ${n.remotePort}`,
      ),
      ...event.missingLinks.map((link) => `登记链路未发现：${link}`),
    ].join('；');
    if (unknown === 0 && missing === 0) {
      if (open)
        this.resolve(open, event.timeMs, { source: 'poll', atMs: event.timeMs, text: 'LLDP 与台账一致' });
      return;
    }
    const params = { node, nodeName: this.topology.node(node).name, unknown, missing };
    const evidence: AlertEvidence = { source: 'poll', atMs: event.timeMs, text };
    if (open) {
      if (open.params.unknown !== unknown || open.params.missing !== missing)
        this.repeat(open, evidence, event.timeMs, { params, summary: SUMMARIES['topology-drift'](params) });
      return;
    }
    this.openAlert(
      {
        fingerprint,
        rule: rule.id,
        severity: rule.severity,
        summary: SUMMARIES['topology-drift'](params),
        params,
        labels: this.labelsOf(node),
        node,
        impacted: [],
        suppressedBy: this.suppressorFor([node]),
        evidence: [evidence],
      },
      event.timeMs,
    );
  }

  private onCertificate(event: CertificateExpiryEvent): void {
    const rule = this.certificateRule;
    if (!rule) return;
    const fingerprint = fingerprintOf(rule.id, event.serial);
    const level = rule.levels.find((l) => event.daysLeft <= l.maxDaysLeft);
    const open = this.byFingerprint.get(fingerprint);
    const daysLeft = Math.floor(event.daysLeft);
    const evidence: AlertEvidence = {
      source: 'rule',
      atMs: event.timeMs,
      text: `证书有效期至 ${new Date(event.notAfterMs).toISOString()}`,
    };
    if (!level) {
      if (open) this.resolve(open, event.timeMs, evidence);
      return;
    }
    const node = event.node !== null && this.topology.has(event.node) ? event.node : null;
    const params = {
      subject: event.subject,
      serial: event.serial,
      daysLeft,
      ...(node ? { node, nodeName: this.topology.node(node).name } : {}),
    };
    if (open) {
      this.repeat(open, evidence, event.timeMs, {
        severity: level.severity,
        params,
        summary: SUMMARIES['certificate-expiry'](params),
      });
      return;
    }
    this.openAlert(
      {
        fingerprint,
        rule: rule.id,
        severity: level.severity,
        summary: SUMMARIES['certificate-expiry'](params),
        params,
        labels: {
          ...(node ? this.labelsOf(node) : {}),
          serial: event.serial,
          subject: event.subject,
        },
        node,
        impacted: [],
        suppressedBy: null,
        evidence: [evidence],
      },
      event.timeMs,
    );
  }

  private expireEventAlerts(nowMs: number): void {
    for (const alert of [...this.open.values()]) {
      const rule = this.rulesById.get(alert.rule);
      if (
        !rule ||
        (rule.kind !== 'reboot' && rule.kind !== 'snmp-auth-failure' && rule.kind !== 'certificate-expiry')
      )
        continue;
      const last = this.lastTrigger.get(alert.fingerprint) ?? alert.updatedAtMs;
      if (nowMs - last >= rule.resolveAfter)
        this.resolve(alert, nowMs, {
          source: 'rule',
          atMs: nowMs,
          text: `${round(rule.resolveAfter / 60_000)} 分钟内未再发生，自动恢复`,
        });
    }
  }

  // ---------------------------------------------------------------- thresholds and freshness

  /** Stale data is explained by an outage above the node, else by a collector that stopped reporting. */
  private staleSuppressor(node: NodeId): string | null {
    const outage = this.suppressorFor([node]);
    if (outage !== null) return outage;
    for (const alert of this.silentCollectors.values()) return alert.id;
    return null;
  }

  /** A collector that stopped reporting its health: one alert, and every stale-data alert under it. */
  private checkCollectors(nowMs: number): void {
    const rule = this.silentRule;
    if (!rule) return;
    for (const [collector, lastMs] of this.lastHealth) {
      const open = this.silentCollectors.get(collector);
      if (nowMs - lastMs <= rule.after || open) continue;
      const params = { collector, silentS: Math.round((nowMs - lastMs) / 1000) };
      const alert = this.openAlert(
        {
          fingerprint: fingerprintOf(rule.id, collector),
          rule: rule.id,
          severity: rule.severity,
          summary: SUMMARIES['collector-silent'](params),
          params,
          labels: { collector },
          node: null,
          impacted: [],
          suppressedBy: null,
          evidence: [
            { source: 'rule', atMs: nowMs, text: `最后一次状态上报 ${new Date(lastMs).toISOString()}` },
          ],
        },
        nowMs,
      );
      this.silentCollectors.set(collector, alert);
      this.outagesChanged = true;
      this.outageDirty = true;
    }
  }

  private onCollectorHealth(event: CollectorHealthEvent): void {
    this.lastHealth.set(event.collector, event.timeMs);
    const silent = this.silentCollectors.get(event.collector);
    if (silent) {
      this.silentCollectors.delete(event.collector);
      this.resolve(silent, event.timeMs, { source: 'poll', atMs: event.timeMs, text: '采集器恢复状态上报' });
      this.outagesChanged = true;
      this.outageDirty = true;
    }
    const point: MetricPoint = {
      measurement: 'collector',
      tags: { collector: event.collector },
      fields: {
        pollsPs: event.pollsPs,
        timeoutsPs: event.timeoutsPs,
        queueLagMs: event.queueLagMs,
        spoolPoints: event.spoolPoints,
        droppedPoints: event.droppedPoints,
        storeUp: event.storeUp ? 1 : 0,
      },
      timeMs: event.timeMs,
    };
    this.evaluateThresholds(point, null);
  }

  private evaluateThresholds(point: MetricPoint, eventNode: NodeId | null): void {
    const rules = this.thresholdsByMeasurement.get(point.measurement);
    if (!rules) return;
    const tagNode = point.tags.node;
    const node =
      tagNode !== undefined && this.topology.has(tagNode)
        ? tagNode
        : eventNode !== null && this.topology.has(eventNode)
          ? eventNode
          : null;
    const labels: Record<string, string> = {
      ...point.tags,
      ...(node ? this.labelsOf(node) : {}),
    };
    if (node && labels.ifName !== undefined && labels.link === undefined) {
      const link = this.topology.linkAt(node, labels.ifName);
      if (link) labels.link = link.id;
    }
    for (const rule of rules) {
      const value = point.fields[rule.field];
      if (value === undefined || !Number.isFinite(value)) continue;
      if (!matchesLabels(rule.match, labels)) continue;
      this.evaluateThreshold(rule, point, node, labels, value);
    }
  }

  private evaluateThreshold(
    rule: ThresholdRule,
    point: MetricPoint,
    node: NodeId | null,
    labels: Record<string, string>,
    value: number,
  ): void {
    const seriesTags = Object.entries(point.tags).sort(([a], [b]) => a.localeCompare(b));
    const fingerprint = fingerprintOf(rule.id, JSON.stringify(seriesTags));
    let limit = rule.value;
    let clear = rule.clear ?? rule.value;
    let meeting: string | null = null;
    if (rule.duringMeeting && labels.link !== undefined) {
      const videoLink = this.topology.videoLinks.find((v) => v.id === labels.link);
      const active = videoLink
        ? activeMeeting(videoLink, point.timeMs, this.rules.settings.utcOffsetMin)
        : null;
      if (active) {
        meeting = active.title;
        limit = rule.duringMeeting.value;
        clear = rule.duringMeeting.clear ?? rule.duringMeeting.value;
      }
    }
    const breached = compare(value, rule.op, limit);
    const healthy = isHealthy(value, rule.op, clear);
    const open = this.byFingerprint.get(fingerprint);
    const atMs = point.timeMs;
    if (open) {
      if (healthy) {
        this.thresholdPending.delete(fingerprint);
        this.resolve(open, atMs, {
          source: 'poll',
          atMs,
          text: `${rule.field} = ${round(value)}，已回到 ${clear} 以内`,
        });
      }
      return;
    }
    if (!breached) {
      if (this.thresholdPending.delete(fingerprint)) this.conditionsDirty = true;
      return;
    }
    const since = this.thresholdPending.get(fingerprint) ?? atMs;
    if (atMs - since < rule.for) {
      if (!this.thresholdPending.has(fingerprint)) {
        this.thresholdPending.set(fingerprint, since);
        this.conditionsDirty = true;
      }
      return;
    }
    this.thresholdPending.delete(fingerprint);
    const params: Params = { ...point.tags, value: round(value), threshold: limit, field: rule.field };
    if (node) Object.assign(params, { node, nodeName: this.topology.node(node).name });
    if (labels.link !== undefined)
      params.link = this.topology.videoLinks.find((v) => v.id === labels.link)?.name ?? labels.link;
    if (meeting) params.meeting = meeting;
    const involved = [node, labels.peer].filter(
      (n): n is NodeId => n !== undefined && n !== null && this.topology.has(n),
    );
    this.openAlert(
      {
        fingerprint,
        rule: rule.id,
        severity: rule.severity,
        summary: fillTemplate(rule.summary, params) + (meeting ? `（会议进行中：${meeting}）` : ''),
        params,
        labels,
        node,
        impacted: [],
        suppressedBy: this.suppressorFor(involved),
        evidence: [
          {
            source: 'poll',
            atMs,
            text: `${point.measurement}.${rule.field} = ${round(value)} ${rule.op} ${limit}${rule.for > 0 ? `，持续 ${round(rule.for / 1000)} 秒` : ''}`,
          },
        ],
      },
      atMs,
    );
  }

  private resolveStale(node: NodeId, atMs: number): void {
    const rule = this.freshnessRule;
    if (!rule) return;
    const open = this.byFingerprint.get(fingerprintOf(rule.id, node));
    if (open) this.resolve(open, atMs, { source: 'poll', atMs, text: '已收到新数据' });
  }

  private checkFreshness(nowMs: number): void {
    const rule = this.freshnessRule;
    if (!rule || nowMs < this.nextFreshnessMs) return;
    this.nextFreshnessMs = nowMs + rule.checkEvery;
    for (const [node, seenMs] of this.lastSeen) {
      const intervalS = this.pollIntervalS(node);
      const ageMs = nowMs - seenMs;
      if (ageMs <= rule.factor * intervalS * 1000) continue;
      const fingerprint = fingerprintOf(rule.id, node);
      if (this.byFingerprint.has(fingerprint)) continue;
      const params = {
        node,
        nodeName: this.topology.node(node).name,
        ageS: Math.round(ageMs / 1000),
        intervalS,
      };
      this.openAlert(
        {
          fingerprint,
          rule: rule.id,
          severity: rule.severity,
          summary: SUMMARIES.freshness(params),
          params,
          labels: this.labelsOf(node),
          node,
          impacted: [],
          suppressedBy: this.staleSuppressor(node),
          evidence: [
            {
              source: 'rule',
              atMs: nowMs,
              text: `最新数据时间 ${new Date(seenMs).toISOString()}，超过 ${rule.factor} 个采集周期`,
            },
          ],
        },
        nowMs,
      );
    }
  }

  // ---------------------------------------------------------------- timers: flapping end, silences, escalation

  private endFlapping(nowMs: number): void {
    const rule = this.flappingRule;
    if (!rule) return;
    if (nowMs >= this.nextTransitionPruneMs) {
      // Forget transitions older than the window on ports that are not flapping (bounded memory).
      this.nextTransitionPruneMs = nowMs + 10_000;
      for (const [key, times] of this.transitions)
        if (!this.flapping.has(key) && (times.at(-1) ?? 0) <= nowMs - rule.within)
          this.transitions.delete(key);
    }
    for (const key of [...this.flapping]) {
      const last = this.transitions.get(key)?.at(-1) ?? 0;
      if (nowMs - last < rule.within) continue;
      this.flapping.delete(key);
      this.transitions.delete(key);
      this.conditionsDirty = true;
      const open = this.byFingerprint.get(fingerprintOf(rule.id, key));
      if (open)
        this.resolve(open, nowMs, {
          source: 'rule',
          atMs: nowMs,
          text: `${round(rule.within / 60_000)} 分钟内无状态变化，振荡结束`,
        });
      const [node, ifName] = splitKey(key);
      const link = this.topology.linkAt(node, ifName);
      if (!link) continue;
      if (uplinkChild(this.topology, link) !== null) this.outageDirty = true;
      else this.evaluateLinkDown(link.id, nowMs, null);
    }
  }

  private refreshSilences(nowMs: number, actor = 'engine'): void {
    for (const alert of this.open.values()) {
      const silencedBy = this.silencedBy(alert.labels, nowMs);
      if (silencedBy.join(',') !== alert.silencedBy.join(','))
        this.update(alert, { silencedBy }, nowMs, actor);
    }
  }

  private escalate(nowMs: number): void {
    const afterMs = this.rules.settings.escalation.after;
    for (const alert of this.open.values()) {
      if (alert.status !== 'firing' || alert.severity !== 'critical' || alert.escalatedAtMs !== null)
        continue;
      if (alert.suppressedBy !== null || alert.silencedBy.length > 0) continue;
      if (nowMs - Math.max(alert.startsAtMs, this.unmutedAt.get(alert.id) ?? 0) < afterMs) continue;
      this.update(
        alert,
        {
          escalatedAtMs: nowMs,
          evidence: [
            ...alert.evidence,
            { source: 'rule' as const, atMs: nowMs, text: `${round(afterMs / 60_000)} 分钟未确认，已升级` },
          ].slice(-MAX_EVIDENCE),
        },
        nowMs,
      );
    }
  }

  /** Correlate what just arrived and publish it: the short path the host runs right after events. */
  settle(): void {
    if (!this.outageDirty) return;
    this.reconcileOutages(this.clock());
    this.commit();
  }

  /** Run everything that is due: outage correlation, expiry, flapping end, freshness, silences, escalation. */
  tick(): void {
    const now = this.clock();
    if (this.outageDirty || (this.reconcileDueMs !== null && this.reconcileDueMs <= now))
      this.reconcileOutages(now);
    this.expireEventAlerts(now);
    this.endFlapping(now);
    if (this.outageDirty) this.reconcileOutages(now);
    this.checkCollectors(now);
    this.checkFreshness(now);
    if (this.outageDirty) this.reconcileOutages(now);
    if (now >= this.nextSilenceCheckMs) {
      this.nextSilenceCheckMs = now + 1000;
      this.refreshSilences(now);
    }
    this.escalate(now);
    this.commit();
    if (now >= this.nextCheckpointMs) {
      this.nextCheckpointMs = now + 5_000;
      this.store.checkpoint();
    }
    if (now >= this.nextPruneMs) {
      // Change events are the resume log, not the history (alerts keep their last copy): a week is plenty.
      this.nextPruneMs = now + 3_600_000;
      const pruned = this.store.pruneEventsBefore(now - EVENTS_KEEP_MS);
      if (pruned > 0) this.log.info({ pruned }, 'pruned old alert change events');
    }
  }

  // ---------------------------------------------------------------- service API

  openAlerts(): Alert[] {
    return [...this.open.values()];
  }

  get(id: string): Alert | null {
    const open = this.open.get(id);
    return open ? { ...open } : this.store.alert(id);
  }

  currentSeq(): number {
    return this.seq;
  }

  eventsSince(seq: number, max: number): AlertChangeEvent[] | 'too-old' {
    if (seq >= this.seq) return [];
    const first = this.ring[0];
    if (first && first.seq <= seq + 1) {
      const from = this.ring.findIndex((event) => event.seq > seq);
      if (this.seq - seq > max) return 'too-old';
      return from < 0 ? [] : this.ring.slice(from);
    }
    if (this.seq - seq > max) return 'too-old';
    return this.store.eventsAfter(seq, max);
  }

  ack(id: string, actor: string, comment: string): ActionResult {
    const checked = this.actionable(id);
    if (!checked.ok) return checked;
    const alert = checked.alert;
    if (alert.status === 'acknowledged')
      return {
        ok: false,
        reason: 'already-acknowledged',
        message: `alert ${id} was already acknowledged by ${alert.ack?.by ?? '?'}`,
      };
    const now = this.clock();
    this.store.recordAck({ alertId: id, action: 'ack', actor, atMs: now, comment });
    this.update(alert, { status: 'acknowledged', ack: { by: actor, atMs: now, comment } }, now, actor);
    this.commit();
    return { ok: true, alert: { ...alert } };
  }

  unack(id: string, actor: string, comment: string): ActionResult {
    const checked = this.actionable(id);
    if (!checked.ok) return checked;
    const alert = checked.alert;
    if (alert.status !== 'acknowledged')
      return { ok: false, reason: 'not-acknowledged', message: `alert ${id} is not acknowledged` };
    const now = this.clock();
    this.store.recordAck({ alertId: id, action: 'unack', actor, atMs: now, comment });
    this.update(alert, { status: 'firing', ack: null }, now, actor);
    this.commit();
    return { ok: true, alert: { ...alert } };
  }

  private actionable(
    id: string,
  ): { ok: true; alert: Alert } | { ok: false; reason: ActionFailure; message: string } {
    const alert = this.open.get(id);
    if (alert) return { ok: true, alert };
    if (this.store.alert(id))
      return { ok: false, reason: 'resolved', message: `alert ${id} is already resolved` };
    return { ok: false, reason: 'not-found', message: `no alert with id ${id}` };
  }

  /** Silences changed (created, updated, deleted): re-evaluate every open alert now, on behalf of actor. */
  setSilences(silences: Silence[], actor: string): void {
    this.silences = silences;
    this.refreshSilences(this.clock(), actor);
    this.commit();
  }
}

function compare(value: number, op: ThresholdRule['op'], limit: number): boolean {
  switch (op) {
    case '>':
      return value > limit;
    case '>=':
      return value >= limit;
    case '<':
      return value < limit;
    case '<=':
      return value <= limit;
  }
}

/** On the healthy side of the clear threshold (hysteresis: clear defaults to the firing value). */
function isHealthy(value: number, op: ThresholdRule['op'], clear: number): boolean {
  switch (op) {
    case '>':
      return value <= clear;
    case '>=':
      return value < clear;
    case '<':
      return value >= clear;
    case '<=':
      return value > clear;
  }
}

function splitKey(key: string): [NodeId, string] {
  const at = key.indexOf('|');
  return [key.slice(0, at) as NodeId, key.slice(at + 1)];
}

export type { Severity };

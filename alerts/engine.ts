import { canBePlannedWork, PLANNED_WORK_KINDS } from '../domain';
import type { Alert, AlertChangeEvent, BusEvent, NodeId, SamplesEvent, Silence } from '../domain';
import type { Topology } from '../inventory';
import { emptySnapshot, type ConditionsSnapshot } from './conditions-snapshot';
import type { Logger } from '../common';
import type { DirtyFlags, EngineContext } from './engine-context';
import { Interfaces } from './interfaces';
import { InterfaceFlappingKind } from './kinds/interface-flapping';
import { RULE_KINDS, type RuleKind } from './kinds/index';
import { ruleOfKind } from './kinds/kind';
import { LinkDownKind } from './kinds/link-down';
import { AlertLifecycle, type CommittedBatch } from './lifecycle';
import { NodeInfo } from './node-info';
import { OutageConditions } from './outage-conditions';
import { Outages } from './outages';
import type { AlertRules, Rule } from './rules/schema';
import type { AlertStore } from './store';
import { evidenceOf } from './summary';

/**
 * The alert engine's core: turns bus events into alerts through the rule kinds (kinds/), correlates
 * outages along the topology tree (outages.ts), and keeps each alert's lifecycle (lifecycle.ts).
 * Single-threaded and synchronous; time comes from the injected clock, so tests drive it event by
 * event and tick by tick.
 */

export type ActionFailure =
  'not-found' | 'resolved' | 'already-acknowledged' | 'not-acknowledged' | 'not-an-outage';
export type ActionResult = { ok: true; alert: Alert } | { ok: false; reason: ActionFailure; message: string };

const EVENTS_KEEP_MS = 7 * 86_400_000;
/** Up to this many down nodes and links, an interface event is correlated synchronously. */
const SYNC_SETTLE_LIMIT = 200;
export interface CoreOptions {
  topology: Topology;
  rules: AlertRules;
  store: AlertStore;
  clock: () => number;
  log: Logger;
  /** The collector's poll interval when it overrides the inventory's per-node intervals. */
  pollIntervalS?: number;
  /** In-memory resume ring for eventsSince. */
  ringSize: number;
  /** Called after every committed batch (persisted first): bus, subscribers, notifications. */
  onCommitted: (events: CommittedBatch) => void;
  /** Ask the host to call tick() soon (outage correlation batches events arriving together). */
  requestTick: () => void;
  /** Ask the host to call settle() soon, whatever its timers: bus events wait for it to be committed. */
  requestFlush: () => void;
}

/** A bus event routed but not yet committed: its id is written with the state it changed. */
interface PendingEvent {
  id: string;
  atMs: number;
  committed: () => void;
}

export class AlertCore {
  private readonly store: AlertStore;
  private readonly clock: () => number;
  private readonly log: Logger;
  private readonly dirty: DirtyFlags = { conditions: false, outages: false };
  private readonly alerts: AlertLifecycle;
  private readonly conditions: OutageConditions;
  private readonly outages: Outages;
  private readonly interfaces: Interfaces;
  private readonly kinds: RuleKind[];
  private readonly kindByName = new Map<Rule['kind'], RuleKind>();
  private readonly kindsByEvent = new Map<BusEvent['type'], RuleKind[]>();
  private readonly pointKinds: RuleKind[];
  private readonly rulesById = new Map<string, Rule>();
  private conditionsSavedMs = -Infinity;
  private nextCheckpointMs = 0;
  private nextPruneMs = 0;
  private nextSilenceCheckMs = 0;
  private pendingEvents: PendingEvent[] = [];
  private deferring = false;

  constructor(private readonly options: CoreOptions) {
    const { topology, rules } = options;
    this.store = options.store;
    this.clock = options.clock;
    this.log = options.log;
    for (const rule of rules.rules) this.rulesById.set(rule.id, rule);
    const uplink = ruleOfKind(rules.rules, 'uplink-down');
    const unreachable = ruleOfKind(rules.rules, 'node-unreachable');
    if (!uplink || !unreachable)
      throw new Error('alert rules need an uplink-down and a node-unreachable rule (the loader checks this)');

    const nodes = new NodeInfo(topology, options.pollIntervalS);
    const outageRules = new Set([uplink.id, unreachable.id]);
    this.alerts = new AlertLifecycle({
      clock: this.clock,
      settings: rules.settings,
      nodes,
      ringSize: options.ringSize,
      lastSeq: this.store.lastSeq(),
      isOutage: (alert) => outageRules.has(alert.rule),
      kindOf: (rule) => this.rulesById.get(rule)?.kind ?? null,
    });
    this.conditions = new OutageConditions(topology, rules.settings, nodes, this.clock, this.dirty);
    const ctx: EngineContext = {
      topology,
      rules,
      clock: this.clock,
      log: this.log,
      dirty: this.dirty,
      nodes,
      alerts: this.alerts,
      conditions: this.conditions,
      get outages() {
        return outages;
      },
      get interfaces() {
        return interfaces;
      },
      kindOfAlert: (rule) => this.kindOfRule(rule),
      ruleKindOf: (rule) => this.rulesById.get(rule)?.kind ?? null,
      kindNamed: (kind) => this.kindByName.get(kind) ?? null,
    };
    const outages = new Outages(ctx, uplink, unreachable);
    const interfaces = new Interfaces(ctx);
    this.outages = outages;
    this.interfaces = interfaces;
    this.kinds = RULE_KINDS.flatMap((make) => make(rules.rules, ctx) ?? []);
    for (const kind of this.kinds) {
      this.kindByName.set(kind.kind, kind);
      for (const type of kind.events)
        this.kindsByEvent.set(type, [...(this.kindsByEvent.get(type) ?? []), kind]);
      if (kind instanceof InterfaceFlappingKind) interfaces.flapping = kind;
      if (kind instanceof LinkDownKind) interfaces.linkDown = kind;
    }
    this.pointKinds = this.kinds.filter((kind) => kind.onPoint !== undefined);
    this.restore();
  }

  // ---------------------------------------------------------------- restore and persistence

  private restore(): void {
    const now = this.clock();
    const raw = this.store.getMeta('conditions');
    if (raw !== null) {
      const snapshot = JSON.parse(raw) as ConditionsSnapshot;
      this.conditions.restoreConditions(snapshot);
      for (const kind of this.kinds) kind.restoreConditions?.(snapshot);
    }
    this.interfaces.restoreFromConditions();
    const open = this.store.openAlerts();
    this.alerts.restore(open, this.store.silences());
    for (const alert of open) this.kindOfRule(alert.rule)?.restoreAlert?.(alert);
    for (const alert of open) {
      if (!this.rulesById.has(alert.rule))
        this.alerts.resolve(alert, now, evidenceOf('rule', now, 'rule-removed', { rule: alert.rule }));
    }
    this.dirty.outages = true;
    this.commit();
    if (this.alerts.openCount() > 0)
      this.log.info(
        { open: this.alerts.openCount(), seq: this.alerts.currentSeq() },
        'alert engine restored open alerts',
      );
  }

  private snapshot(): ConditionsSnapshot {
    const snapshot = emptySnapshot();
    this.conditions.saveConditions(snapshot);
    for (const kind of this.kinds) kind.saveConditions?.(snapshot);
    return snapshot;
  }

  /**
   * Persist the batch (alerts and change events) and hand it on, in one transaction with the ids of
   * the bus events routed since the last commit. The engine's conditions are saved with every batch
   * that changes alerts or carries event ids, and otherwise at most once a second (and on stop): a
   * crash loses nothing an event id was committed for; events without an id (in-process bus) can
   * lose at most a second of not-yet-alerting evidence, which the collector re-reports.
   */
  commit(force = false): void {
    const nowMs = this.clock();
    const changes = this.alerts.pendingChanges();
    const events = this.pendingEvents;
    const saveConditions =
      this.dirty.conditions &&
      (force || changes > 0 || events.length > 0 || nowMs - this.conditionsSavedMs >= 1000);
    if (!saveConditions && changes === 0 && events.length === 0) return;
    this.pendingEvents = [];
    const batch = changes > 0 ? this.alerts.takeBatch() : [];
    this.store.transaction(() => {
      if (saveConditions) this.store.setMeta('conditions', JSON.stringify(this.snapshot()));
      this.store.record(batch);
      this.store.recordHandled(events);
    });
    if (saveConditions) {
      this.dirty.conditions = false;
      this.conditionsSavedMs = nowMs;
    }
    if (batch.length > 0) this.options.onCommitted(batch);
    for (const event of events) event.committed();
  }

  // ---------------------------------------------------------------- inputs

  /**
   * Run a bus handler for the event `id` without committing: its effect, and `id`, are written by
   * the next step's commit (the host's flush, soon), and `committed` runs after that transaction.
   */
  handleOnce(id: string, atMs: number, handle: () => void, committed: () => void): void {
    this.deferring = true;
    try {
      handle();
    } finally {
      this.deferring = false;
    }
    this.pendingEvents.push({ id, atMs, committed });
    this.options.requestFlush();
  }

  handle(event: BusEvent): void {
    const node = aboutNode(event);
    if (node === null || this.known(node)) this.route(event);
    if (this.deferring) return;
    this.commit();
    if (!this.dirty.outages) return;
    // Interface news (a port went down or came back) is correlated at once while little is down;
    // unreachable nodes, and anything during a large outage, are batched into one pass.
    const small = this.conditions.unreachable.size + this.conditions.linkedDown.size <= SYNC_SETTLE_LIMIT;
    if (small && (event.type === 'interface.state' || event.type === 'trap')) this.settle();
    else this.options.requestTick();
  }

  private route(event: BusEvent): void {
    switch (event.type) {
      case 'samples':
        this.onSamples(event);
        return;
      case 'node.state':
        this.outages.onNodeState(event);
        return;
      case 'interface.state':
        this.interfaces.onState(event.node, event.ifName, event.state, event.source, event.timeMs);
        return;
      case 'trap':
        this.interfaces.onTrap(event);
        this.dispatch(event);
        return;
      case 'node.reboot':
      case 'topology.drift':
      case 'collector.health':
      case 'certificate.expiry':
      case 'security.event':
      case 'asset.change':
      case 'service.check':
      case 'report.delivery':
        this.dispatch(event);
        return;
      case 'alert':
      case 'unmanaged.sighting':
        return;
    }
  }

  private dispatch(event: BusEvent): void {
    for (const kind of this.kindsByEvent.get(event.type) ?? []) kind.onEvent?.(event);
  }

  private known(node: NodeId): boolean {
    if (this.options.topology.has(node)) return true;
    this.log.warn({ node }, 'alert engine: event for a node the inventory does not know, ignored');
    return false;
  }

  private onSamples(event: SamplesEvent): void {
    this.outages.onSamples(event);
    this.dispatch(event);
    for (const point of event.points) {
      this.interfaces.fromSample(point, event.node);
      for (const kind of this.pointKinds) kind.onPoint?.(point, event.node);
    }
  }

  // ---------------------------------------------------------------- time

  private reconcileOutages(nowMs: number): void {
    this.outages.reconcile(nowMs, () => this.commit());
  }

  /** Correlate what just arrived and publish it: the short path the host runs right after events. */
  settle(): void {
    if (this.dirty.outages) this.reconcileOutages(this.clock());
    this.commit();
  }

  /** Run everything that is due: outage correlation, expiry, each kind's timers, silences, escalation. */
  tick(): void {
    const now = this.clock();
    if (this.outages.isDue(now)) this.reconcileOutages(now);
    this.alerts.expireQuiet(now, (rule) => this.kindOfRule(rule)?.resolveAfterMs?.(rule) ?? null);
    for (const kind of this.kinds) {
      kind.onTick?.(now);
      if (this.dirty.outages) this.reconcileOutages(now);
    }
    if (now >= this.nextSilenceCheckMs) {
      this.nextSilenceCheckMs = now + 1000;
      this.alerts.refreshSilences(now);
    }
    this.alerts.escalate(now);
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

  private kindOfRule(rule: string): RuleKind | null {
    const kind = this.rulesById.get(rule)?.kind;
    return kind === undefined ? null : (this.kindByName.get(kind) ?? null);
  }

  // ---------------------------------------------------------------- service API

  openAlerts(): Alert[] {
    return this.alerts.openAlerts();
  }

  get(id: string): Alert | null {
    const open = this.alerts.openById(id);
    return open ? { ...open } : this.store.alert(id);
  }

  currentSeq(): number {
    return this.alerts.currentSeq();
  }

  eventsSince(seq: number, max: number): AlertChangeEvent[] | 'too-old' {
    const current = this.alerts.currentSeq();
    if (seq >= current) return [];
    if (current - seq > max) return 'too-old';
    return this.alerts.ringSince(seq) ?? this.store.eventsAfter(seq, max);
  }

  /** `planned`: the outage is planned work, which the monthly report counts as maintenance. */
  ack(id: string, actor: string, comment: string, planned = false): ActionResult {
    const checked = this.actionable(id);
    if (!checked.ok) return checked;
    const alert = checked.alert;
    if (alert.status === 'acknowledged')
      return {
        ok: false,
        reason: 'already-acknowledged',
        message: `alert ${id} was already acknowledged by ${alert.ack?.by ?? '?'}`,
      };
    if (planned && !canBePlannedWork(alert))
      return {
        ok: false,
        reason: 'not-an-outage',
        message: `only an outage on a node (${PLANNED_WORK_KINDS.join(', ')}) can be planned work; ${alert.rule} is not one`,
      };
    const now = this.clock();
    const ack = { by: actor, atMs: now, comment, ...(planned ? { planned } : {}) };
    this.store.recordAck({ alertId: id, action: 'ack', actor, atMs: now, comment });
    this.alerts.update(alert, { status: 'acknowledged', ack }, now, actor);
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
    this.alerts.update(alert, { status: 'firing', ack: null }, now, actor);
    this.commit();
    return { ok: true, alert: { ...alert } };
  }

  private actionable(
    id: string,
  ): { ok: true; alert: Alert } | { ok: false; reason: ActionFailure; message: string } {
    const alert = this.alerts.openById(id);
    if (alert) return { ok: true, alert };
    if (this.store.alert(id))
      return { ok: false, reason: 'resolved', message: `alert ${id} is already resolved` };
    return { ok: false, reason: 'not-found', message: `no alert with id ${id}` };
  }

  /** Silences changed (created, updated, deleted): re-evaluate every open alert now, on behalf of actor. */
  setSilences(silences: Silence[], actor: string): void {
    this.alerts.setSilences(silences);
    this.alerts.refreshSilences(this.clock(), actor);
    this.commit();
  }
}

/** The node of a bus event about one node: ignored (with a warning) when the inventory does not know it. */
function aboutNode(event: BusEvent): NodeId | null {
  switch (event.type) {
    case 'node.state':
    case 'interface.state':
    case 'node.reboot':
    case 'trap':
    case 'topology.drift':
    case 'asset.change':
    case 'service.check':
      return event.node;
    case 'security.event':
      return event.event.node;
    case 'samples':
    case 'collector.health':
    case 'certificate.expiry':
    case 'report.delivery':
    case 'alert':
    case 'unmanaged.sighting':
      return null;
  }
}

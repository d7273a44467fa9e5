import { randomUUID } from 'node:crypto';
import type { EventBus, Unsubscribe } from '../bus/index';
import { createLogger, type Logger } from '../common';
import type { Topology } from '../inventory';
import {
  severityRank,
  type Alert,
  type AlertChangeEvent,
  type AlertFilter,
  type NodeId,
  type Silence,
} from '../domain';
import { AlertCore, type ActionResult } from './engine';
import { EngineHandledLog } from './handled-events';
import {
  OutboxWorker,
  planNotifications,
  type DeliveryReport,
  type NotificationConfig,
} from './notify/outbox';
import { resolveReceiverHeaders, type Env } from './notify/receiver-headers';
import { formatRulesError, loadAlertRules } from './rules/load';
import type { AlertRules } from './rules/schema';
import { silenceProblem, withValidity, type SilenceInput } from './silences';
import { AlertStore, type AckRecord, type OutboxRow } from './store';

/**
 * The alert engine as a service: subscribe it to the bus, and the console server asks it for
 * alerts, history and silences, acknowledges through it, and streams its change events.
 */

export type { ActionFailure, ActionResult } from './engine';
export type { Env } from './notify/receiver-headers';
export type { DeliveryReport, NotificationConfig } from './notify/outbox';
export { DEDUP_HEADER } from './notify/outbox';
export { fileWebhook, type FileWebhook, type FileWebhookConfig } from './notify/post-file';
export {
  DEFAULT_RULES_FILE,
  loadAlertRules,
  loadAlertRulesText,
  formatRulesError,
  type RulesError,
  type RulesLoadResult,
} from './rules/load';
export type { AlertRules, Rule, ReceiverConfig, RouteConfig } from './rules/schema';
export type { SilenceInput } from './silences';
export { labelPatternProblem, MAX_PATTERN_LENGTH } from './label-patterns';
export type { AckRecord, OutboxRow } from './store';
export {
  readPlannedWorkAlerts,
  readSecurityAlerts,
  readSilences,
  SECURITY_ALERT_KINDS,
  type ArchivedAlert,
} from './archive-reader';

export interface AlertEngineOptions {
  topology: Topology;
  bus: EventBus;
  /** SQLite file for alerts, history, acks, silences and the outbox (':memory:' for throwaway runs). */
  dbPath: string;
  /** Parsed rules, or a rules file to load (default: the shipped configs/alert-rules.yaml). */
  rules?: AlertRules | string;
  clock?: () => number;
  /** Receivers and routes; override those of the rules file when given. */
  notifications?: Partial<NotificationConfig>;
  escalateAfterMin?: number;
  correlationWindowMs?: number;
  /** Set when the collector runs with one interval for every node (its --interval): freshness and re-checks use it. */
  pollIntervalS?: number;
  /** Background timers (correlation windows, freshness, escalation, delivery). Off: call tick() and deliverNotifications() yourself. */
  autoTick?: boolean;
  tickMs?: number;
  deliveryIntervalMs?: number;
  /** Change events kept in memory for resume; older ones come from SQLite. */
  ringSize?: number;
  /** eventsSince answers 'too-old' beyond this many events: take a fresh snapshot instead. */
  maxResumeEvents?: number;
  /** Default: warnings and errors to stderr at level info. */
  log?: Logger;
  /**
   * Where `{ env: NAME }` header secrets in the rules are read from: the CLI passes its environment.
   * Default none, so a rules file that references a variable refuses to start, naming it.
   */
  env?: Env;
}

export interface HistoryQuery {
  fromMs: number;
  toMs: number;
  limit?: number;
  /** Scope: only alerts on (or impacting) these nodes. */
  nodes?: NodeId[];
}

export type SilenceResult =
  { ok: true; silence: Silence } | { ok: false; reason: 'not-found' | 'invalid'; message: string };

export interface SilenceService {
  list(options?: { includeExpired?: boolean }): Silence[];
  create(input: SilenceInput, actor: string): SilenceResult;
  update(id: string, input: SilenceInput, actor: string): SilenceResult;
  delete(id: string, actor: string): SilenceResult;
}

export interface AlertEngine {
  /** Open alerts (and recent resolved ones when asked by status), worst first. */
  list(filter?: AlertFilter): Alert[];
  get(id: string): Alert | null;
  history(query: HistoryQuery): Alert[];
  /** `planned`: an outage acknowledged as planned work (the monthly report counts it as maintenance). */
  ack(id: string, actor: string, comment: string, planned?: boolean): ActionResult;
  unack(id: string, actor: string, comment: string): ActionResult;
  acks(id: string): AckRecord[];
  readonly silences: SilenceService;
  currentSeq(): number;
  /** Changes after seq, in order; 'too-old' when the caller must resync from list(). */
  eventsSince(seq: number): AlertChangeEvent[] | 'too-old';
  onChange(handler: (event: AlertChangeEvent) => void): Unsubscribe;
  /** Run due work now (correlation windows, freshness, flapping end, escalation). */
  tick(): void;
  /** Deliver due notifications now. */
  deliverNotifications(): Promise<DeliveryReport>;
  outbox(): OutboxRow[];
  readonly rules: AlertRules;
  stop(): Promise<void>;
}

function resolveRules(rules: AlertRules | string | undefined, env: Env): AlertRules {
  if (rules !== undefined && typeof rules !== 'string') return rules;
  const loaded = loadAlertRules(rules, env);
  if (!loaded.ok)
    throw new Error(`alert rules are invalid:\n${loaded.errors.map(formatRulesError).join('\n')}`);
  return loaded.rules;
}

function matchesFilter(
  alert: Alert,
  filter: AlertFilter,
  scope: Set<string> | null,
  text: string | null,
): boolean {
  if (filter.status && !filter.status.includes(alert.status)) return false;
  if (filter.minSeverity && severityRank(alert.severity) > severityRank(filter.minSeverity)) return false;
  if (!filter.includeSuppressed && alert.suppressedBy !== null) return false;
  if (filter.zone !== undefined && alert.labels.zone !== filter.zone) return false;
  if (filter.tier !== undefined && alert.labels.tier !== filter.tier) return false;
  if (filter.rule !== undefined && alert.rule !== filter.rule) return false;
  if (
    scope &&
    !(alert.node !== null && scope.has(alert.node)) &&
    !alert.impacted.some((node) => scope.has(node))
  )
    return false;
  if (text) {
    const haystack = [alert.summary, alert.rule, alert.node ?? '', ...Object.values(alert.labels)]
      .join('\n')
      .toLowerCase();
    if (!haystack.includes(text)) return false;
  }
  return true;
}

const worstFirst = (a: Alert, b: Alert) =>
  severityRank(a.severity) - severityRank(b.severity) || b.startsAtMs - a.startsAtMs;

/** A silence saved before patterns were checked as strictly as now loads, matches nothing, and says why. */
function warnAboutInvalidSilences(store: AlertStore, log: Logger): void {
  for (const silence of store.silences().map(withValidity))
    if (silence.invalid !== undefined)
      log.warn(
        { silence: silence.id, createdBy: silence.createdBy, problem: silence.invalid },
        'stored silence has a pattern this version refuses: it matches nothing until it is changed or deleted',
      );
}

/** Start the engine: open (or create) its SQLite state, restore open alerts, subscribe to the bus. */
export function startAlertEngine(options: AlertEngineOptions): Promise<AlertEngine> {
  return Promise.resolve().then(() => createAlertEngine(options));
}

function createAlertEngine(options: AlertEngineOptions): AlertEngine {
  const env = options.env ?? {};
  const base = resolveRules(options.rules, env);
  const rules: AlertRules = {
    ...base,
    settings: {
      ...base.settings,
      ...(options.correlationWindowMs !== undefined
        ? { correlationWindow: options.correlationWindowMs }
        : {}),
      escalation: {
        ...base.settings.escalation,
        ...(options.escalateAfterMin !== undefined ? { after: options.escalateAfterMin * 60_000 } : {}),
        ...(options.notifications?.escalationReceivers
          ? { receivers: options.notifications.escalationReceivers }
          : {}),
      },
    },
    receivers: options.notifications?.receivers ?? base.receivers,
    routes: options.notifications?.routes ?? base.routes,
  };
  const known = new Set(rules.receivers.map((r) => r.name));
  const unknown = [...rules.routes.map((r) => r.receiver), ...rules.settings.escalation.receivers].filter(
    (name) => !known.has(name),
  );
  if (unknown.length > 0)
    throw new Error(`alert notifications name unknown receivers: ${[...new Set(unknown)].join(', ')}`);

  const clock = options.clock ?? Date.now;
  const log = options.log ?? createLogger({ level: 'info' });
  const autoTick = options.autoTick ?? true;
  // Before the store opens: a missing secret or a URL with credentials stops the start cleanly.
  const receiverHeaders = resolveReceiverHeaders(rules.receivers, env);
  const store = new AlertStore(options.dbPath);
  warnAboutInvalidSilences(store, log);
  const notificationConfig: NotificationConfig = {
    receivers: rules.receivers,
    routes: rules.routes,
    escalationReceivers: rules.settings.escalation.receivers,
  };
  const worker = new OutboxWorker(store, rules.receivers, rules.settings, clock, log, receiverHeaders);
  const handlers = new Set<(event: AlertChangeEvent) => void>();
  let stopped = false;
  let tickRequested = false;
  let flushRequested = false;

  const deliverSoon = () => {
    if (!autoTick || stopped) return;
    void worker.deliverDue().catch((error: unknown) => {
      log.error({ error: String(error) }, 'notification outbox failed');
      throw error;
    });
  };

  const core = new AlertCore({
    topology: options.topology,
    rules,
    store,
    clock,
    log,
    ringSize: options.ringSize ?? 4096,
    ...(options.pollIntervalS !== undefined ? { pollIntervalS: options.pollIntervalS } : {}),
    onCommitted: (batch) => {
      if (planNotifications(store, notificationConfig, rules.settings, batch) > 0) deliverSoon();
      for (const { event, atMs } of batch) options.bus.publish({ type: 'alert', timeMs: atMs, ...event });
      for (const { event } of batch) for (const handler of handlers) handler(event);
    },
    requestFlush: () => {
      if (flushRequested || stopped) return;
      flushRequested = true;
      setImmediate(() => {
        flushRequested = false;
        if (!stopped) core.settle();
      });
    },
    requestTick: () => {
      if (!autoTick || tickRequested || stopped) return;
      tickRequested = true;
      setImmediate(() => {
        tickRequested = false;
        if (!stopped) core.settle();
      });
    },
  });

  // Over JetStream the event ids are committed with the engine's state (handled-events.ts).
  const unsubscribe = options.bus.subscribeAll(
    (event) => {
      if (event.type !== 'alert') core.handle(event);
    },
    { handled: new EngineHandledLog(store, core) },
  );
  const timers: NodeJS.Timeout[] = [];
  if (autoTick) {
    timers.push(setInterval(() => core.tick(), options.tickMs ?? 250));
    timers.push(setInterval(deliverSoon, options.deliveryIntervalMs ?? 1000));
    for (const timer of timers) timer.unref();
    deliverSoon();
  }
  const maxResume = options.maxResumeEvents ?? 10_000;

  const saveSilence = (silence: Silence, actor: string): SilenceResult => {
    store.saveSilence(silence);
    core.setSilences(store.silences(), actor);
    log.info({ silence: silence.id, actor }, 'silence saved');
    return { ok: true, silence };
  };

  const silences: SilenceService = {
    list: ({ includeExpired = false } = {}) => {
      const now = clock();
      return store
        .silences()
        .filter((s) => includeExpired || s.endsAtMs > now)
        .map(withValidity);
    },
    create: (input, actor) => {
      const problem = silenceProblem(input);
      if (problem) return { ok: false, reason: 'invalid', message: problem };
      const now = clock();
      const silence: Silence = { id: randomUUID(), ...input, createdBy: actor, createdAtMs: now };
      if (!input.recurrence) delete silence.recurrence;
      return saveSilence(silence, actor);
    },
    update: (id, input, actor) => {
      const existing = store.silences().find((s) => s.id === id);
      if (!existing) return { ok: false, reason: 'not-found', message: `no silence with id ${id}` };
      const problem = silenceProblem(input);
      if (problem) return { ok: false, reason: 'invalid', message: problem };
      const silence: Silence = { ...existing, ...input };
      if (!input.recurrence) delete silence.recurrence;
      return saveSilence(silence, actor);
    },
    delete: (id, actor) => {
      const existing = store.silences().find((s) => s.id === id);
      if (!existing || !store.deleteSilence(id, clock()))
        return { ok: false, reason: 'not-found', message: `no silence with id ${id}` };
      core.setSilences(store.silences(), actor);
      log.info({ silence: id, actor }, 'silence deleted');
      return { ok: true, silence: existing };
    },
  };

  return {
    rules,
    list: (filter = {}) => {
      const statuses = filter.status ?? ['firing', 'acknowledged'];
      const effective: AlertFilter = { ...filter, status: statuses };
      const scope = filter.nodes ? new Set<string>(filter.nodes) : null;
      const text = filter.text?.trim().toLowerCase() || null;
      const limit = filter.limit ?? 1000;
      const candidates = core.openAlerts().filter((a) => matchesFilter(a, effective, scope, text));
      if (statuses.includes('resolved'))
        candidates.push(
          ...store
            .recentResolved(Math.max(limit * 4, 500))
            .filter((a) => matchesFilter(a, effective, scope, text)),
        );
      return candidates
        .sort(worstFirst)
        .slice(0, limit)
        .map((a) => ({ ...a }));
    },
    get: (id) => core.get(id),
    history: ({ fromMs, toMs, limit = 500, nodes }) => {
      const scope = nodes ? new Set<string>(nodes) : null;
      const rows = store.history(fromMs, toMs, scope ? Math.max(limit * 10, 5000) : limit);
      return rows
        .filter(
          (a) => !scope || (a.node !== null && scope.has(a.node)) || a.impacted.some((n) => scope.has(n)),
        )
        .slice(0, limit);
    },
    ack: (id, actor, comment, planned) => core.ack(id, actor, comment, planned),
    unack: (id, actor, comment) => core.unack(id, actor, comment),
    acks: (id) => store.acksOf(id),
    silences,
    currentSeq: () => core.currentSeq(),
    eventsSince: (seq) => core.eventsSince(seq, maxResume),
    onChange: (handler) => {
      handlers.add(handler);
      return () => handlers.delete(handler);
    },
    tick: () => core.tick(),
    deliverNotifications: () => worker.deliverDue(),
    outbox: () => store.outbox(),
    stop: async () => {
      if (stopped) return;
      stopped = true;
      unsubscribe();
      for (const timer of timers) clearInterval(timer);
      await worker.settle();
      core.commit(true);
      store.close();
    },
  };
}

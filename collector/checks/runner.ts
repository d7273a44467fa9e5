/**
 * Runs the service checks: each on its interval (phase-spread so a thousand checks do not fire at
 * once), at most `concurrency` probes in flight, a check still running when due skips that turn;
 * ICMP checks of one interval share one fping process. Every run becomes a `service` point in the
 * MetricsStore and a `service.check` event on the bus.
 */
import { join } from 'node:path';
import type { EventBus } from '../../bus';
import type { MetricPoint, NodeId, ServiceCheckEvent } from '../../domain';
import type { MetricsStore } from '../../metrics';
import type { Logger } from '../../common';
import { failed, targetOf, type CheckOf, type ProbeResult, type ServiceCheck } from './check';
import { BASELINES_FILE, BaselineStore } from './baselines';
import { ContentWatch } from './content';
import { probeDns } from './dns';
import { fpingBatch, type PingResult } from './fping';
import { HttpProber } from './http';
import { probeTcp } from './tcp';
import { probeTls } from './tls';

export interface ServiceChecksOptions {
  checks: readonly ServiceCheck[];
  store: MetricsStore;
  bus: EventBus;
  logger: Logger;
  /** Probes in flight at once (fping runs count as one). Default 64. */
  concurrency?: number;
  /** Clock for event times, staleness and certificate days (tests step it). */
  now?: () => number;
  /** false: run only on runNow()/runAll() (tests). Default true. */
  schedule?: boolean;
  /** Collectors sharing one inventory: run only the checks of nodes this one polls. */
  owns?: (node: NodeId) => boolean;
  /** fping's binary (default `fping` on the PATH). */
  fpingBinary?: string;
  /**
   * The collector's state directory: defacement baselines and pages' unchanged-since times persist in
   * <stateDir>/check-baselines.sqlite (baselines.ts). Without it they live in memory: a restart adopts
   * the page as it then is and starts its age again.
   */
  stateDir?: string;
}

export interface ServiceChecksStats {
  checks: number;
  runs: number;
  down: number;
  skipped: number;
}

export interface RunningServiceChecks {
  /** Run these checks (default all) now and wait for their results. */
  runNow(ids?: readonly string[]): Promise<ServiceCheckEvent[]>;
  stats(): ServiceChecksStats;
  stop(): Promise<void>;
}

interface CheckState {
  check: ServiceCheck;
  up: boolean | null;
  sinceMs: number;
  content: ContentWatch | null;
  running: boolean;
}

class Semaphore {
  private active = 0;
  private readonly waiting: Array<() => void> = [];
  constructor(private readonly limit: number) {}
  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) await new Promise<void>((resolveTurn) => this.waiting.push(resolveTurn));
    this.active++;
    try {
      return await task();
    } finally {
      this.active--;
      this.waiting.shift()?.();
    }
  }
}

/** The baseline store, when a state directory is given and some check watches staleness or defacement unpinned. */
function openBaselines(options: ServiceChecksOptions): BaselineStore | null {
  const needed = options.checks.some(
    (check) =>
      check.kind === 'http' &&
      (check.staleness !== undefined ||
        (check.defacement !== undefined && check.defacement.baselineSha256 === undefined)),
  );
  return options.stateDir !== undefined && needed
    ? new BaselineStore(join(options.stateDir, BASELINES_FILE))
    : null;
}

export function startServiceChecks(options: ServiceChecksOptions): RunningServiceChecks {
  const { store, bus, logger } = options;
  const now = options.now ?? Date.now;
  const owns = options.owns ?? (() => true);
  const limit = new Semaphore(options.concurrency ?? 64);
  const http = new HttpProber();
  const states = new Map<string, CheckState>();
  const baselines = openBaselines(options);
  for (const check of options.checks)
    states.set(check.id, {
      check,
      up: null,
      sinceMs: 0,
      content:
        check.kind === 'http' && (check.defacement || check.staleness)
          ? new ContentWatch(check, baselines, logger)
          : null,
      running: false,
    });
  const stats: ServiceChecksStats = { checks: states.size, runs: 0, down: 0, skipped: 0 };
  const timers = new Set<NodeJS.Timeout>();
  const inFlight = new Set<Promise<unknown>>();
  let stopped = false;

  const probe = (state: CheckState): Promise<ProbeResult> => {
    const check = state.check;
    switch (check.kind) {
      case 'http':
        return http.probe(check);
      case 'tls':
        return probeTls(check, now());
      case 'tcp':
        return probeTcp(check);
      case 'dns':
        return probeDns(check);
      case 'icmp':
        return pingGroup([check]).then((results) => results[0] ?? failed('fping', null, null));
    }
  };

  const pingGroup = async (checks: readonly CheckOf<'icmp'>[]): Promise<ProbeResult[]> => {
    const first = checks[0];
    if (!first) return [];
    let found: Map<string, PingResult>;
    try {
      found = await fpingBatch(
        checks.map((c) => targetOf(c)),
        {
          count: Math.max(...checks.map((c) => c.count)),
          timeoutMs: Math.max(...checks.map((c) => c.timeoutMs)),
          ...(options.fpingBinary === undefined ? {} : { binary: options.fpingBinary }),
        },
      );
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'error';
      logger.error({ code }, 'service checks: fping could not run');
      return checks.map(() => failed('fping', code, null));
    }
    return checks.map((check) => {
      const ping = found.get(targetOf(check)) ?? { sent: check.count, rttsMs: [] };
      const lossPct = ping.sent === 0 ? 100 : Math.round((1 - ping.rttsMs.length / ping.sent) * 1000) / 10;
      const rtt =
        ping.rttsMs.length === 0 ? null : ping.rttsMs.reduce((a, b) => a + b, 0) / ping.rttsMs.length;
      const up = ping.rttsMs.length > 0 && lossPct < check.maxLossPct;
      return { up, reason: up ? null : 'loss', detail: `${lossPct}%`, latencyMs: rtt, lossPct };
    });
  };

  const record = (state: CheckState, result: ProbeResult): ServiceCheckEvent => {
    const check = state.check;
    const timeMs = now();
    if (state.up !== result.up) {
      if (state.up !== null)
        logger.info(
          { check: check.id, node: check.node, up: result.up, reason: result.reason },
          'service check changed',
        );
      state.up = result.up;
      state.sinceMs = timeMs;
    }
    const watched = state.content && result.body !== undefined && result.up;
    const event: ServiceCheckEvent = {
      type: 'service.check',
      node: check.node,
      timeMs,
      check: check.id,
      kind: check.kind,
      target: targetOf(check),
      up: result.up,
      sinceMs: state.sinceMs,
      reason: result.reason,
      detail: result.detail,
      latencyMs: result.latencyMs === null ? null : Math.round(result.latencyMs * 100) / 100,
      defaced: watched ? (state.content?.defaced(result.body ?? '', timeMs) ?? null) : null,
      stale: watched
        ? (state.content?.stale(result.body ?? '', result.lastModifiedMs ?? null, timeMs) ?? null)
        : null,
      certificate: result.certificate ?? null,
      lossPct: result.lossPct ?? null,
    };
    stats.runs++;
    if (!result.up) stats.down++;
    store.write([pointOf(event)]);
    bus.publish(event);
    return event;
  };

  const runOne = async (state: CheckState): Promise<ServiceCheckEvent | null> => {
    if (state.running) {
      stats.skipped++;
      return null;
    }
    state.running = true;
    try {
      return record(state, await limit.run(() => probe(state)));
    } finally {
      state.running = false;
    }
  };

  const runIcmp = async (group: CheckState[]): Promise<ServiceCheckEvent[]> => {
    const ready = group.filter((state) => !state.running);
    stats.skipped += group.length - ready.length;
    for (const state of ready) state.running = true;
    try {
      const results = await limit.run(() => pingGroup(ready.map((s) => s.check as CheckOf<'icmp'>)));
      return ready.map((state, i) => record(state, results[i] ?? failed('fping', null, null)));
    } finally {
      for (const state of ready) state.running = false;
    }
  };

  const track = <T>(work: Promise<T>): Promise<T> => {
    inFlight.add(work);
    void work.finally(() => inFlight.delete(work)).catch(() => undefined);
    return work;
  };

  const runNow = async (ids?: readonly string[]): Promise<ServiceCheckEvent[]> => {
    const chosen = [...states.values()].filter(
      (s) => (ids === undefined || ids.includes(s.check.id)) && owns(s.check.node),
    );
    const icmp = chosen.filter((s) => s.check.kind === 'icmp');
    const others = chosen.filter((s) => s.check.kind !== 'icmp');
    const done = await track(
      Promise.all([runIcmp(icmp), ...others.map((s) => runOne(s).then((e) => (e ? [e] : [])))]),
    );
    return done.flat();
  };

  const every = (intervalMs: number, offsetMs: number, work: () => Promise<unknown>) => {
    const tick = () => {
      if (stopped) return;
      void track(work()).catch((error: unknown) =>
        logger.error({ err: error }, 'service check failed unexpectedly'),
      );
      const timer = setTimeout(tick, intervalMs);
      timers.add(timer);
    };
    const first = setTimeout(tick, offsetMs);
    timers.add(first);
  };

  if (options.schedule !== false) {
    const icmpByInterval = new Map<number, CheckState[]>();
    const others = [...states.values()].filter((s) => {
      if (s.check.kind !== 'icmp') return true;
      icmpByInterval.set(s.check.intervalS, [...(icmpByInterval.get(s.check.intervalS) ?? []), s]);
      return false;
    });
    others.forEach((state, i) => {
      const intervalMs = state.check.intervalS * 1000;
      every(intervalMs, Math.floor((i / others.length) * intervalMs), () =>
        owns(state.check.node) ? runOne(state) : Promise.resolve(null),
      );
    });
    for (const [intervalS, group] of icmpByInterval)
      every(intervalS * 1000, 0, () => runIcmp(group.filter((s) => owns(s.check.node))));
  }

  logger.info({ checks: states.size }, 'service checks started');
  return {
    runNow,
    stats: () => ({ ...stats }),
    async stop() {
      stopped = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      await Promise.allSettled([...inFlight]);
      http.close();
      baselines?.close();
    },
  };
}

/** The stored point of a run (measurement `service`, docs/metrics.md). */
export function pointOf(event: ServiceCheckEvent): MetricPoint {
  const fields: Record<string, number> = { up: event.up ? 1 : 0, sinceMs: event.sinceMs };
  if (event.latencyMs !== null) fields.latencyMs = event.latencyMs;
  if (event.lossPct !== null) fields.lossPct = event.lossPct;
  if (event.defaced) fields.defaced = event.defaced.found ? 1 : 0;
  if (event.stale) fields.unchangedS = event.stale.unchangedS;
  if (event.certificate) {
    fields.certDaysLeft = event.certificate.daysLeft;
    fields.certValid = event.certificate.valid ? 1 : 0;
  }
  return {
    measurement: 'service',
    tags: { node: event.node, check: event.check, kind: event.kind },
    fields,
    timeMs: event.timeMs,
  };
}

/**
 * Built monthly reports, kept: a finished month's availability does not change (unless its
 * maintenance windows or planned work do, which are part of the key), so it is built once an hour at most (an
 * acknowledgement or a revocation after the month can still move its security and PKI sections);
 * the current month after a few minutes. Bounded in entries, and in builds at once (a province's
 * month reads every node's month).
 */
import { createHash } from 'node:crypto';
import { alertSummaryIn, type NodeId, type Silence } from '../../domain';
import type { LogStore } from '../../logs';
import { buildMonthlyReport, type MonthlyReport, type PlannedWork, type ReportPeriod } from '../../reports';
import type { ServerContext } from './context';
import { certificatesOf, maintenanceWindows, plannedWorkIn, securityAlertsOf } from './report-inputs';

export const REPORT_CACHE_ENTRIES = 32;
/** How long a report of the month in progress is served before it is built again. */
export const CURRENT_MONTH_TTL_MS = 5 * 60_000;
/** How long a finished month's report is served before it is built again. */
export const PAST_MONTH_TTL_MS = 60 * 60_000;
const MAX_PARALLEL_BUILDS = 2;

/** A built report, and the English of the alert summaries in it (the engine writes them in zh-CN). */
export interface BuiltReport {
  report: MonthlyReport;
  englishTexts: ReadonlyMap<string, string>;
}

interface Entry {
  report: Promise<BuiltReport>;
  freshUntilMs: number;
}

/** Silences that touch the period, by content: adding or changing one makes a new report. */
function silencesKey(silences: readonly Silence[], period: ReportPeriod): string {
  const touching = silences
    .filter(
      (silence) =>
        silence.recurrence !== undefined ||
        (silence.startsAtMs < period.endMs && silence.endsAtMs > period.startMs),
    )
    .map((silence) => JSON.stringify(silence))
    .sort();
  return createHash('sha256').update(touching.join('\n')).digest('hex').slice(0, 16);
}

export class ReportCache {
  private readonly entries = new Map<string, Entry>();
  private running = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(
    private readonly ctx: ServerContext,
    private readonly now: () => number = Date.now,
  ) {}

  /** The report of a period for a subtree (null: the whole network), built or kept. */
  get(period: ReportPeriod, scopeRoot: NodeId | null): Promise<BuiltReport> {
    const silences = maintenanceWindows(this.ctx.alerts);
    const plannedWork = plannedWorkIn(this.ctx.alerts, period);
    const planned = plannedWork.map((work) => `${work.alertId}@${work.endMs}`).join(',');
    const key = `${period.month}|${period.utcOffsetMin}|${scopeRoot ?? '*'}|${silencesKey(silences, period)}|${planned}`;
    const nowMs = this.now();
    const kept = this.entries.get(key);
    if (kept !== undefined && kept.freshUntilMs > nowMs) {
      // Least recently used goes first: a read moves the entry to the end.
      this.entries.delete(key);
      this.entries.set(key, kept);
      return kept.report;
    }
    const report = this.build(period, scopeRoot, silences, plannedWork);
    this.entries.set(key, {
      report,
      freshUntilMs: nowMs + (period.endMs <= nowMs ? PAST_MONTH_TTL_MS : CURRENT_MONTH_TTL_MS),
    });
    report.catch(() => this.entries.delete(key));
    while (this.entries.size > REPORT_CACHE_ENTRIES) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
    return report;
  }

  get size(): number {
    return this.entries.size;
  }

  private async build(
    period: ReportPeriod,
    scopeRoot: NodeId | null,
    silences: Silence[],
    plannedWork: PlannedWork[],
  ): Promise<BuiltReport> {
    await this.slot();
    try {
      const { topology, metrics, securityEvents, alerts, pki } = this.ctx;
      const securityAlerts = securityAlertsOf(alerts, period);
      const certificates = certificatesOf(pki);
      const englishTexts = new Map(
        (securityAlerts ?? []).map(({ alert }) => [
          alert.summary,
          alertSummaryIn('en', alert, period.utcOffsetMin),
        ]),
      );
      const report = await buildMonthlyReport({
        topology,
        store: metrics,
        period,
        silences,
        plannedWork,
        nowMs: this.now(),
        ...(scopeRoot === null ? {} : { scopeRoot }),
        // The report reads only `counts` from the log store, which the console's port provides.
        ...(securityEvents === null ? {} : { logStore: securityEvents as unknown as LogStore }),
        ...(securityAlerts === null ? {} : { securityAlerts }),
        ...(certificates === null ? {} : { certificates }),
      });
      return { report, englishTexts };
    } finally {
      // The slot passes straight to the next waiting build, so no third build slips in between.
      const next = this.waiting.shift();
      if (next === undefined) this.running -= 1;
      else next();
    }
  }

  private async slot(): Promise<void> {
    if (this.running < MAX_PARALLEL_BUILDS) this.running += 1;
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
  }
}

const caches = new WeakMap<ServerContext, ReportCache>();

/** One cache per console server. */
export function reportCacheOf(ctx: ServerContext): ReportCache {
  let cache = caches.get(ctx);
  if (cache === undefined) {
    cache = new ReportCache(ctx);
    caches.set(ctx, cache);
  }
  return cache;
}

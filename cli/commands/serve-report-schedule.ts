import { join } from 'node:path';
import type { EventBus } from '../../bus';
import type { Logger } from '../../common';
import type { Topology } from '../../inventory';
import type { LogStore } from '../../logs';
import type { MetricsStore } from '../../metrics';
import type { PkiService } from '../../pki';
import type { ReportSchedule } from '../../reports';
import { fail } from '../fail';

/** The serve config's `reportSchedule` (console/server/config.ts validates it). */
interface ReportScheduleConfig {
  dayOfMonth: number;
  at: string;
  formats: Array<'csv' | 'xlsx' | 'pdf'>;
  dir?: string;
  webhook?: {
    url: string;
    headers?: Record<string, string | { env: string }>;
    timeoutS: number;
  };
  chromium?: string;
}

/**
 * `serve`'s monthly report (config `reportSchedule`): the same report `egov-noc report` builds,
 * from the stores serve already has open, the alert engine's state file and the CA's index.
 */
export async function startServeReportSchedule(input: {
  config: { stateDir: string; reportSchedule?: ReportScheduleConfig };
  topology: Topology;
  metrics: MetricsStore;
  logStore: LogStore;
  alertsDbPath: string;
  pki: PkiService | null;
  utcOffsetMin: number;
  env: Readonly<Record<string, string | undefined>>;
  log: Logger;
  /** Each delivery's outcome goes out as `report.delivery`: the alert engine raises and clears on it. */
  bus: EventBus;
}): Promise<ReportSchedule | null> {
  const schedule = input.config.reportSchedule;
  if (schedule === undefined) return null;
  const { fileWebhook, readPlannedWorkAlerts, readSecurityAlerts, readSilences } =
    await import('../../alerts');
  const reports = await import('../../reports');
  let webhook: import('../../reports').ReportPoster | undefined;
  if (schedule.webhook) {
    const made = fileWebhook(
      {
        url: schedule.webhook.url,
        ...(schedule.webhook.headers ? { headers: schedule.webhook.headers } : {}),
        timeoutMs: schedule.webhook.timeoutS * 1000,
      },
      input.env,
    );
    if (!made.ok) fail(`reportSchedule.webhook: ${made.problems.join('; ')}`, 2);
    webhook = (file) =>
      made.webhook.post({
        content: file.content,
        contentType: file.contentType,
        fileName: file.fileName,
        dedupKey: file.dedupKey,
        headers: { 'x-egov-noc-report-month': file.month, 'x-egov-noc-report-format': file.format },
      });
  }
  return reports.startReportSchedule({
    due: { dayOfMonth: schedule.dayOfMonth, atLocal: schedule.at, utcOffsetMin: input.utcOffsetMin },
    formats: schedule.formats,
    networkId: input.topology.network.id,
    ...(schedule.dir === undefined ? {} : { dir: schedule.dir }),
    ...(webhook === undefined ? {} : { webhook }),
    stateFile: join(input.config.stateDir, 'report-schedule.json'),
    ...(schedule.chromium === undefined ? {} : { pdf: { executablePath: schedule.chromium } }),
    log: input.log,
    onDelivery: (outcome) => {
      const { atMs, ...rest } = outcome;
      input.bus.publish({ type: 'report.delivery', timeMs: atMs, ...rest });
    },
    build: async (period) =>
      reports.buildMonthlyReport({
        topology: input.topology,
        store: input.metrics,
        period,
        silences: readSilences(input.alertsDbPath),
        plannedWork: reports.plannedWorkOf(
          readPlannedWorkAlerts(input.alertsDbPath, period.startMs, period.endMs),
          period,
        ),
        securityAlerts: readSecurityAlerts(input.alertsDbPath, period.startMs, period.endMs),
        logStore: input.logStore,
        ...(input.pki === null ? {} : { certificates: input.pki.listCertificates({ limit: 100_000 }) }),
      }),
  });
}

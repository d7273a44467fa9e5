import { existsSync, readFileSync, renameSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { ensurePrivateDir, writePrivateFile, type Logger } from '../common';
import { parseMonth, type ReportPeriod } from './period';
import { renderReport, CONTENT_TYPES, type ReportFormat } from './render-format';
import type { PdfOptions } from './render-pdf';
import { dueReportMonth, type ReportDueTime } from './schedule-time';
import type { MonthlyReport } from './types';

/**
 * The monthly report delivered on its own: on the configured day and local time, last month's
 * report is built and written to a folder (0600 files in a 0700 folder) and/or POSTed to a webhook.
 * Each target remembers the last month it got (a state file, replaced atomically), so a restart
 * never delivers a month twice; a failed target is retried at every check, at most
 * `maxAttemptsPerMonth` times, each failure logged as an error and told to `onDelivery` (serve
 * publishes it on the bus: the alert engine's report-delivery rule keeps an alert open per target
 * until a delivery succeeds), as is each success.
 */

export interface ReportFile {
  month: string;
  format: ReportFormat;
  fileName: string;
  contentType: string;
  content: Buffer;
  /** Stable per network, month and format: a receiver can drop a repeat (delivery is at least once). */
  dedupKey: string;
}

/** POSTs one file; null when the receiver took it, else why not (already redacted: no secrets). */
export type ReportPoster = (file: ReportFile) => Promise<string | null>;

export type ReportTarget = 'folder' | 'webhook';

/** One attempt at one target: delivered, or why not (no secrets), the month's failed attempts so far. */
export interface DeliveryOutcome {
  atMs: number;
  month: string;
  target: ReportTarget;
  ok: boolean;
  error: string | null;
  attempts: number;
  /** The retries for this month are used up. */
  gaveUp: boolean;
}

export interface ReportScheduleOptions {
  due: ReportDueTime;
  formats: readonly ReportFormat[];
  networkId: string;
  /** Folder the files are written to. */
  dir?: string;
  webhook?: ReportPoster;
  /** Where the last delivered month of each target is kept (0600). */
  stateFile: string;
  build: (period: ReportPeriod) => Promise<MonthlyReport>;
  pdf?: PdfOptions;
  log: Logger;
  now?: () => number;
  /** How often the schedule looks whether a report is due (default 5 minutes). */
  checkEveryMs?: number;
  maxAttemptsPerMonth?: number;
  /** Off: no timer; call runDue() yourself (tests with a fake clock). */
  autoStart?: boolean;
  /** Told every attempt's outcome per target, after the state is saved (must not throw). */
  onDelivery?: (outcome: DeliveryOutcome) => void;
}

interface ScheduleState {
  delivered: Partial<Record<ReportTarget, { month: string; atMs: number }>>;
  failing: { month: string; attempts: number; lastError: string } | null;
}

export interface RunOutcome {
  month: string;
  delivered: ReportTarget[];
  failed: Array<{ target: ReportTarget; error: string }>;
  /** Nothing to do: every target has this month, or it gave up on it. */
  idle: boolean;
}

export interface ReportSchedule {
  runDue(): Promise<RunOutcome>;
  state(): ScheduleState;
  stop(): void;
}

const EMPTY_STATE: ScheduleState = { delivered: {}, failing: null };

function loadState(path: string, log: Logger): ScheduleState {
  if (!existsSync(path)) return structuredClone(EMPTY_STATE);
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as Partial<ScheduleState>;
    return { delivered: parsed.delivered ?? {}, failing: parsed.failing ?? null };
  } catch (error) {
    log.error({ path, err: String(error) }, 'report schedule state unreadable: starting afresh');
    return structuredClone(EMPTY_STATE);
  }
}

/** Written beside and renamed over: a crash leaves the old state or the new, never half of one. */
function saveState(path: string, state: ScheduleState): void {
  ensurePrivateDir(dirname(path));
  const temporary = join(dirname(path), `.${basename(path)}.tmp`);
  writePrivateFile(temporary, JSON.stringify(state));
  renameSync(temporary, path);
}

async function renderFiles(
  report: MonthlyReport,
  options: ReportScheduleOptions,
  month: string,
): Promise<ReportFile[]> {
  const files: ReportFile[] = [];
  for (const format of options.formats)
    files.push({
      month,
      format,
      fileName: `${options.networkId}-report-${month}.${format}`,
      contentType: CONTENT_TYPES[format],
      content: await renderReport(report, format, options.pdf),
      dedupKey: `report:${options.networkId}:${month}:${format}`,
    });
  return files;
}

function writeToFolder(dir: string, files: readonly ReportFile[]): void {
  ensurePrivateDir(dir);
  for (const file of files) {
    const temporary = join(dir, `.${file.fileName}.tmp`);
    writePrivateFile(temporary, file.content);
    renameSync(temporary, join(dir, file.fileName));
  }
}

async function postAll(poster: ReportPoster, files: readonly ReportFile[]): Promise<string | null> {
  for (const file of files) {
    const error = await poster(file);
    if (error !== null) return `${file.fileName}: ${error}`;
  }
  return null;
}

export function startReportSchedule(options: ReportScheduleOptions): ReportSchedule {
  const now = options.now ?? Date.now;
  const maxAttempts = options.maxAttemptsPerMonth ?? 12;
  const state = loadState(options.stateFile, options.log);
  const targets: ReportTarget[] = [
    ...(options.dir === undefined ? [] : ['folder' as const]),
    ...(options.webhook === undefined ? [] : ['webhook' as const]),
  ];
  let running: Promise<RunOutcome> | null = null;
  let firstRun = true;

  const deliver = async (target: ReportTarget, files: ReportFile[]): Promise<string | null> => {
    try {
      if (target === 'folder') {
        writeToFolder(options.dir as string, files);
        return null;
      }
      return await postAll(options.webhook as ReportPoster, files);
    } catch (error) {
      return error instanceof Error ? error.message : String(error);
    }
  };

  const recordFailure = (month: string, failed: RunOutcome['failed']): boolean => {
    const attempts = (state.failing?.month === month ? state.failing.attempts : 0) + 1;
    const lastError = failed.map((one) => `${one.target}: ${one.error}`).join('; ');
    state.failing = { month, attempts, lastError };
    const givingUp = attempts >= maxAttempts;
    options.log.error(
      { month, attempts, maxAttempts, targets: failed.map((one) => one.target), error: lastError },
      givingUp
        ? 'monthly report delivery failed; giving up on this month (deliver it with egov-noc report)'
        : 'monthly report delivery failed; retrying at the next check',
    );
    return givingUp;
  };

  const tell = (month: string, delivered: ReportTarget[], failed: RunOutcome['failed'], gaveUp: boolean) => {
    if (options.onDelivery === undefined) return;
    const atMs = now();
    const attempts = failed.length === 0 ? 0 : (state.failing?.attempts ?? 0);
    for (const target of delivered)
      options.onDelivery({ atMs, month, target, ok: true, error: null, attempts: 0, gaveUp: false });
    for (const one of failed)
      options.onDelivery({ atMs, month, target: one.target, ok: false, error: one.error, attempts, gaveUp });
  };

  const run = async (): Promise<RunOutcome> => {
    const month = dueReportMonth(now(), options.due);
    const pending = targets.filter((target) => (state.delivered[target]?.month ?? '') < month);
    const gaveUp = state.failing?.month === month && state.failing.attempts >= maxAttempts;
    if (pending.length === 0 || gaveUp) {
      if (firstRun)
        options.log.info(
          { month, targets, gaveUp, dayOfMonth: options.due.dayOfMonth, at: options.due.atLocal },
          gaveUp
            ? 'monthly report: gave up on the month due; the next one is delivered on its day'
            : 'monthly report: the month due was already delivered; the next one is delivered on its day',
        );
      firstRun = false;
      return { month, delivered: [], failed: [], idle: true };
    }
    firstRun = false;
    const failed: RunOutcome['failed'] = [];
    const delivered: ReportTarget[] = [];
    let files: ReportFile[] = [];
    try {
      const parsed = parseMonth(month, options.due.utcOffsetMin);
      if (!parsed.ok) throw new Error(parsed.reason);
      files = await renderFiles(await options.build(parsed.period), options, month);
    } catch (error) {
      failed.push(...pending.map((target) => ({ target, error: `building the report: ${String(error)}` })));
    }
    if (failed.length === 0)
      for (const target of pending) {
        const error = await deliver(target, files);
        if (error === null) {
          delivered.push(target);
          state.delivered[target] = { month, atMs: now() };
          options.log.info({ month, target, formats: options.formats }, 'monthly report delivered');
        } else failed.push({ target, error });
      }
    const givingUp = failed.length > 0 && recordFailure(month, failed);
    if (failed.length === 0 && state.failing?.month === month) state.failing = null;
    saveState(options.stateFile, state);
    tell(month, delivered, failed, givingUp);
    return { month, delivered, failed, idle: false };
  };

  const runDue = (): Promise<RunOutcome> => {
    // One run at a time: a slow PDF and the next check must not deliver the month twice.
    running ??= run().finally(() => (running = null));
    return running;
  };

  let timer: NodeJS.Timeout | null = null;
  if (options.autoStart ?? true) {
    const check = () =>
      void runDue().catch((error: unknown) =>
        options.log.error({ err: String(error) }, 'monthly report schedule failed'),
      );
    setImmediate(check);
    timer = setInterval(check, options.checkEveryMs ?? 5 * 60_000);
    timer.unref();
  }
  return {
    runDue,
    state: () => structuredClone(state),
    stop: () => {
      if (timer !== null) clearInterval(timer);
    },
  };
}

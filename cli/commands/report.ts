import type { Command } from 'commander';
import { readEnvironment } from '../environment';
import { fail } from '../fail';

/**
 * `egov-noc report`: the monthly availability and SLA report from the metrics store, as CSV, XLSX
 * or PDF. `--county ID` limits it to one county's subtree (what a county operator may see).
 */

const FORMATS = ['csv', 'xlsx', 'pdf'] as const;
type ReportFormat = (typeof FORMATS)[number];

interface ReportFlags {
  month: string;
  format: string;
  out: string;
  inventory: string;
  store: string;
  alertsDb?: string;
  logStore?: string;
  pkiDir?: string;
  county?: string;
  utcOffset?: string;
  chromium?: string;
}

function formatOf(text: string): ReportFormat {
  const format = FORMATS.find((candidate) => candidate === text);
  if (format === undefined) fail(`--format "${text.slice(0, 20)}" is not one of: ${FORMATS.join(', ')}`);
  return format;
}

function utcOffsetOf(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const minutes = Number(text);
  if (!Number.isInteger(minutes) || Math.abs(minutes) > 14 * 60)
    fail(`--utc-offset "${text.slice(0, 20)}" must be whole minutes east of UTC, e.g. 480 for China`);
  return minutes;
}

export function registerReportCommand(program: Command): void {
  program
    .command('report')
    .description('monthly availability and SLA report (csv, xlsx or pdf) from the metrics store')
    .requiredOption('--month <YYYY-MM>', 'the month, in the network’s local time (e.g. 2026-11)')
    .requiredOption('--format <format>', `one of ${FORMATS.join(', ')}`)
    .requiredOption('--out <file>', 'where to write the report (0600)')
    .requiredOption('--inventory <file>', 'inventory YAML')
    .requiredOption('--store <spec>', 'influx://HOST:PORT/DB, or a SQLite file path')
    .option(
      '--alerts-db <file>',
      "the alert engine's state file: its maintenance windows and planned work are excluded, and its security alerts (with their time to acknowledge) are reported",
    )
    .option(
      '--log-store <spec>',
      'add the security section from this log store: sqlite:PATH or postgres://HOST:PORT/DB (account from EGOV_NOC_LOGSTORE_USER / _PASSWORD)',
    )
    .option(
      '--pki-dir <dir>',
      "add the certificates section from this CA directory's index (read only, no passphrase)",
    )
    .option('--county <id>', "only this county's subtree (a county operator's report)")
    .option(
      '--utc-offset <minutes>',
      'local time of the month and of maintenance windows (default 480, China)',
    )
    .option('--chromium <path>', 'Chromium that prints the PDF (default /usr/bin/chromium)')
    .action(async (flags: ReportFlags) => {
      const format = formatOf(flags.format);
      const utcOffsetMin = utcOffsetOf(flags.utcOffset);
      const reports = await import('../../reports');
      const parsed = reports.parseMonth(flags.month, utcOffsetMin);
      if (!parsed.ok) fail(parsed.reason);
      const { formatInventoryError, loadInventory } = await import('../../inventory');
      const loaded = loadInventory(flags.inventory);
      if (!loaded.ok) {
        for (const error of loaded.errors) process.stderr.write(`${formatInventoryError(error)}\n`);
        fail(`${loaded.errors.length} error(s) in ${flags.inventory}`, 2);
      }
      const { topology } = loaded;
      const scopeRoot = flags.county === undefined ? undefined : topology.find(flags.county)?.id;
      if (flags.county !== undefined && scopeRoot === undefined)
        fail(`--county "${flags.county.slice(0, 60)}" is not a node of ${flags.inventory}`);
      const alertState = await readAlertStateOrFail(flags.alertsDb, parsed.period);
      const certificates = await readCertificatesOrFail(flags.pkiDir);
      const store = await openStoreOrFail(flags.store);
      const logStore = flags.logStore === undefined ? undefined : await openLogStoreOrFail(flags.logStore);
      try {
        const report = await reports.buildMonthlyReport({
          topology,
          store,
          period: parsed.period,
          silences: alertState?.silences ?? [],
          ...(alertState === undefined
            ? {}
            : {
                securityAlerts: alertState.securityAlerts,
                plannedWork: reports.plannedWorkOf(alertState.plannedAlerts, parsed.period),
              }),
          ...(certificates === undefined ? {} : { certificates }),
          ...(logStore === undefined ? {} : { logStore }),
          ...(scopeRoot === undefined ? {} : { scopeRoot }),
        });
        const content =
          format === 'csv'
            ? reports.renderCsv(report)
            : format === 'xlsx'
              ? await reports.renderXlsx(report)
              : await reports.renderPdf(report, flags.chromium ? { executablePath: flags.chromium } : {});
        const { writePrivateFile } = await import('../../common');
        writePrivateFile(flags.out, content);
        process.stdout.write(
          `report ${parsed.period.month}: ${report.nodes.length} nodes, ${report.outages.length} outages → ${flags.out}\n`,
        );
      } catch (error) {
        fail(`report: ${(error as Error).message}`);
      } finally {
        await store.close();
        await logStore?.close();
      }
    });
}

/** The alert engine's maintenance windows, planned work and the period's security alerts, through alerts/'s reader. */
async function readAlertStateOrFail(
  path: string | undefined,
  period: { startMs: number; endMs: number },
): Promise<
  | {
      silences: import('../../domain').Silence[];
      securityAlerts: import('../../alerts').ArchivedAlert[];
      plannedAlerts: import('../../domain').Alert[];
    }
  | undefined
> {
  if (path === undefined) return undefined;
  const { readPlannedWorkAlerts, readSecurityAlerts, readSilences } = await import('../../alerts');
  try {
    return {
      silences: readSilences(path),
      securityAlerts: readSecurityAlerts(path, period.startMs, period.endMs),
      plannedAlerts: readPlannedWorkAlerts(path, period.startMs, period.endMs),
    };
  } catch (error) {
    fail(`--alerts-db ${path}: ${(error as Error).message}`);
  }
}

async function readCertificatesOrFail(
  dir: string | undefined,
): Promise<import('../../pki').CertificateRecord[] | undefined> {
  if (dir === undefined) return undefined;
  const { readCertificateIndex } = await import('../../pki');
  try {
    return readCertificateIndex(dir);
  } catch (error) {
    fail(`--pki-dir ${dir}: ${(error as Error).message}`);
  }
}

async function openStoreOrFail(spec: string): Promise<import('../../metrics').MetricsStore> {
  const { describeMetricsSpec, openMetricsStore, parseMetricsSpec } = await import('../../metrics');
  const { createLogger } = await import('../../common');
  let described: string;
  try {
    described = describeMetricsSpec(parseMetricsSpec(spec));
  } catch (error) {
    fail((error as Error).message);
  }
  const environment = readEnvironment();
  const store = openMetricsStore(spec, {
    logger: createLogger({ level: environment.logLevel ?? 'warn' }).child({ part: 'metrics' }),
    ...(environment.influxCredentials ? { credentials: environment.influxCredentials } : {}),
  });
  try {
    await store.init();
  } catch (error) {
    fail(`metrics store ${described}: ${(error as Error).message}`);
  }
  return store;
}

async function openLogStoreOrFail(spec: string): Promise<import('../../logs').LogStore> {
  const { openLogStore, parseLogStoreSpec } = await import('../../logs');
  const { createLogger } = await import('../../common');
  const { existsSync } = await import('node:fs');
  let parsed;
  try {
    parsed = parseLogStoreSpec(spec);
  } catch (error) {
    fail(`--log-store: ${(error as Error).message}`);
  }
  // A report must not create an empty store where the path was mistyped.
  if (parsed.kind === 'sqlite' && parsed.path !== ':memory:' && !existsSync(parsed.path))
    fail(`--log-store: no log store at ${parsed.path}`);
  const environment = readEnvironment();
  const { user, password } = environment.logStore;
  // No init(): reading creates nothing, so a read-only database account is enough.
  return openLogStore(spec, {
    logger: createLogger({ level: environment.logLevel ?? 'warn' }),
    credentials: { ...(user === undefined ? {} : { user }), ...(password === undefined ? {} : { password }) },
  });
}

import type { Command } from 'commander';
import type { SchemaItem } from '../../metrics';
import { DEFAULT_RETENTION, checkRetention } from '../../metrics/retention';
import { readEnvironment } from '../environment';
import { fail } from '../fail';

const days = (value: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) fail(`expected a whole number of days >= 1, got "${value}"`);
  return n;
};

function printItems(items: SchemaItem[]): void {
  const width = Math.max(...items.map((i) => `${i.kind} ${i.name}`.length));
  for (const item of items) {
    const what = `${item.kind} ${item.name}`.padEnd(width);
    console.log(
      `${item.status.padEnd(9)} ${what}${item.detail === null ? '' : `  (${item.detail})`}`.trimEnd(),
    );
  }
}

export function registerInfluxCommand(program: Command): void {
  const influx = program
    .command('influx')
    .description('InfluxDB lifecycle: database, retention policies, continuous queries');

  influx
    .command('check')
    .description(
      'report each expected database, retention policy and continuous query as present, missing or different; ' +
        'exit 1 if anything is missing or different (with --fix: create or upgrade them, then check again)',
    )
    .option(
      '--url <spec>',
      'influx://HOST:PORT/DB (default: $INFLUX_URL); credentials from INFLUX_USERNAME/INFLUX_PASSWORD',
    )
    .option('--fix', 'create what is missing and upgrade what differs (never drops data)')
    .option('--raw-days <n>', 'raw retention in days', days, DEFAULT_RETENTION.rawRetentionDays)
    .option(
      '--rollup-days <n>',
      '5-minute rollup retention in days',
      days,
      DEFAULT_RETENTION.rollupRetentionDays,
    )
    .option(
      '--daily-days <n>',
      'daily reachability rollup retention in days',
      days,
      DEFAULT_RETENTION.dailyRetentionDays,
    )
    .action(
      async (opts: {
        url?: string;
        fix?: boolean;
        rawDays: number;
        rollupDays: number;
        dailyDays: number;
      }) => {
        const { InfluxDB } = await import('influx');
        const {
          applyInfluxSchema,
          checkInfluxSchema,
          describeMetricsSpec,
          expectedInfluxSchema,
          parseMetricsSpec,
        } = await import('../../metrics');
        const environment = readEnvironment();
        const specText = opts.url ?? environment.influxUrl;
        if (specText === undefined || specText === '')
          fail('influx check: give --url influx://HOST:PORT/DB or set INFLUX_URL');
        let spec;
        try {
          spec = parseMetricsSpec(specText);
        } catch (error) {
          fail(error instanceof Error ? error.message : String(error));
        }
        if (spec.kind !== 'influx')
          fail(`influx check: "${specText}" is not an InfluxDB URL (influx://HOST:PORT/DB)`);
        let retention;
        try {
          retention = checkRetention({
            rawRetentionDays: opts.rawDays,
            rollupRetentionDays: opts.rollupDays,
            dailyRetentionDays: opts.dailyDays,
          });
        } catch (error) {
          fail(error instanceof Error ? error.message : String(error));
        }
        const client = new InfluxDB({
          host: spec.host,
          port: spec.port,
          protocol: spec.protocol,
          ...(environment.influxCredentials ?? {}),
          pool: { maxRetries: 0, requestTimeout: 10_000 },
        });
        const expected = expectedInfluxSchema(spec.database, retention);
        const where = describeMetricsSpec(spec);
        let items: SchemaItem[];
        try {
          if (opts.fix === true) {
            const before = await applyInfluxSchema(client, expected);
            const changed = before.filter((i) => i.status !== 'present');
            for (const item of changed) {
              console.log(
                `${item.status === 'missing' ? 'created ' : 'upgraded'}  ${item.kind} ${item.name}`,
              );
            }
            if (changed.length === 0) console.log('nothing to fix');
          }
          items = await checkInfluxSchema(client, expected);
        } catch (error) {
          fail(
            `influx check: cannot check ${where}: ${error instanceof Error ? error.message : String(error)}`,
          );
        }
        console.log(`${where}:`);
        printItems(items);
        const bad = items.filter((i) => i.status !== 'present');
        if (bad.length > 0) {
          // Not fail(): process.exit() would cut off the report still queued for a piped stdout.
          process.stderr.write(
            `egov-noc: ${bad.length} of ${items.length} missing or different in ${where}; run with --fix to create or upgrade them\n`,
          );
          process.exitCode = 1;
        }
      },
    );
}

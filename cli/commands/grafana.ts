import { dirname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import type { ProvisionStep } from '../../grafana';
import { INFLUX_READ_PASSWORD_ENV } from '../../grafana/env';
import { readEnvironment } from '../environment';
import { fail } from '../fail';

/** Loaded on use: the dashboard SDK is large and only this command needs it. */
const loadGrafana = () => import('../../grafana');

const DEFAULT_OUT_DIR = 'docker/grafana/dashboards';
const DEFAULT_DB = 'egov_noc';

interface FileOptions {
  outDir?: string;
  provisioningDir?: string;
  influxUrl: string;
  influxDb: string;
}

/** Dashboards go to outDir; the provisioning YAML next to it (docker/grafana/provisioning by default). */
async function writeFiles(opts: FileOptions, outDir: string): Promise<void> {
  const { writeProvisioningFiles } = await loadGrafana();
  const dashboardsDir = resolve(outDir);
  const provisioningDir = resolve(opts.provisioningDir ?? join(dirname(dashboardsDir), 'provisioning'));
  const written = writeProvisioningFiles({
    dashboardsDir,
    provisioningDir,
    influxUrl: opts.influxUrl,
    influxDb: opts.influxDb,
  });
  for (const path of written) console.log(`wrote ${path}`);
}

const describe = (step: ProvisionStep): string =>
  `${step.action.padEnd(9)} ${step.kind.padEnd(10)} ${step.uid}  ${step.title}`;

export function registerGrafanaCommand(program: Command): void {
  const grafana = program
    .command('grafana')
    .description('Grafana dashboards for egov-noc metrics (built in code)');

  grafana
    .command('provision')
    .description(
      'create or update (by uid) the egov-noc folder, InfluxDB data source and dashboards in a running Grafana; ' +
        `the token may come from GRAFANA_TOKEN, the InfluxDB read password from ${INFLUX_READ_PASSWORD_ENV}`,
    )
    .requiredOption('--url <url>', 'Grafana base URL, e.g. http://127.0.0.1:3000')
    .option(
      '--token <token>',
      'Grafana service account token (role Admin); prefer the GRAFANA_TOKEN variable',
    )
    .option('--influx-url <url>', 'InfluxDB URL as the Grafana server reaches it', 'http://127.0.0.1:8086')
    .option('--influx-db <name>', 'InfluxDB database', DEFAULT_DB)
    .option('--influx-user <user>', 'read-only InfluxDB user for Grafana (omit when InfluxDB has no auth)')
    .option(
      '--out-dir <dir>',
      'also write the dashboards as JSON files here (provisioning YAML goes next to it)',
    )
    .option(
      '--provisioning-dir <dir>',
      'where to write provisioning YAML (default: <out-dir>/../provisioning)',
    )
    .option('--timeout-ms <ms>', 'per-request timeout', (v) => Number(v), 10_000)
    .action(
      async (opts: FileOptions & { url: string; token?: string; influxUser?: string; timeoutMs: number }) => {
        const environment = readEnvironment();
        const token = opts.token ?? environment.grafanaToken ?? '';
        if (token === '')
          fail(
            'no Grafana token: pass --token or set GRAFANA_TOKEN (a service account token with role Admin)',
          );
        if (!Number.isInteger(opts.timeoutMs) || opts.timeoutMs <= 0)
          fail('--timeout-ms must be a positive whole number');
        const { GrafanaError, provisionGrafana } = await loadGrafana();
        try {
          await provisionGrafana({
            grafanaUrl: opts.url,
            token,
            timeoutMs: opts.timeoutMs,
            influx: {
              url: opts.influxUrl,
              database: opts.influxDb,
              user: opts.influxUser,
              password: environment.influxReadPassword,
            },
            onConnected: (grafana) => console.log(`Grafana ${grafana.version} at ${grafana.url}`),
            onStep: (step) => console.log(describe(step)),
          });
        } catch (error) {
          if (error instanceof GrafanaError) fail(error.message);
          throw error;
        }
        if (opts.outDir !== undefined) await writeFiles(opts, opts.outDir);
      },
    );

  grafana
    .command('export')
    .description(
      'write the dashboards and Grafana provisioning files (no Grafana needed); docker/ ships their output',
    )
    .option('--out-dir <dir>', 'dashboards JSON directory', DEFAULT_OUT_DIR)
    .option('--provisioning-dir <dir>', 'provisioning YAML directory (default: <out-dir>/../provisioning)')
    .option('--influx-url <url>', 'InfluxDB URL as the Grafana server reaches it', 'http://influxdb:8086')
    .option('--influx-db <name>', 'InfluxDB database', DEFAULT_DB)
    .action(async (opts: FileOptions & { outDir: string }) => {
      await writeFiles(opts, opts.outDir);
    });
}

/**
 * The compose stack without Docker: a real influxd stands in for the `influxdb` service; the collector
 * and console run through the image's entrypoint with their compose command, environment and config
 * files (only host names and ports mapped to loopback); the collector polls the simulated Nanyang
 * network. Then every Grafana dashboard query runs against what the collector actually wrote.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDashboards } from '../../grafana';
import { rollupSelect } from '../../metrics/influx/schema';
import { DEFAULT_RETENTION } from '../../metrics/retention';
import {
  FakeContainer,
  appEnv,
  compose,
  healthcheck,
  killContainers,
  type Running,
} from '../docker/container';
import { freePort, startInfluxd, type Influxd } from '../support/influxd';

const DB = (appEnv.get('INFLUX_URL') ?? '').split('/').pop() ?? '';
let influxd: Influxd;
let simulator: ChildProcess;
let collector: Running;
let manifest: string;

async function influxql(
  q: string,
): Promise<Array<{ error?: string; series?: Array<{ values: unknown[][] }> }>> {
  const params = new URLSearchParams({ db: DB, q, epoch: 'ms' });
  const response = await fetch(`${influxd.url}/query?${params.toString()}`, { method: 'POST' });
  const body = (await response.json()) as {
    results?: Array<{ error?: string; series?: Array<{ values: unknown[][] }> }>;
  };
  return body.results ?? [];
}

/** The compose spec `influx://influxdb:8086/DB` with the service name mapped to the test's influxd. */
const storeSpec = () => `influx://127.0.0.1:${influxd.port}/${DB}`;

beforeAll(async () => {
  influxd = await startInfluxd();
  manifest = join(mkdtempSync(join(tmpdir(), 'egov-noc-stack-')), 'manifest.json');
  simulator = spawn(
    process.execPath,
    ['bin/egov-noc.js', 'simulate', '--inventory', 'configs/examples/nanyang.yaml', '--manifest', manifest],
    {
      stdio: 'ignore',
    },
  );
  const deadline = Date.now() + 30_000;
  while (!existsSync(manifest) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
  expect(existsSync(manifest)).toBe(true);

  const container = new FakeContainer('collector');
  const trapPort = await freePort();
  container.mountConfig('collect.yaml', (config) => {
    config.store = storeSpec();
    config.manifest = manifest;
    config.trapPort = trapPort;
    config.intervalS = 2;
    config.statusPeriodS = 2;
  });
  collector = container.start(compose.services.collector?.command ?? []);
  await collector.waitFor(`store influx`);
  // Rates need two polls; the collector's own health point comes every status period.
  const ready = Date.now() + 40_000;
  while (Date.now() < ready) {
    const [rates] = await influxql(`SELECT count("inBps") FROM "raw"."interface" WHERE time > now() - 5m`);
    const [self] = await influxql(`SELECT count("pollsPs") FROM "raw"."collector" WHERE time > now() - 5m`);
    const [video] = await influxql(`SELECT count("mos") FROM "raw"."video" WHERE time > now() - 5m`);
    const count = (r: typeof rates) => Number(r?.series?.[0]?.values[0]?.[1] ?? 0);
    if (count(rates) > 0 && count(self) > 0 && count(video) > 0) break;
    await new Promise((r) => setTimeout(r, 1000));
  }
}, 120_000);

afterAll(async () => {
  if (collector !== undefined && collector.child.exitCode === null) await collector.stop();
  killContainers();
  simulator?.kill('SIGTERM');
  await influxd?.destroy();
});

const variables: Record<string, string> = {
  tier: '.*',
  zone: '.*',
  node: 'xichuan-gw',
  ifName: '.*',
  link: '.*',
  collector: '.*',
  host: '.*',
};
const interpolate = (query: string): string =>
  query
    .replaceAll('$timeFilter', 'time > now() - 15m')
    .replaceAll('$__interval', '10s')
    .replace(/\$(\w+)/g, (whole, name: string) => variables[name] ?? whole);

describe('the compose stack, run directly on a real InfluxDB', () => {
  it('the collector container created the retention policies and writes the documented measurements', async () => {
    const [rps] = await influxql(`SHOW RETENTION POLICIES ON "${DB}"`);
    const names = (rps?.series?.[0]?.values ?? []).map((row) => row[0]);
    expect(names).toEqual(expect.arrayContaining(['raw', 'rollup_400d']));
    const [measurements] = await influxql('SHOW MEASUREMENTS');
    const have = (measurements?.series?.[0]?.values ?? []).map((row) => row[0]);
    expect(have).toEqual(
      expect.arrayContaining(['interface', 'node', 'storage', 'video', 'collector', 'host']),
    );
  });

  it('every Grafana panel query finds data the collector wrote', async () => {
    // The rollups the report dashboard reads: what the continuous query does every 5 minutes, once now.
    const [rolled] = await influxql(rollupSelect(DB, DEFAULT_RETENTION, 'time > now() - 1h'));
    expect(rolled?.error).toBeUndefined();
    const empty: string[] = [];
    for (const dashboard of buildDashboards()) {
      for (const panel of (dashboard.panels ?? []) as Array<{
        title?: string;
        targets?: Array<{ query: string; refId: string }>;
      }>) {
        for (const target of panel.targets ?? []) {
          const [result] = await influxql(interpolate(target.query));
          expect(result?.error, `${dashboard.uid} / ${panel.title}`).toBeUndefined();
          const values = (result?.series ?? []).flatMap((s) => s.values.map((row) => row[1]));
          if (!values.some((v) => typeof v === 'number'))
            empty.push(`${dashboard.uid} / ${panel.title} / ${target.refId}`);
        }
      }
    }
    // Errors, discards and unreachable counts may legitimately be all zero — but zero is a number, not "no data".
    expect(empty).toEqual([]);
  });

  it('the console container starts on the same InfluxDB after ca init, and its healthcheck passes', async () => {
    const container = new FakeContainer('console');
    const port = await freePort();
    container.mountConfig('serve.yaml', (config) => {
      config.metrics = storeSpec();
      config.host = '127.0.0.1';
      config.port = port;
    });
    const init = container.start([
      'ca',
      'init',
      '--dir',
      '/var/lib/egov-noc/ca',
      '--inventory',
      '/etc/egov-noc/network/inventory.yaml',
    ]);
    expect(await init.exited, init.err).toBe(0);
    const console = container.start(compose.services.console?.command ?? []);
    await console.waitFor(`egov-noc console on http://127.0.0.1:${port}`);
    const health = await healthcheck({
      PATH: container.env.PATH ?? '',
      EGOV_NOC_ROLE: 'serve',
      EGOV_NOC_PORT: String(port),
    });
    expect(health.code, health.err).toBe(0);
    expect(await console.stop()).toBe(0);
  });

  it('the collector stops cleanly on SIGTERM (docker stop), flushing the store', async () => {
    expect(await collector.stop()).toBe(0);
    expect(collector.out).toContain('stopped after');
  });
});

/**
 * The compose stack without Docker: real influxd and nats-server stand in for the `influxdb` and `nats`
 * services; the console and the collector run through the image's entrypoint with their compose
 * command, environment and config files (only service host names and ports mapped to loopback), the
 * console set up with docker/README.md's first-start step (ca init); the collector polls the simulated
 * Nanyang network. Checks: the collector's events reach the console over NATS (its live state), and
 * every Grafana dashboard query finds data in what the collector actually wrote.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LiveStateResponse } from '../../console/shared';
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
import { startNatsServer } from '../support/nats-server';
import { freeUdpPort } from '../support/snmpd';
import { waitUntil } from '../support/wait';

const DB = (appEnv.get('INFLUX_URL') ?? '').split('/').pop() ?? '';
let influxd: Influxd;
let nats: { url: string; stop: () => Promise<void> };
let simulator: ChildProcess;
let consoleContainer: FakeContainer;
let consoleRun: Running;
let consolePort: number;
let collector: Running;

type InfluxResult = { error?: string; series?: Array<{ values: unknown[][] }> };
async function influxql(q: string): Promise<InfluxResult[]> {
  const params = new URLSearchParams({ db: DB, q, epoch: 'ms' });
  const response = await fetch(`${influxd.url}/query?${params.toString()}`, { method: 'POST' });
  const body = (await response.json()) as { results?: InfluxResult[] };
  return body.results ?? [];
}
const count = (r: InfluxResult | undefined): number => Number(r?.series?.[0]?.values[0]?.[1] ?? 0);

/** compose's `influx://influxdb:8086/DB` and `nats://nats:4222`, with the service names mapped to the test's servers. */
const storeSpec = () => `influx://127.0.0.1:${influxd.port}/${DB}`;

beforeAll(async () => {
  influxd = await startInfluxd();
  nats = await startNatsServer();
  const manifest = join(mkdtempSync(join(tmpdir(), 'egov-noc-stack-')), 'manifest.json');
  simulator = spawn(
    process.execPath,
    ['bin/egov-noc.js', 'simulate', '--inventory', 'configs/examples/nanyang.yaml', '--manifest', manifest],
    { stdio: 'ignore' },
  );

  // The console first, as compose would have it up by the time the collector's events flow.
  consoleContainer = new FakeContainer('console');
  consolePort = await freePort();
  consoleContainer.mountConfig('serve.yaml', (config) => {
    config.metrics = storeSpec();
    config.bus = nats.url;
    // The PostgreSQL log store has its own tests (logs-store-postgres); here the console reads a file.
    config.logStore = `sqlite:${consoleContainer.path('/var/lib/egov-noc/logs.sqlite')}`;
    config.host = '127.0.0.1';
    config.port = consolePort;
  });
  const init = consoleContainer.start([
    'ca',
    'init',
    '--dir',
    '/var/lib/egov-noc/ca',
    '--inventory',
    '/etc/egov-noc/network/inventory.yaml',
  ]);
  expect(await init.exited, init.err).toBe(0);
  consoleRun = consoleContainer.start(compose.services.console?.command ?? []);
  await consoleRun.waitFor(`egov-noc console on http://127.0.0.1:${consolePort}`);

  await waitUntil(`the simulator's manifest ${manifest}`, () => existsSync(manifest), {
    timeoutMs: 30_000,
    intervalMs: 200,
  });
  const container = new FakeContainer('collector');
  const trapPort = await freeUdpPort();
  container.mountConfig('collect.yaml', (config) => {
    config.store = storeSpec();
    config.bus = nats.url;
    config.manifest = manifest;
    config.trapPort = trapPort;
    config.syslog = { port: 0, address: '127.0.0.1' };
    config.logStore = `sqlite:${container.path('/var/lib/egov-noc/logs.sqlite')}`;
    config.intervalS = 2;
    config.statusPeriodS = 2;
    config.opsListen = '127.0.0.1:0';
  });
  collector = container.start(compose.services.collector?.command ?? []);
  await collector.waitFor(`events go to ${nats.url}`);
  // Rates need two polls; the collector's own health point comes every status period.
  await waitUntil(
    "rates, the collector's own health and video quality in InfluxDB",
    async () => {
      const [rates] = await influxql(`SELECT count("inBps") FROM "raw"."interface" WHERE time > now() - 5m`);
      const [self] = await influxql(`SELECT count("pollsPs") FROM "raw"."collector" WHERE time > now() - 5m`);
      const [video] = await influxql(`SELECT count("mos") FROM "raw"."video" WHERE time > now() - 5m`);
      return count(rates) > 0 && count(self) > 0 && count(video) > 0;
    },
    { timeoutMs: 40_000, intervalMs: 1000 },
  ).catch(() => undefined); // each test below says which of them is missing
}, 180_000);

afterAll(async () => {
  for (const run of [collector, consoleRun])
    if (run !== undefined && run.child.exitCode === null) await run.stop();
  killContainers();
  simulator?.kill('SIGTERM');
  await nats?.stop();
  await influxd?.destroy();
});

const ROUTER_NODE = 'xichuan-gw';
const variables: Record<string, string> = {
  tier: '.*',
  zone: '.*',
  node: ROUTER_NODE,
  ifName: '.*',
  link: '.*',
  collector: '.*',
  host: '.*',
};
const interpolate = (query: string, node = ROUTER_NODE): string =>
  query
    .replaceAll('$timeFilter', 'time > now() - 15m')
    .replaceAll('$__interval', '10s')
    .replace(/\$(\w+)/g, (whole, name: string) => (name === 'node' ? node : (variables[name] ?? whole)));
/** Storage (HOST-RESOURCES) comes from hosts only: a Huawei router answers its own MIBs, not hrStorage. */
const HOST_NODE = 'ny-dx';

describe('the compose stack, run directly on real InfluxDB and NATS', () => {
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

  it("the collector's events reach the console container over NATS: its live state shows the nodes polled", async () => {
    const login = /First start: created user "(\w+)" with password (\S+)/.exec(consoleRun.out);
    expect(login, consoleRun.out).not.toBeNull();
    const base = `http://127.0.0.1:${consolePort}`;
    const session = await fetch(`${base}/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: login?.[1], password: login?.[2] }),
    });
    expect(session.status).toBe(200);
    const cookie = (session.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    let reachable = 0;
    let state: LiveStateResponse | null = null;
    await waitUntil(
      'a reachable node in /api/state',
      async () => {
        const response = await fetch(`${base}/api/state`, { headers: { cookie } });
        expect(response.status).toBe(200);
        state = (await response.json()) as LiveStateResponse;
        reachable = state.nodes.filter((n) => n.reachability === 'reachable' && n.lastSeenMs !== null).length;
        return reachable > 0;
      },
      { timeoutMs: 20_000, intervalMs: 500 },
    ).catch(() => undefined); // the assertion below shows the nodes
    expect(reachable, JSON.stringify((state as LiveStateResponse | null)?.nodes.slice(0, 3))).toBeGreaterThan(
      0,
    );
  });

  it('every Grafana panel query finds data the collector wrote', async () => {
    // The rollups the report dashboard reads: what the continuous query does every 5 minutes, once now.
    const [rolled] = await influxql(rollupSelect(DB, DEFAULT_RETENTION, 'time > now() - 1h'));
    expect(rolled?.error).toBeUndefined();
    const empty: string[] = [];
    for (const dashboard of buildDashboards()) {
      const panels = (dashboard.panels ?? []) as Array<{
        title?: string;
        targets?: Array<{ query: string; refId: string }>;
      }>;
      for (const panel of panels) {
        for (const target of panel.targets ?? []) {
          const numbersOn = async (node: string) => {
            const [result] = await influxql(interpolate(target.query, node));
            expect(result?.error, `${dashboard.uid} / ${panel.title}`).toBeUndefined();
            const values = (result?.series ?? []).flatMap((s) => s.values.map((row) => row[1]));
            return values.some((v) => typeof v === 'number');
          };
          // A panel for one node must find data on a router or, for host-only measurements, a host.
          if (!(await numbersOn(ROUTER_NODE)) && !(await numbersOn(HOST_NODE)))
            empty.push(`${dashboard.uid} / ${panel.title} / ${target.refId}`);
        }
      }
    }
    // Errors, discards and unreachable counts may well be zero — but zero is a number, not "no data".
    expect(empty).toEqual([]);
  });

  it("the image's healthcheck passes against the console container", async () => {
    const health = await healthcheck({
      PATH: consoleContainer.env.PATH ?? '',
      EGOV_NOC_ROLE: 'serve',
      EGOV_NOC_PORT: String(consolePort),
    });
    expect(health.code, health.err).toBe(0);
  });

  it('both stop cleanly on SIGTERM (docker stop), the collector flushing its store', async () => {
    expect(await collector.stop()).toBe(0);
    expect(collector.out).toContain('stopped after');
    expect(await consoleRun.stop()).toBe(0);
  });
});

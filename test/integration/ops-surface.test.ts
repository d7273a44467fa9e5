/**
 * The operator surface of the built CLI: `egov-noc serve` and `egov-noc collect --ops-listen` answer
 * /healthz, /readyz and /metrics. With a real influxd as the metrics store, /readyz turns 503 naming
 * the failing store when influxd stops and 200 again when it returns; /metrics passes Debian's
 * `promtool check metrics` (package prometheus) and holds the series operators graph, the log store's
 * buffer and its bound (--log-buffer-events) among them; a metrics token keeps /metrics from callers
 * without it.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, expect, test, vi } from 'vitest';
import { freePort, startInfluxd, type Influxd } from '../support/influxd';
import { freeUdpPort } from '../support/snmpd';

const BIN = resolve('bin/egov-noc.js');
const INVENTORY = resolve('configs/examples/nanyang.yaml');
const METRICS_TOKEN = 'scrape-token-7f3a9c';
const dir = mkdtempSync(join(tmpdir(), 'ops-surface-'));
const children: ChildProcess[] = [];
let influxd: Influxd;
let consoleUrl = '';
let collectorUrl = '';

function start(args: string[], env: Record<string, string> = {}): { output: () => string } {
  const child = spawn(process.execPath, [BIN, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, LOG_LEVEL: 'warn', ...env },
  });
  children.push(child);
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return { output: () => output };
}

async function waitForOutput(process: { output: () => string }, pattern: RegExp): Promise<void> {
  await vi.waitFor(
    () => {
      if (!pattern.test(process.output())) throw new Error(`waiting for ${pattern}: ${process.output()}`);
    },
    { timeout: 45_000, interval: 100 },
  );
}

beforeAll(async () => {
  influxd = await startInfluxd();
  const store = `influx://127.0.0.1:${influxd.port}/egov_ops`;
  const manifest = join(dir, 'manifest.json');
  const simulator = start([
    'simulate',
    '--inventory',
    INVENTORY,
    '--manifest',
    manifest,
    '--control-file',
    join(dir, 'control.json'),
  ]);
  await waitForOutput(simulator, /agents/);
  expect(existsSync(manifest)).toBe(true);

  const opsPort = await freePort();
  const syslogPort = await freeUdpPort();
  const collector = start([
    'collect',
    '--inventory',
    INVENTORY,
    '--manifest',
    manifest,
    '--store',
    store,
    '--interval',
    '2',
    '--status-period',
    '2',
    '--ops-listen',
    `127.0.0.1:${opsPort}`,
    '--syslog-port',
    String(syslogPort),
    '--log-store',
    `sqlite:${join(dir, 'logs.sqlite')}`,
    '--log-buffer-events',
    '50000',
  ]);
  await waitForOutput(collector, /\/healthz \/readyz \/metrics on http:\/\/127\.0\.0\.1:\d+/);
  collectorUrl = `http://127.0.0.1:${opsPort}`;

  const consolePort = await freePort();
  const config = join(dir, 'serve.yaml');
  writeFileSync(
    config,
    [`inventory: ${INVENTORY}`, 'stateDir: state', `port: ${consolePort}`, `metrics: ${store}`].join('\n'),
  );
  const server = start(['serve', '--config', config], { EGOV_NOC_METRICS_TOKEN: METRICS_TOKEN });
  await waitForOutput(server, /egov-noc console on http:\/\//);
  consoleUrl = `http://127.0.0.1:${consolePort}`;
}, 120_000);

afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  await influxd?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function readiness(
  url: string,
): Promise<{ status: number; body: { status: string; checks: Record<string, string> } }> {
  const response = await fetch(`${url}/readyz`);
  return {
    status: response.status,
    body: (await response.json()) as { status: string; checks: Record<string, string> },
  };
}

test('/healthz answers on both', async () => {
  for (const url of [consoleUrl, collectorUrl]) {
    const response = await fetch(`${url}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'alive' });
  }
});

/** The readiness answer in short: HTTP status, overall status, the metrics store's and the bus's check. */
async function readinessSummary(url: string): Promise<string> {
  const { status, body } = await readiness(url);
  return `${status} ${body.status} metrics-store=${body.checks['metrics-store']} bus=${body.checks.bus}`;
}

test('/readyz turns unready when InfluxDB stops and ready when it returns', async () => {
  for (const url of [consoleUrl, collectorUrl])
    expect(await readinessSummary(url)).toBe('200 ready metrics-store=ok bus=ok');
  await influxd.stop({ kill: true });
  for (const url of [consoleUrl, collectorUrl])
    await expect
      .poll(() => readinessSummary(url), { timeout: 20_000 })
      .toBe('503 unready metrics-store=failing bus=ok');
  await influxd.restart();
  for (const url of [consoleUrl, collectorUrl])
    await expect
      .poll(() => readinessSummary(url), { timeout: 20_000 })
      .toBe('200 ready metrics-store=ok bus=ok');
});

function promtoolCheck(text: string): { status: number | null; output: string } {
  const result = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

test("the collector's /metrics parses with promtool and counts polls, latency, lag, the spool and the log store's buffer", async () => {
  await expect
    .poll(
      async () =>
        (await (await fetch(`${collectorUrl}/metrics`)).text()).match(
          /^egov_noc_polls_total\{outcome="ok"\} (\d+)/m,
        )?.[1],
      {
        timeout: 30_000,
      },
    )
    .toMatch(/^[1-9]\d*$/);
  const text = await (await fetch(`${collectorUrl}/metrics`)).text();
  const checked = promtoolCheck(text);
  expect(checked.output).not.toMatch(/error/i);
  expect(checked.status).toBe(0);
  for (const series of [
    /^egov_noc_poll_duration_seconds_bucket\{le="0\.1"\} \d+/m,
    /^egov_noc_poll_queue_lag_seconds \S+/m,
    /^egov_noc_metrics_store_spooled_points \d+/m,
    /^egov_noc_syslog_messages_received_total \d+/m,
    /^egov_noc_log_store_buffered_events \d+$/m,
    /^egov_noc_log_store_buffered_bytes \d+$/m,
    /^egov_noc_log_store_buffer_max_events 50000$/m,
    /^egov_noc_log_store_buffer_max_bytes 33554432$/m,
    /^egov_noc_log_store_backend_up 1$/m,
    /^egov_noc_log_store_dropped_events_total 0$/m,
  ])
    expect(text).toMatch(series);
});

test("the console's /metrics wants its token, then parses with promtool: requests by route, clients, alerts", async () => {
  expect((await fetch(`${consoleUrl}/metrics`)).status).toBe(401);
  expect((await fetch(`${consoleUrl}/metrics`, { headers: { authorization: 'Bearer wrong' } })).status).toBe(
    401,
  );
  await fetch(`${consoleUrl}/api/alerts`);
  const response = await fetch(`${consoleUrl}/metrics`, {
    headers: { authorization: `Bearer ${METRICS_TOKEN}` },
  });
  expect(response.status).toBe(200);
  const text = await response.text();
  const checked = promtoolCheck(text);
  expect(checked.output).not.toMatch(/error/i);
  expect(checked.status).toBe(0);
  expect(text).toMatch(
    /^egov_noc_http_requests_total\{method="GET",route="\/api\/alerts",status="401"\} 1$/m,
  );
  expect(text).toMatch(/^egov_noc_websocket_clients 0$/m);
  expect(text).toMatch(/^# TYPE egov_noc_alerts gauge$/m);
  expect(text).not.toContain(METRICS_TOKEN);
});

test('the collector listener answers only its three paths, GET only', async () => {
  expect((await fetch(`${collectorUrl}/other`)).status).toBe(404);
  expect((await fetch(`${collectorUrl}/metrics`, { method: 'POST', body: 'x' })).status).toBe(405);
});

/**
 * `egov-noc bench checks`: HTTP service checks per minute per CPU core, against a node:http portal
 * (a 20 KB page) in a process of its own, so its CPU is not counted with the checker's (it is
 * reported beside). Baseline, same run, same server, same keep-alive sockets: a bare `http.get` loop
 * that reads each body. Ours: the service-check runner as `egov-noc collect` runs it — status,
 * expected text (RE2), defacement (ignored region, forbidden words, SHA-256) and staleness on every
 * check — each run a `service` point and a `service.check` event on the in-process bus.
 */
import { spawn } from 'node:child_process';
import http from 'node:http';
import { cpus, loadavg } from 'node:os';
import { InProcessBus } from '../bus/index';
import { parseChecks, startServiceChecks } from '../collector/checks/index';
import { silentLogger } from '../common';
import type { MetricPoint } from '../domain';
import { loadInventory } from '../inventory/index';
import type { MetricsStore } from '../metrics/index';
import { cpuSecondsOf, ownCpuSeconds } from './support/proc';

const CHECKS = 200;
const ROUNDS = Number(process.env.BENCH_CHECKS_ROUNDS) || 40;
const SOCKETS = 8;
const TARGET_PER_MIN_PER_CORE = 10_000;

const SERVER = `
const http = require('node:http');
const news = Array.from({ length: 120 }, (_, i) => '<li><a href="/news/' + i + '">南阳市政务新闻第' + i + '条 全市工作例会召开</a></li>').join('');
let visits = 0;
http.createServer((req, res) => {
  visits++;
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'last-modified': 'Thu, 26 Nov 2026 02:00:00 GMT' });
  res.end('<html><head><title>南阳市人民政府</title></head><body><h1>南阳市人民政府门户网站</h1><div id="counter">' + visits + '</div><ul>' + news + '</ul></body></html>');
}).listen(0, '127.0.0.1', function () { process.stdout.write(String(this.address().port) + '\\n'); });
`;

interface Measured {
  checks: number;
  cpuS: number;
  wallS: number;
  serverCpuS: number;
}

/** A store that only counts: the bench measures checks, not SQLite (bench metrics does that). */
class CountingStore {
  points = 0;
  write(points: MetricPoint[]): void {
    this.points += points.length;
  }
}

async function startServer(): Promise<{ port: number; pid: number; stop: () => void }> {
  const child = spawn(process.execPath, ['-e', SERVER], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolvePort, reject) => {
    child.stdout.once('data', (chunk: Buffer) => resolvePort(Number(chunk.toString().trim())));
    child.once('exit', (code) => reject(new Error(`portal server exited (${code})`)));
  });
  return { port, pid: child.pid ?? 0, stop: () => child.kill('SIGTERM') };
}

async function measure(serverPid: number, work: () => Promise<number>): Promise<Measured> {
  const cpu0 = ownCpuSeconds();
  const server0 = cpuSecondsOf(serverPid);
  const wall0 = performance.now();
  const checks = await work();
  return {
    checks,
    cpuS: ownCpuSeconds() - cpu0,
    wallS: (performance.now() - wall0) / 1000,
    serverCpuS: cpuSecondsOf(serverPid) - server0,
  };
}

/** Bare keep-alive GETs reading each body, CHECKS at a time, ROUNDS times. */
async function bareGets(port: number, rounds: number): Promise<number> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: SOCKETS });
  const get = () =>
    new Promise<void>((resolveGet, reject) => {
      http
        .get({ host: '127.0.0.1', port, path: '/', agent }, (res) => {
          res.on('data', () => undefined);
          res.on('end', resolveGet);
          res.on('error', reject);
        })
        .on('error', reject);
    });
  let done = 0;
  for (let round = 0; round < rounds; round++) {
    await Promise.all(Array.from({ length: CHECKS }, get));
    done += CHECKS;
  }
  agent.destroy();
  return done;
}

async function serviceChecks(port: number, rounds: number): Promise<number> {
  const loaded = loadInventory('configs/examples/nanyang.yaml');
  if (!loaded.ok) throw new Error('configs/examples/nanyang.yaml does not load');
  const nodes = loaded.topology.nodes;
  const yaml = ['checks:']
    .concat(
      Array.from({ length: CHECKS }, (_, i) =>
        [
          `  - id: portal-${i}`,
          `    node: ${nodes[i % nodes.length]?.id ?? 'ny-core'}`,
          '    kind: http',
          `    url: "http://127.0.0.1:${port}/?check=${i}"`,
          '    expectText: "人民政府"',
          `    defacement: { ignore: ['<div id="counter">.*?</div>'], forbiddenWords: ["hacked by", "黑客"] }`,
          '    staleness: { after: 3d }',
        ].join('\n'),
      ),
    )
    .join('\n');
  const parsed = parseChecks('bench-checks.yaml', yaml, loaded.topology, process.cwd());
  if (!parsed.ok) throw new Error(parsed.errors.map((e) => `${e.line} ${e.field}: ${e.message}`).join('; '));
  const bus = new InProcessBus();
  let events = 0;
  bus.subscribe('service.check', () => events++);
  const store = new CountingStore();
  const runner = startServiceChecks({
    checks: parsed.checks,
    store: store as unknown as MetricsStore,
    bus,
    logger: silentLogger(),
    schedule: false,
  });
  let done = 0;
  for (let round = 0; round < rounds; round++) {
    const results = await runner.runNow();
    done += results.filter((event) => event.up).length;
  }
  await runner.stop();
  if (events !== done || store.points !== done)
    throw new Error(`counted ${done} checks up, ${events} events, ${store.points} points`);
  return done;
}

const perMinPerCore = (m: Measured) => (m.checks / m.cpuS) * 60;
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

export async function run(): Promise<void> {
  const server = await startServer();
  try {
    const load = loadavg()[0] ?? 0;
    console.log(
      `${CHECKS} checks × ${ROUNDS} rounds against a node:http portal (own process), ${SOCKETS} keep-alive sockets; ` +
        `${cpus().length} CPUs, load ${load.toFixed(1)}`,
    );
    // Warm both paths (JIT, sockets) before measuring.
    await bareGets(server.port, 3);
    await serviceChecks(server.port, 3);
    const bare = await measure(server.pid, () => bareGets(server.port, ROUNDS));
    const ours = await measure(server.pid, () => serviceChecks(server.port, ROUNDS));
    const rows = [
      { measure: 'bare http.get, body read (baseline)', m: bare },
      { measure: 'service checks (status, RE2 text, defacement, staleness, point + event)', m: ours },
    ].map(({ measure: name, m }) => ({
      measure: name,
      checks: fmt(m.checks),
      'checker CPU-s': m.cpuS.toFixed(2),
      'per min per core': fmt(perMinPerCore(m)),
      'wall per min': fmt((m.checks / m.wallS) * 60),
      'server CPU-s (excluded)': m.serverCpuS.toFixed(2),
    }));
    console.table(rows);
    const ratio = perMinPerCore(ours) / perMinPerCore(bare);
    const verdict = perMinPerCore(ours) >= TARGET_PER_MIN_PER_CORE ? 'PASS' : 'FAIL';
    console.log(
      `checks: ${fmt(perMinPerCore(ours))} HTTP checks per minute per core (${(ratio * 100).toFixed(0)}% of the bare GET loop's ` +
        `${fmt(perMinPerCore(bare))}); target ≥ ${fmt(TARGET_PER_MIN_PER_CORE)}: ${verdict}`,
    );
  } finally {
    server.stop();
  }
}

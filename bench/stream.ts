/**
 * Trap → alert → 1,000 WebSocket clients, against a bare `ws` broadcast of the same frames in the
 * same run; then REST alert-list requests/s under 50 concurrent clients.
 *
 * Setup: a generated province inventory, the real alert engine (correlation window 0, so an uplink
 * trap becomes an alert at the engine's next tick instead of waiting 3 s for a root cause), the
 * console server on loopback, and the clients in a worker thread (the other core), each parsing every
 * frame as a browser would. Latency = client receipt − the moment the trap was published on the bus
 * (same clock: performance.timeOrigin + now()). Bounded: 1,000 clients, fixed event counts, 60 s caps.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:http';
import { gzipSync } from 'node:zlib';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance as nodePerformance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { pino } from 'pino';
import { WebSocketServer, type WebSocket } from 'ws';
import { startAlertEngine } from '../alerts';
import { InProcessBus } from '../bus';
import { startConsoleServer } from '../console/server';
import { generateInventoryYaml } from '../inventory/generate';
import { loadInventoryText, type Topology } from '../inventory';
import { type NodeId } from '../domain';
import { openMetricsStore } from '../metrics';
import { percentile } from './percentile';
import { silentLogger } from '../common';

const CLIENTS = 1000;
const PACED_EVENTS = 60;
const PACE_MS = 100;
const BURST_EVENTS = 150;
/** Console and bare bursts alternate, so both see the same machine load. */
const BURST_ROUNDS = 2;
const REST_CLIENTS = 50;
const REST_SECONDS = 3;
/** REST rounds, console and bare alternating (REST_SECONDS each). */
const REST_ROUNDS = 3;
const PHASE_CAP_MS = 60_000;
const ENGINE_TICK_MS = 5;

const now = () => performance.timeOrigin + performance.now();

// The client side, in a worker (plain JS, CommonJS eval): connect, subscribe, record receipt times.
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const WebSocket = require(workerData.wsPath);
const now = () => performance.timeOrigin + performance.now();
let sockets = [];
let receipts = new Map(); // key -> array of receipt times
let frames = new Map();   // key -> one raw frame (for the bare broadcast)
function record(text) {
  const at = now();
  const message = JSON.parse(text);
  if (message.type !== 'alert' || message.change !== 'opened') return;
  const key = message.alert.node;
  let list = receipts.get(key);
  if (!list) { list = []; receipts.set(key, list); frames.set(key, text); }
  list.push(at);
}
async function connect(url, headers, count, subscribe) {
  let open = 0;
  await new Promise((resolve, reject) => {
    for (let i = 0; i < count; i++) {
      const ws = new WebSocket(url, { headers, perMessageDeflate: false });
      ws.on('open', () => { if (subscribe) ws.send(JSON.stringify({ type: 'subscribe', filter: {} })); if (++open === count) resolve(); });
      ws.on('message', (data) => record(data.toString()));
      ws.on('error', reject);
      sockets.push(ws);
    }
  });
}
async function rest(url, cookie, clients, seconds) {
  const latencies = [];
  const until = now() + seconds * 1000;
  let failures = 0;
  await Promise.all(Array.from({ length: clients }, async () => {
    while (now() < until) {
      const started = now();
      const response = await fetch(url, { headers: { cookie } });
      await response.arrayBuffer();
      if (response.status !== 200) failures++;
      latencies.push(now() - started);
    }
  }));
  return { latencies, failures };
}
parentPort.on('message', async (command) => {
  if (command.type === 'connect') {
    await connect(command.url, command.headers, command.count, command.subscribe);
    parentPort.postMessage({ type: 'connected' });
  } else if (command.type === 'collect') {
    parentPort.postMessage({ type: 'collected', receipts: [...receipts], frames: [...frames] });
    receipts = new Map();
    frames = new Map();
  } else if (command.type === 'close') {
    for (const ws of sockets) ws.terminate();
    sockets = [];
    parentPort.postMessage({ type: 'closed' });
  } else if (command.type === 'rest') {
    const result = await rest(command.url, command.cookie, command.clients, command.seconds);
    parentPort.postMessage({ type: 'rested', ...result });
  }
});
`;

class Clients {
  private readonly worker = new Worker(WORKER, { eval: true, workerData: { wsPath: require_resolve('ws') } });
  private ask<T>(command: object, reply: string): Promise<T> {
    return new Promise((resolve, reject) => {
      const onMessage = (message: { type: string }) => {
        if (message.type !== reply) return;
        this.worker.off('message', onMessage);
        this.worker.off('error', reject);
        resolve(message as T);
      };
      this.worker.on('message', onMessage);
      this.worker.once('error', reject);
      this.worker.postMessage(command);
    });
  }
  connect(url: string, headers: Record<string, string>, subscribe: boolean) {
    return this.ask({ type: 'connect', url, headers, count: CLIENTS, subscribe }, 'connected');
  }
  collect() {
    return this.ask<{ receipts: Array<[string, number[]]>; frames: Array<[string, string]> }>(
      { type: 'collect' },
      'collected',
    );
  }
  close() {
    return this.ask({ type: 'close' }, 'closed');
  }
  rest(url: string, cookie: string) {
    return this.ask<{ latencies: number[]; failures: number }>(
      { type: 'rest', url, cookie, clients: REST_CLIENTS, seconds: REST_SECONDS },
      'rested',
    );
  }
  terminate() {
    return this.worker.terminate();
  }
}

function require_resolve(name: string): string {
  return createRequire(import.meta.url).resolve(name);
}

interface PhaseResult {
  p50Ms: number;
  p99Ms: number;
  deliveries: number;
  expected: number;
  perS: number;
}

function summarize(
  sentAt: Map<string, number>,
  receipts: Array<[string, number[]]>,
  expected: number,
): PhaseResult {
  const latencies: number[] = [];
  let first = Infinity;
  let last = 0;
  for (const [key, times] of receipts) {
    const sent = sentAt.get(key);
    if (sent === undefined) continue;
    first = Math.min(first, sent);
    for (const at of times) {
      latencies.push(at - sent);
      last = Math.max(last, at);
    }
  }
  latencies.sort((a, b) => a - b);
  return {
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    deliveries: latencies.length,
    expected,
    perS: latencies.length / ((last - first) / 1000),
  };
}

async function waitUntil(done: () => boolean | Promise<boolean>, capMs = PHASE_CAP_MS): Promise<void> {
  const until = Date.now() + capMs;
  while (!(await done())) {
    if (Date.now() > until) throw new Error('benchmark phase did not finish in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function uplinkTargets(
  topology: Topology,
  count: number,
): Array<{ child: NodeId; node: NodeId; ifName: string }> {
  const targets: Array<{ child: NodeId; node: NodeId; ifName: string }> = [];
  for (const node of topology.nodes) {
    // Leaves only: each trap is then its own root cause, never suppressed under another one.
    const link = topology.children(node.id).length === 0 ? topology.uplinkOf(node.id) : null;
    if (!link) continue;
    const parentEnd = link.a.node === node.id ? link.b : link.a;
    targets.push({ child: node.id, node: parentEnd.node, ifName: parentEnd.interface });
    if (targets.length === count) break;
  }
  if (targets.length < count) throw new Error(`the bench inventory has only ${targets.length} uplinks`);
  return targets;
}

export async function run(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-stream-'));
  const yaml = generateInventoryYaml({
    seed: 7,
    cities: 2,
    countiesPerCity: 8,
    nodesPerCounty: 30,
    v3Share: 0,
  });
  const loaded = loadInventoryText('bench.yaml', yaml);
  if (!loaded.ok) throw new Error('generated inventory failed to load');
  const { topology } = loaded;
  const targets = uplinkTargets(topology, PACED_EVENTS + BURST_EVENTS * BURST_ROUNDS);
  const bus = new InProcessBus();
  const engine = await startAlertEngine({
    topology,
    bus,
    dbPath: join(dir, 'alerts.sqlite'),
    correlationWindowMs: 0,
    tickMs: ENGINE_TICK_MS,
    log: silentLogger(),
  });
  const metrics = openMetricsStore('memory');
  await metrics.init();
  const server = await startConsoleServer({
    topology,
    bus,
    alerts: engine,
    metrics,
    stateDir: dir,
    webDist: null,
    log: pino({ level: 'warn' }),
    stream: { maxBufferedBytes: 64 * 1024 * 1024 },
  });
  const clients = new Clients();
  const bare = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
  const bareSockets = new Set<WebSocket>();
  bare.on('connection', (ws) => bareSockets.add(ws));
  try {
    await server.users.create(
      {
        username: 'bench',
        displayName: 'bench',
        role: 'operator',
        scope: null,
        password: 'bench-password-123',
      },
      { actor: 'bench', from: 'local' },
    );
    const login = await fetch(`${server.url}/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'bench', password: 'bench-password-123' }),
    });
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';

    // ---- 1,000 clients on the console stream and 1,000 on a bare ws server, all connected throughout ----
    await clients.connect(`${server.url.replace('http', 'ws')}/api/stream`, { cookie }, true);
    await waitUntil(() => server.hub.clientCount === CLIENTS);
    const port = (bare.address() as { port: number }).port;
    await clients.connect(`ws://127.0.0.1:${port}`, {}, false);
    await waitUntil(() => bareSockets.size === CLIENTS);
    await new Promise((resolve) => setTimeout(resolve, 500)); // snapshots delivered
    await clients.collect();

    const trap = (target: { node: NodeId; ifName: string }) =>
      bus.publish({
        type: 'interface.state',
        node: target.node,
        timeMs: Date.now(),
        ifIndex: 1,
        ifName: target.ifName,
        state: 'down',
        source: 'trap',
      });
    const broadcast = (frame: Buffer) => {
      for (const ws of bareSockets) ws.send(frame, { binary: false });
    };
    const openAlerts = () => engine.list({ limit: 100_000, includeSuppressed: true }).length;
    // When the engine put each alert on the bus: splits the latency into engine and delivery.
    const onBus = new Map<string, number>();
    bus.subscribe('alert', (event) => {
      if (event.change === 'opened' && event.alert.node !== null && !onBus.has(event.alert.node))
        onBus.set(event.alert.node, now());
    });

    /** Traps through the console (paced, or all at once when paceMs is null). */
    const viaConsole = async (batch: typeof targets, paceMs: number | null) => {
      const sent = new Map<string, number>();
      const expectOpen = openAlerts() + batch.length;
      const start = now();
      for (const target of batch) {
        sent.set(target.child, paceMs === null ? start : now());
        trap(target);
        if (paceMs !== null) await new Promise((resolve) => setTimeout(resolve, paceMs));
      }
      await waitUntil(() => openAlerts() >= expectOpen);
      await new Promise((resolve) => setTimeout(resolve, paceMs === null ? 2000 : 1000));
      return { sent, ...(await clients.collect()) };
    };
    /** The same frames over the bare server, with the same pacing. */
    const viaBare = async (batch: typeof targets, frames: Map<string, string>, paceMs: number | null) => {
      const sent = new Map<string, number>();
      const start = now();
      for (const target of batch) {
        const frame = frames.get(target.child);
        if (frame === undefined) continue;
        sent.set(target.child, paceMs === null ? start : now());
        broadcast(Buffer.from(frame));
        if (paceMs !== null) await new Promise((resolve) => setTimeout(resolve, paceMs));
      }
      await new Promise((resolve) => setTimeout(resolve, paceMs === null ? 3000 : 1000));
      return { sent, ...(await clients.collect()) };
    };

    const paced = targets.slice(0, PACED_EVENTS);
    const pacedConsole = await viaConsole(paced, PACE_MS);
    const pacedBare = await viaBare(paced, new Map(pacedConsole.frames), PACE_MS);
    const bursts: Array<{ console: PhaseResult; bare: PhaseResult }> = [];
    for (let round = 0; round < BURST_ROUNDS; round += 1) {
      const from = PACED_EVENTS + round * BURST_EVENTS;
      const batch = targets.slice(from, from + BURST_EVENTS);
      const viaServer = await viaConsole(batch, null);
      const viaPlain = await viaBare(batch, new Map(viaServer.frames), null);
      bursts.push({
        console: summarize(viaServer.sent, viaServer.receipts, batch.length * CLIENTS),
        bare: summarize(viaPlain.sent, viaPlain.receipts, batch.length * CLIENTS),
      });
    }
    await clients.close();

    // ---- REST alert list under 50 concurrent clients ----
    // Baseline in the same run: a bare node:http server answering the same bytes, no auth, no
    // routing: the body gzipped once, as the console sends it to clients that accept gzip (fetch
    // does), so both sides' clients inflate the same answer.
    // Console and bare rounds alternate, so both see the same machine load.
    const sameBody = await (
      await fetch(`${server.url}/api/alerts?limit=100`, { headers: { cookie } })
    ).text();
    const sameGzip = gzipSync(sameBody);
    const plain = createServer((request, response) => {
      const gzip = /\bgzip\b/.test(String(request.headers['accept-encoding'] ?? ''));
      response.writeHead(200, {
        'content-type': 'application/json',
        ...(gzip ? { 'content-encoding': 'gzip', vary: 'Accept-Encoding' } : {}),
      });
      response.end(gzip ? sameGzip : sameBody);
    });
    await new Promise<void>((resolve) => plain.listen(0, '127.0.0.1', resolve));
    const plainPort = (plain.address() as { port: number }).port;
    const restResult = { latencies: [] as number[], failures: 0, busyMs: 0 };
    const plainResult = { latencies: [] as number[], failures: 0, busyMs: 0 };
    const restRatios: string[] = [];
    // Main-thread busy time (the servers run here, the clients in the worker): the cost per request
    // that a loaded machine's scheduling does not blur as much as requests/s.
    const measured = async (url: string, sessionCookie: string) => {
      const before = nodePerformance.eventLoopUtilization();
      const result = await clients.rest(url, sessionCookie);
      return { ...result, busyMs: nodePerformance.eventLoopUtilization(before).active };
    };
    for (let round = 0; round < REST_ROUNDS; round += 1) {
      const viaConsole = await measured(`${server.url}/api/alerts?limit=100`, cookie);
      const viaPlain = await measured(`http://127.0.0.1:${plainPort}/`, '');
      for (const [into, from] of [
        [restResult, viaConsole],
        [plainResult, viaPlain],
      ] as const) {
        into.latencies.push(...from.latencies);
        into.failures += from.failures;
        into.busyMs += from.busyMs;
      }
      restRatios.push(`${((viaConsole.latencies.length / viaPlain.latencies.length) * 100).toFixed(0)}%`);
    }
    await new Promise<void>((resolve) => plain.close(() => resolve()));
    const restSorted = [...restResult.latencies].sort((a, b) => a - b);
    const plainSorted = [...plainResult.latencies].sort((a, b) => a - b);

    const rows: Array<readonly [string, PhaseResult]> = [
      [
        `console, paced (1 trap / ${PACE_MS} ms)`,
        summarize(pacedConsole.sent, pacedConsole.receipts, paced.length * CLIENTS),
      ],
      ['bare ws, paced (same frames)', summarize(pacedBare.sent, pacedBare.receipts, paced.length * CLIENTS)],
      ...bursts.flatMap((round, index) => [
        [`console, burst ${index + 1} (${BURST_EVENTS} traps at once)`, round.console] as const,
        [`bare ws, burst ${index + 1} (same frames)`, round.bare] as const,
      ]),
    ];
    console.log(
      `\n${CLIENTS} WebSocket clients per path on loopback, clients in a worker thread, ${topology.size}-node inventory`,
    );
    console.log('| path | deliveries | p50 ms | p99 ms | deliveries/s |');
    console.log('|---|---:|---:|---:|---:|');
    for (const [name, result] of rows)
      console.log(
        `| ${name} | ${result.deliveries}/${result.expected} | ${result.p50Ms.toFixed(1)} | ${result.p99Ms.toFixed(1)} | ${Math.round(result.perS)} |`,
      );
    const engineMs = paced
      .map(
        (target) =>
          (onBus.get(target.child) ?? Number.NaN) - (pacedConsole.sent.get(target.child) ?? Number.NaN),
      )
      .filter((value) => Number.isFinite(value))
      .sort((a, b) => a - b);
    console.log(
      `\nof the console's paced latency, trap → alert event on the bus (alert engine, tick ${ENGINE_TICK_MS} ms): p50 ${percentile(engineMs, 50).toFixed(1)} ms, p99 ${percentile(engineMs, 99).toFixed(1)} ms`,
    );
    const ratios = bursts.map((round) => `${((round.console.perS / round.bare.perS) * 100).toFixed(0)}%`);
    console.log(
      `\nconsole / bare burst delivery rate, per round: ${ratios.join(', ')} (target ≥ 70%); paced p99 target < 50 ms`,
    );
    console.log(
      `\nREST GET /api/alerts?limit=100 (${engine.list({ limit: 100_000, includeSuppressed: true }).length} open alerts, ${Math.round(sameBody.length / 1024)} KiB), ${REST_CLIENTS} concurrent clients, ${REST_ROUNDS} alternating rounds of ${REST_SECONDS} s each`,
    );
    console.log('| server | req/s | p50 ms | p99 ms | non-200 | server busy µs/request |');
    console.log('|---|---:|---:|---:|---:|---:|');
    const busyUsPerRequest = (result: typeof restResult) =>
      (result.busyMs * 1000) / Math.max(1, result.latencies.length);
    for (const [name, result, sorted] of [
      ['console (session, scope, cache)', restResult, restSorted],
      ['bare node:http, same bytes (gzip once)', plainResult, plainSorted],
    ] as const)
      console.log(
        `| ${name} | ${Math.round(result.latencies.length / (REST_SECONDS * REST_ROUNDS))} | ${percentile(sorted, 50).toFixed(1)} | ${percentile(sorted, 99).toFixed(1)} | ${result.failures} | ${Math.round(busyUsPerRequest(result))} |`,
      );
    console.log(
      `\nbare / console server time per request: ${((busyUsPerRequest(plainResult) / busyUsPerRequest(restResult)) * 100).toFixed(0)}% (the console's request rate on a core of its own, as a share of the bare server's)`,
    );
    console.log(
      `\nconsole / bare REST requests/s, per round: ${restRatios.join(', ')}; overall ${((restResult.latencies.length / plainResult.latencies.length) * 100).toFixed(0)}% (target ≥ 80%)`,
    );
    console.log(
      `\nmachine load average during the run: ${loadavg()
        .map((value) => value.toFixed(1))
        .join(' ')} (${cpus().length} cores)`,
    );
  } finally {
    await clients.terminate();
    for (const ws of bareSockets) ws.terminate();
    bare.close();
    await server.stop();
    await engine.stop();
    await metrics.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

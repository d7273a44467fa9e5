import { createSocket } from 'node:dgram';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '../common';
import type { InventoryNode } from '../domain';
import { generateInventoryYaml } from '../inventory/generate';
import { loadInventoryText } from '../inventory/index';
import {
  LogSenders,
  openLogStore,
  readEvent,
  startSyslogReceiver,
  UDP_RECEIVE_BUFFER_BYTES,
  type LogStore,
  type SyslogReceiver,
  type UdpReceive,
} from '../logs/index';
import { startPostgres } from './support/postgres';
import {
  cpuSecondsOf,
  kernelDropsSince,
  ownCpuSeconds,
  treeCpuSeconds,
  udpKernelCounters,
} from './support/proc';
import { startRsyslogd } from './support/rsyslogd';
import { startSender, type Sender } from './support/syslog-send';
import { encodeLineFile, syslogLineMix } from './support/syslog-lines';

/**
 * `egov-noc bench syslog`: device log lines over UDP on loopback, from a sender process, into
 * 1. Debian's rsyslogd (imudp → omfile), the baseline, and our receiver run in this process (the
 *    receiver API, as `egov-noc collect` runs it) with (a) a counting sink: receive + parse +
 *    classify, (b) the embedded SQLite log store, (c) PostgreSQL — each the same messages at the same
 *    rate, in messages/s per CPU-second of the receiving process;
 * 2. 20k messages/s sustained into the embedded store, zero loss counted on both sides;
 * 3. a flood beyond capacity: peak RSS, and every message either received or counted as dropped.
 */

function envNumber(name: string, fallback: number): number {
  const value = Number(process.env[name]);
  return Number.isFinite(value) && value > 0 ? value : fallback;
}

const MESSAGES = envNumber('BENCH_SYSLOG_MESSAGES', 200_000);
const RATE_PER_S = envNumber('BENCH_SYSLOG_RATE', 100_000);
const WARMUP_MESSAGES = 20_000;
const SUSTAIN_RATE_PER_S = 20_000;
const SUSTAIN_S = envNumber('BENCH_SYSLOG_SUSTAIN_S', 60);
const FLOOD_S = envNumber('BENCH_SYSLOG_FLOOD_S', 10);
/** The flood passes when RSS grows by less than this over its start. */
const FLOOD_RSS_BOUND_MB = 256;
/** Processing is over when the count has not moved for this long (or reached what was sent). */
const SETTLED_AFTER_MS = 1_000;
const SETTLE_TIMEOUT_MS = 120_000;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const mb = (bytes: number) => Math.round(bytes / 1048576);
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

/** Wait until `count()` reaches `target` or stops moving; returns when it last moved (ms, performance clock). */
async function settle(count: () => number, target: number): Promise<number> {
  const deadline = performance.now() + SETTLE_TIMEOUT_MS;
  let last = count();
  let movedAt = performance.now();
  while (last < target && performance.now() - movedAt < SETTLED_AFTER_MS && performance.now() < deadline) {
    await sleep(20);
    const now = count();
    if (now !== last) movedAt = performance.now();
    last = now;
  }
  return last >= target ? performance.now() : movedAt;
}

interface Throughput {
  sent: number;
  processed: number;
  cpuS: number;
  wallS: number;
  /** CPU seconds of a server the receiver writes to (PostgreSQL), when there is one. */
  serverCpuS?: number;
}

const perCore = (t: Throughput) => t.processed / t.cpuS;
const describe = (t: Throughput) =>
  `${fmt(perCore(t))} msg/s per core (${fmt(t.processed / t.wallS)} msg/s wall, ${t.cpuS.toFixed(2)} CPU-s; ${fmt(t.processed)}/${fmt(t.sent)} kept)`;

async function measureRsyslogd(
  sender: Sender,
  linesPath: string,
  order: { count: number; ratePerS: number; maxS: number },
): Promise<Throughput> {
  const rsyslogd = await startRsyslogd();
  try {
    const before = rsyslogd.linesWritten();
    const cpuBefore = cpuSecondsOf(rsyslogd.pid);
    const start = performance.now();
    const report = await sender.send({ port: rsyslogd.port, linesPath, ...order });
    const end = await settle(() => rsyslogd.linesWritten() - before, report.sent);
    return {
      sent: report.sent,
      processed: rsyslogd.linesWritten() - before,
      cpuS: cpuSecondsOf(rsyslogd.pid) - cpuBefore,
      wallS: (end - start) / 1000,
    };
  } finally {
    await rsyslogd.stop();
  }
}

type Destination = { kind: 'sink' } | { kind: 'store'; store: LogStore };

interface Ours {
  receiver: SyslogReceiver;
  /** Messages fully handled: counted by the sink, or written by the store. */
  processed(): number;
  finish(): Promise<void>;
}

async function startOurs(
  nodes: InventoryNode[],
  destination: Destination,
  udpReceive: UdpReceive = 'auto',
): Promise<Ours> {
  let counted = 0;
  const store = destination.kind === 'store' ? destination.store : null;
  const receiver = await startSyslogReceiver({
    port: 0,
    udpReceive,
    inventory: { nodes },
    relays: ['127.0.0.1'],
    logger: silentLogger(),
    onEvent: store ? (event) => store.write([event]) : () => void counted++,
  });
  return {
    receiver,
    processed: () => (store ? store.health().writtenEvents : counted),
    finish: async () => {
      await settle(() => receiver.stats().received, Number.POSITIVE_INFINITY);
      await store?.flush();
    },
  };
}

async function measureOurs(
  sender: Sender,
  linesPath: string,
  nodes: InventoryNode[],
  destination: Destination,
  options: { serverCpuSeconds?: () => number; udpReceive?: UdpReceive } = {},
): Promise<Throughput & { receivePath: string }> {
  const { serverCpuSeconds } = options;
  const ours = await startOurs(nodes, destination, options.udpReceive);
  try {
    const port = ours.receiver.udpPort as number;
    // Not measured: the first messages pay for JIT compilation of every parser.
    await sender.send({ port, linesPath, count: WARMUP_MESSAGES, ratePerS: RATE_PER_S, maxS: 30 });
    await ours.finish();
    const before = ours.processed();
    const cpuBefore = ownCpuSeconds();
    const serverCpuBefore = serverCpuSeconds?.() ?? 0;
    const start = performance.now();
    const report = await sender.send({ port, linesPath, count: MESSAGES, ratePerS: RATE_PER_S, maxS: 60 });
    const end = await settle(() => ours.processed() - before, report.sent);
    await ours.finish();
    return {
      sent: report.sent,
      processed: ours.processed() - before,
      cpuS: ownCpuSeconds() - cpuBefore,
      wallS: (end - start) / 1000,
      ...(serverCpuSeconds ? { serverCpuS: serverCpuSeconds() - serverCpuBefore } : {}),
      receivePath: ours.receiver.udpReceivePath ?? 'none',
    };
  } finally {
    await ours.receiver.close();
  }
}

/**
 * Node's own cost of a datagram: a socket (same receive buffer) whose handler only counts — the
 * ceiling for any receiver on Node's event loop, which reads one datagram per system call.
 */
async function measureNodeFloor(sender: Sender, linesPath: string): Promise<Throughput> {
  const socket = createSocket({ type: 'udp4', recvBufferSize: UDP_RECEIVE_BUFFER_BYTES });
  let counted = 0;
  socket.on('message', () => void counted++);
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  try {
    const cpuBefore = ownCpuSeconds();
    const start = performance.now();
    const order = { port: socket.address().port, linesPath, count: MESSAGES, ratePerS: RATE_PER_S, maxS: 60 };
    const report = await sender.send(order);
    const end = await settle(() => counted, report.sent);
    return {
      sent: report.sent,
      processed: counted,
      cpuS: ownCpuSeconds() - cpuBefore,
      wallS: (end - start) / 1000,
    };
  } finally {
    socket.close();
  }
}

/** Decode + parse + classify + sender lookup alone (`readEvent`), no socket: messages/s per core. */
function parseAlonePerCore(lines: readonly Buffer[], nodes: InventoryNode[]): number {
  const senders = new LogSenders({ nodes }, ['127.0.0.1']);
  const read = (i: number) =>
    readEvent(
      {
        bytes: lines[i % lines.length] as Buffer,
        senderAddress: '127.0.0.1',
        receivedAtMs: Date.now(),
        incomplete: false,
      },
      senders,
    );
  for (let i = 0; i < WARMUP_MESSAGES; i++) read(i);
  const cpuBefore = ownCpuSeconds();
  for (let i = 0; i < MESSAGES; i++) read(i);
  return MESSAGES / (ownCpuSeconds() - cpuBefore);
}

interface Accounting {
  sent: number;
  received: number;
  written: number;
  receiverDropped: number;
  storeDropped: number;
  kernelRcvbufErrors: number;
  /** The receiver's own count of what the kernel dropped for its socket (null through dgram). */
  socketKernelDropped: number | null;
  sendErrors: number;
  achievedRatePerS: number;
  peakRssGrowthMb: number;
  /** Where the memory went: this thread's V8 heap (growth), and the store's buffer (its bytes). */
  peakHeapGrowthMb: number;
  peakBufferedMb: number;
}

/** Peaks of RSS, this thread's V8 heap and the store's buffer, sampled every 100 ms from now on. */
function memoryPeaks(store: LogStore) {
  const start = process.memoryUsage();
  const peaks = { rss: 0, heap: 0, buffered: 0 };
  const sample = () => {
    const now = process.memoryUsage();
    peaks.rss = Math.max(peaks.rss, now.rss - start.rss);
    peaks.heap = Math.max(peaks.heap, now.heapTotal - start.heapTotal);
    peaks.buffered = Math.max(peaks.buffered, store.health().bufferedBytes);
  };
  const timer = setInterval(sample, 100);
  return {
    stop: () => {
      clearInterval(timer);
      sample();
      return { rssMb: mb(peaks.rss), heapMb: mb(peaks.heap), bufferedMb: mb(peaks.buffered) };
    },
  };
}

/** Send `count` at `ratePerS` (0: flood) into the embedded store, counting every message on both sides. */
async function accountedRun(
  sender: Sender,
  linesPath: string,
  nodes: InventoryNode[],
  dir: string,
  order: { count: number; ratePerS: number; maxS: number },
): Promise<Accounting> {
  const store = openLogStore(`sqlite:${join(dir, `accounted-${order.ratePerS}.db`)}`, {
    logger: silentLogger(),
  });
  await store.init();
  const ours = await startOurs(nodes, { kind: 'store', store });
  const sampler = memoryPeaks(store);
  try {
    const kernelBefore = udpKernelCounters();
    const report = await sender.send({ port: ours.receiver.udpPort as number, linesPath, ...order });
    await ours.finish();
    const kernel = kernelDropsSince(kernelBefore);
    const stats = ours.receiver.stats();
    const health = store.health();
    const peaks = sampler.stop();
    return {
      sent: report.sent,
      received: stats.received,
      written: health.writtenEvents,
      receiverDropped: stats.dropped,
      storeDropped: health.droppedEvents,
      kernelRcvbufErrors: kernel.rcvbufErrors,
      socketKernelDropped: stats.kernelDropped,
      sendErrors: report.sendErrors,
      achievedRatePerS: report.sent / report.elapsedS,
      peakRssGrowthMb: peaks.rssMb,
      peakHeapGrowthMb: peaks.heapMb,
      peakBufferedMb: peaks.bufferedMb,
    };
  } finally {
    sampler.stop();
    await ours.receiver.close();
    await store.close();
  }
}

async function measurePostgres(
  sender: Sender,
  linesPath: string,
  nodes: InventoryNode[],
): Promise<Throughput | string> {
  let postgres;
  try {
    postgres = await startPostgres();
  } catch (error) {
    return `skipped: ${(error as Error).message.split('\n')[0]}`;
  }
  try {
    const database = postgres.createDatabase();
    const store = openLogStore(`postgres://127.0.0.1:${postgres.port}/${database}`, {
      logger: silentLogger(),
      credentials: { user: postgres.user, password: postgres.password },
    });
    await store.init();
    try {
      const serverPid = postgres.serverPid();
      return await measureOurs(
        sender,
        linesPath,
        nodes,
        { kind: 'store', store },
        { serverCpuSeconds: () => treeCpuSeconds(serverPid) },
      );
    } finally {
      await store.close();
    }
  } finally {
    await postgres.destroy();
  }
}

interface Row {
  measure: string;
  result: string;
  target: string;
  verdict: string;
}

function printTable(rows: Row[]): void {
  const width = (key: keyof Row) => Math.max(key.length, ...rows.map((row) => row[key].length));
  const w = {
    measure: width('measure'),
    result: width('result'),
    target: width('target'),
    verdict: width('verdict'),
  };
  const line = (row: Row) =>
    `| ${row.measure.padEnd(w.measure)} | ${row.result.padEnd(w.result)} | ${row.target.padEnd(w.target)} | ${row.verdict.padEnd(w.verdict)} |`;
  console.log(line({ measure: 'measure', result: 'result', target: 'target', verdict: 'verdict' }));
  console.log(
    `|${(['measure', 'result', 'target', 'verdict'] as const).map((k) => '-'.repeat(w[k] + 2)).join('|')}|`,
  );
  for (const row of rows) console.log(line(row));
}

const verdict = (ok: boolean): 'PASS' | 'MISS' => (ok ? 'PASS' : 'MISS');

function loadNodes(): InventoryNode[] {
  const loaded = loadInventoryText('generated.yaml', generateInventoryYaml());
  if (!loaded.ok) throw new Error('generated inventory is invalid');
  return [...loaded.topology.nodes];
}

export async function run(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'egov-bench-syslog-'));
  const nodes = loadNodes();
  const hosts = nodes.slice(0, 200).map((node) => node.name);
  const linesPath = join(dir, 'lines.b64');
  const lines = syslogLineMix(hosts);
  writeFileSync(linesPath, encodeLineFile(lines));
  const sender = await startSender();
  const rows: Row[] = [];
  try {
    const loadBefore = loadavg()[0] ?? 0;
    console.log(`sending ${fmt(MESSAGES)} messages at ${fmt(RATE_PER_S)}/s to each receiver …`);
    const rsyslog = await measureRsyslogd(sender, linesPath, {
      count: MESSAGES,
      ratePerS: RATE_PER_S,
      maxS: 60,
    });
    rows.push({
      measure: 'rsyslogd imudp → omfile (baseline)',
      result: describe(rsyslog),
      target: '',
      verdict: '',
    });

    const sink = await measureOurs(sender, linesPath, nodes, { kind: 'sink' });
    const ratio = perCore(sink) / perCore(rsyslog);
    rows.push({
      measure: `ours: receive + parse + classify (${sink.receivePath})`,
      result: `${describe(sink)}; ${(ratio * 100).toFixed(0)}% of rsyslogd`,
      target: '≥ 50% of rsyslogd per core',
      verdict: verdict(ratio >= 0.5),
    });
    const sinkDgram = await measureOurs(sender, linesPath, nodes, { kind: 'sink' }, { udpReceive: 'dgram' });
    rows.push({
      measure: 'ours: the same through node:dgram (the fallback)',
      result: `${describe(sinkDgram)}; ${((perCore(sinkDgram) / perCore(rsyslog)) * 100).toFixed(0)}% of rsyslogd`,
      target: '',
      verdict: '',
    });

    const floor = await measureNodeFloor(sender, linesPath);
    rows.push({
      measure: 'Node dgram alone, a handler that only counts',
      result: `${describe(floor)}; ${((perCore(floor) / perCore(rsyslog)) * 100).toFixed(0)}% of rsyslogd`,
      target: '',
      verdict: '',
    });
    const parseAlone = parseAlonePerCore(lines, nodes);
    rows.push({
      measure: 'ours: decode + parse + classify alone (no socket)',
      result: `${fmt(parseAlone)} msg/s per core (${(1e6 / parseAlone).toFixed(1)} µs a message)`,
      target: '',
      verdict: '',
    });

    const sqlite = openLogStore(`sqlite:${join(dir, 'throughput.db')}`, { logger: silentLogger() });
    await sqlite.init();
    const embedded = await measureOurs(sender, linesPath, nodes, { kind: 'store', store: sqlite }).finally(
      () => sqlite.close(),
    );
    rows.push({
      measure: `ours: end to end → embedded store (SQLite, ${embedded.receivePath})`,
      result: describe(embedded),
      target: '≥ 50,000 msg/s per core',
      verdict: verdict(perCore(embedded) >= 50_000),
    });

    const postgres = await measurePostgres(sender, linesPath, nodes);
    rows.push({
      measure: 'ours: end to end → PostgreSQL',
      result:
        typeof postgres === 'string'
          ? postgres
          : `${describe(postgres)}; with the server's ${(postgres.serverCpuS ?? 0).toFixed(2)} CPU-s: ${fmt(postgres.processed / (postgres.cpuS + (postgres.serverCpuS ?? 0)))} msg/s per core`,
      target: '',
      verdict: '',
    });

    console.log(`sustaining ${fmt(SUSTAIN_RATE_PER_S)}/s for ${SUSTAIN_S} s …`);
    const sustainCount = SUSTAIN_RATE_PER_S * SUSTAIN_S;
    const sustainOrder = { count: sustainCount, ratePerS: SUSTAIN_RATE_PER_S, maxS: SUSTAIN_S * 1.5 + 10 };
    const kernelBeforeRsyslogd = udpKernelCounters();
    const rsyslogSustained = await measureRsyslogd(sender, linesPath, sustainOrder);
    const rsyslogKernelDrops = kernelDropsSince(kernelBeforeRsyslogd).rcvbufErrors;
    rows.push({
      measure: `rsyslogd: ${fmt(SUSTAIN_RATE_PER_S)} msg/s × ${SUSTAIN_S} s (baseline)`,
      result: `sent ${fmt(rsyslogSustained.sent)}, written ${fmt(rsyslogSustained.processed)}; kernel drops ${fmt(rsyslogKernelDrops)}; ${rsyslogSustained.cpuS.toFixed(1)} CPU-s`,
      target: '',
      verdict: '',
    });
    const sustained = await accountedRun(sender, linesPath, nodes, dir, sustainOrder);
    const lossless =
      sustained.sent === sustainCount &&
      sustained.received === sustained.sent &&
      sustained.written === sustained.received &&
      sustained.kernelRcvbufErrors === 0;
    rows.push({
      measure: `sustained ${fmt(SUSTAIN_RATE_PER_S)} msg/s × ${SUSTAIN_S} s → embedded store`,
      result: `sent ${fmt(sustained.sent)} at ${fmt(sustained.achievedRatePerS)}/s, received ${fmt(sustained.received)}, stored ${fmt(sustained.written)}; kernel drops ${fmt(sustained.kernelRcvbufErrors)}, receiver/store drops ${fmt(sustained.receiverDropped)}/${fmt(sustained.storeDropped)}; at the end-to-end rate above this needs ${(SUSTAIN_RATE_PER_S / perCore(embedded)).toFixed(2)} of a core`,
      target: 'zero loss, both sides',
      verdict: verdict(lossless),
    });

    console.log(`flooding for ${FLOOD_S} s …`);
    const flood = await accountedRun(sender, linesPath, nodes, dir, {
      count: FLOOD_S * 2_000_000,
      ratePerS: 0,
      maxS: FLOOD_S,
    });
    const unaccounted = flood.sent - flood.received - flood.kernelRcvbufErrors;
    const storeBalanced = flood.received === flood.written + flood.storeDropped + flood.receiverDropped;
    rows.push({
      measure: `flood ${FLOOD_S} s as fast as the sender can → embedded store`,
      result: `sent ${fmt(flood.sent)} (${fmt(flood.achievedRatePerS)}/s), received ${fmt(flood.received)}, stored ${fmt(flood.written)}; dropped: kernel ${fmt(flood.kernelRcvbufErrors)} (our socket counted ${flood.socketKernelDropped === null ? 'n/a' : fmt(flood.socketKernelDropped)}), store ${fmt(flood.storeDropped)}, receiver ${fmt(flood.receiverDropped)}; unaccounted ${fmt(Math.max(0, unaccounted))}; peak RSS +${flood.peakRssGrowthMb} MB (main thread's V8 heap +${flood.peakHeapGrowthMb} MB, store buffer ${flood.peakBufferedMb} MB)`,
      target: `every drop counted; RSS +< ${FLOOD_RSS_BOUND_MB} MB`,
      verdict: verdict(unaccounted <= 0 && storeBalanced && flood.peakRssGrowthMb < FLOOD_RSS_BOUND_MB),
    });
    rows.push({
      measure: 'machine',
      result: `${cpus().length} CPUs, 1-min load average ${loadBefore.toFixed(1)} at start, ${(loadavg()[0] ?? 0).toFixed(1)} at end (shared)`,
      target: '',
      verdict: '',
    });
  } finally {
    sender.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  printTable(rows);
}

/**
 * The events that must not be lost, through a real nats-server with JetStream: the same contract as
 * every bus; durable consumers resume after their process is gone; a re-published event id is
 * stored once; live events still fan out over core NATS.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { NatsBus, SqliteHandledLog } from '../../bus';
import { asNodeId, type BusEvent } from '../../domain';
import { eventBusContract } from '../bus/contract';
import { startNatsServer } from '../support/nats-server';

const dir = mkdtempSync(join(tmpdir(), 'egov-jetstream-'));
let server: Awaited<ReturnType<typeof startNatsServer>>;
let opened = 0;
const children: ChildProcess[] = [];

beforeAll(async () => {
  server = await startNatsServer(undefined, { jetstream: join(dir, 'js') });
});
afterAll(async () => {
  for (const child of children)
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const jetstream = (consumer?: string) => ({
  mode: 'on' as const,
  stream: 'TEST_EVENTS',
  maxAgeS: 600,
  maxBytes: 64 * 1024 * 1024,
  ackWaitS: 1,
  ...(consumer === undefined ? {} : { consumer }),
});

const nodeDown = (i: number): BusEvent => ({
  type: 'node.state',
  node: asNodeId(`county-${i}`),
  timeMs: 1_700_000_000_000 + i,
  state: 'unreachable',
  reason: 'timeout after 3 polls',
});

eventBusContract('NATS JetStream (durable consumer)', async () => {
  const subscriberSide = await NatsBus.connect(server.url, {
    name: 'test-subscriber',
    jetstream: jetstream(`contract${++opened}`),
  });
  const publisherSide = await NatsBus.connect(server.url, { name: 'test-publisher', jetstream: jetstream() });
  return {
    bus: {
      publish: publisherSide.publish.bind(publisherSide),
      subscribe: subscriberSide.subscribe.bind(subscriberSide),
      subscribeAll: subscriberSide.subscribeAll.bind(subscriberSide),
    },
    settle: async () => {
      await subscriberSide.flush();
      await publisherSide.flush();
    },
    close: async () => {
      await publisherSide.close();
      await subscriberSide.close();
    },
  };
});

describe('NATS JetStream', () => {
  it('stores events while their consumer is away and hands them over, once, when it comes back', async () => {
    const publisher = await NatsBus.connect(server.url, { jetstream: jetstream() });
    expect(publisher.durability).toBe('jetstream');
    const log = join(dir, 'handled-away.sqlite');
    const first = await NatsBus.connect(server.url, {
      jetstream: { ...jetstream('away'), handledLog: new SqliteHandledLog(log) },
    });
    const seen: string[] = [];
    first.subscribe('node.state', (event) => seen.push(event.node));
    await first.flush();
    for (let i = 0; i < 10; i++) publisher.publish(nodeDown(i));
    await publisher.flush();
    await vi.waitFor(() => expect(seen).toHaveLength(10));
    await first.close();

    for (let i = 10; i < 30; i++) publisher.publish(nodeDown(i));
    await publisher.flush();
    const again = await NatsBus.connect(server.url, {
      jetstream: { ...jetstream('away'), handledLog: new SqliteHandledLog(log) },
    });
    again.subscribe('node.state', (event) => seen.push(event.node));
    await again.flush();
    await vi.waitFor(() => expect(seen).toHaveLength(30));
    expect(seen).toEqual(Array.from({ length: 30 }, (_, i) => `county-${i}`));
    await again.close();
    await publisher.close();
  });

  it('a live subscriber (no consumer name) still gets every event, collector health included', async () => {
    const publisher = await NatsBus.connect(server.url, { jetstream: jetstream() });
    const live = await NatsBus.connect(server.url, { jetstream: jetstream() });
    const types: string[] = [];
    live.subscribeAll((event) => types.push(event.type));
    await live.flush();
    publisher.publish(nodeDown(1));
    publisher.publish({
      type: 'collector.health',
      collector: 'c1',
      timeMs: 1,
      pollsPs: 1,
      timeoutsPs: 0,
      queueLagMs: 0,
      spoolPoints: 0,
      droppedPoints: 0,
      storeUp: true,
    });
    await publisher.flush();
    await vi.waitFor(() => expect(types.sort()).toEqual(['collector.health', 'node.state']));
    await live.close();
    await publisher.close();
  });

  it('refuses a server without JetStream when asked for it, and falls back to core NATS on auto', async () => {
    const core = await startNatsServer();
    try {
      await expect(NatsBus.connect(core.url, { jetstream: jetstream() })).rejects.toThrow(
        /nats-server with -js/,
      );
      const auto = await NatsBus.connect(core.url, { jetstream: { ...jetstream(), mode: 'auto' } });
      expect(auto.durability).toBe('core');
      await auto.close();
    } finally {
      await core.stop();
    }
  });
});

describe('the console killed mid-burst', () => {
  const EVENTS = 4000;
  let consoleScript: string;

  beforeAll(async () => {
    const { build } = await import('esbuild');
    consoleScript = resolve('node_modules/.cache/egov-noc-test/bus-jetstream-console.mjs');
    await build({
      entryPoints: ['test/integration/bus-jetstream-console.fixture.ts'],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      packages: 'external',
      outfile: consoleScript,
      logLevel: 'silent',
    });
  });

  function startConsole(logPath: string): Promise<ChildProcess> {
    const child = spawn(process.execPath, [consoleScript, server.url, logPath, 'TEST_EVENTS'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    children.push(child);
    return new Promise((ready, failed) => {
      child.stdout?.on('data', (chunk: Buffer) => {
        if (chunk.toString().includes('consuming')) ready(child);
      });
      child.once('exit', (code) => failed(new Error(`console fixture exited with ${code}`)));
    });
  }

  const effectsIn = (logPath: string) => {
    const db = new Database(logPath, { readonly: true, fileMustExist: true });
    try {
      return db.prepare('SELECT node, pid FROM effects').all() as Array<{ node: string; pid: number }>;
    } catch {
      return [];
    } finally {
      db.close();
    }
  };

  it('handles every event of the burst after its restart, none twice', async () => {
    const logPath = join(dir, 'console', 'bus-handled.sqlite');
    const collectorSide = await NatsBus.connect(server.url, { name: 'collector', jetstream: jetstream() });
    const first = await startConsole(logPath);
    const burst = (async () => {
      for (let i = 0; i < EVENTS; i++) {
        collectorSide.publish(nodeDown(i));
        if (i % 50 === 49) await new Promise((r) => setImmediate(r));
      }
      await collectorSide.flush();
    })();

    await expect
      .poll(() => effectsIn(logPath).length, { timeout: 30_000, interval: 20 })
      .toBeGreaterThan(200);
    const killed = new Promise((r) => first.once('exit', r));
    first.kill('SIGKILL');
    await killed;
    const beforeRestart = effectsIn(logPath).length;
    const second = await startConsole(logPath);
    await burst;

    await expect.poll(() => effectsIn(logPath).length, { timeout: 60_000, interval: 100 }).toBe(EVENTS);
    // Redeliveries of what the first process handled but had not acknowledged arrive within ack_wait (1 s):
    // a witness published after them, handled by the second process, proves none slipped through.
    collectorSide.publish(nodeDown(EVENTS));
    await collectorSide.flush();
    await expect.poll(() => effectsIn(logPath).length, { timeout: 30_000, interval: 100 }).toBe(EVENTS + 1);
    const effects = effectsIn(logPath);
    const perNode = new Map<string, number>();
    for (const { node } of effects) perNode.set(node, (perNode.get(node) ?? 0) + 1);
    expect([...perNode.values()].filter((n) => n > 1)).toEqual([]);
    expect(perNode.size).toBe(EVENTS + 1);
    expect(beforeRestart).toBeLessThan(EVENTS);
    expect(effects.some(({ pid }) => pid === first.pid)).toBe(true);
    expect(effects.some(({ pid }) => pid === second.pid)).toBe(true);
    second.kill('SIGTERM');
    await collectorSide.close();
  }, 120_000);
});

describe('the NATS server restarted', () => {
  it('keeps what the collector publishes while the server is away and delivers it, once, when it is back', async () => {
    const store = join(dir, 'js-restart');
    const first = await startNatsServer(undefined, { jetstream: store });
    // The same server back on its port and store: the clients reconnect on their own.
    const again = () => {
      const child = spawn(
        '/usr/sbin/nats-server',
        ['-a', '127.0.0.1', '-p', String(first.port), '-js', '-sd', store],
        {
          stdio: 'ignore',
        },
      );
      children.push(child);
      return child;
    };
    const collectorSide = await NatsBus.connect(first.url, { name: 'collector', jetstream: jetstream() });
    const consoleSide = await NatsBus.connect(first.url, {
      name: 'console',
      jetstream: jetstream('restart'),
    });
    const seen: string[] = [];
    consoleSide.subscribe('node.state', (event) => seen.push(event.node));
    await consoleSide.flush();
    for (let i = 0; i < 5; i++) collectorSide.publish(nodeDown(i));
    await collectorSide.flush();
    await vi.waitFor(() => expect(seen).toHaveLength(5));

    await first.stop();
    for (let i = 5; i < 50; i++) collectorSide.publish(nodeDown(i));
    expect(collectorSide.stats().outbox?.pending).toBeGreaterThan(0);
    const second = again();
    try {
      await expect.poll(() => seen.length, { timeout: 30_000, interval: 100 }).toBe(50);
      // Every event once; retries after an outage may reorder them (each carries its own timeMs).
      expect([...seen].sort()).toEqual(Array.from({ length: 50 }, (_, i) => `county-${i}`).sort());
      expect(collectorSide.stats().outbox).toMatchObject({ pending: 0, dropped: 0 });
    } finally {
      await collectorSide.close();
      await consoleSide.close();
      second.kill('SIGTERM');
    }
  }, 60_000);
});

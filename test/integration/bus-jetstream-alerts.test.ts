/**
 * Exactly once, end to end: the alert engine reads a burst of reboot events from a real nats-server
 * with JetStream, is SIGKILLed at the worst moments (right after it committed an event's alerts and
 * id, before the acknowledgement; right after handling one, before the commit), restarts, and each
 * event changed the alerts once: every node's reboot alert has one change per event, no more.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { connect, type NatsConnection } from 'nats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NatsBus } from '../../bus';
import type { BusEvent, NodeId } from '../../domain';
import { loadInventory } from '../../inventory/index';
import { startNatsServer } from '../support/nats-server';

const dir = mkdtempSync(join(tmpdir(), 'egov-jetstream-alerts-'));
const STREAM = 'ALERT_EVENTS';
const ROUNDS = 3;
let server: Awaited<ReturnType<typeof startNatsServer>>;
let watcher: NatsConnection;
let fixture: string;
const children: ChildProcess[] = [];

const loaded = loadInventory('configs/examples/nanyang.yaml');
if (!loaded.ok) throw new Error('the Nanyang inventory does not load');
const nodes: NodeId[] = loaded.topology.nodes.map((node) => node.id);

beforeAll(async () => {
  server = await startNatsServer(undefined, { jetstream: join(dir, 'js') });
  watcher = await connect({ servers: server.url });
  const { build } = await import('esbuild');
  fixture = resolve('node_modules/.cache/egov-noc-test/bus-jetstream-alerts.mjs');
  await build({
    entryPoints: ['test/integration/bus-jetstream-alerts.fixture.ts'],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    outfile: fixture,
    logLevel: 'silent',
  });
});
afterAll(async () => {
  for (const child of children)
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await watcher?.close();
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

function startEngine(stateDir: string, killAt: string, killAfter = 0): Promise<ChildProcess> {
  const child = spawn(process.execPath, [fixture, server.url, stateDir, STREAM, killAt, String(killAfter)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  return new Promise((ready, failed) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('consuming')) ready(child);
    });
    child.once('exit', (code, signal) => failed(new Error(`engine fixture exited with ${code ?? signal}`)));
  });
}

/** Stop the engine with SIGTERM; it prints its consumer's counts on the way out. */
function stopEngine(child: ChildProcess): Promise<{ handled: number; duplicates: number }> {
  let out = '';
  child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  child.kill('SIGTERM');
  return exited.then(
    () => JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as { handled: number; duplicates: number },
  );
}

const reboot = (node: NodeId, round: number): BusEvent => ({
  type: 'node.reboot',
  node,
  timeMs: Date.now() + round,
  source: 'poll',
  uptimeS: round,
});

/** Per node: the reboot alert's change events and its repeat count, read from the engine's store. */
function rebootAlerts(stateDir: string): Map<string, { changes: number; repeats: number }> {
  const db = new Database(join(stateDir, 'alerts.sqlite'), { readonly: true, fileMustExist: true });
  try {
    const rows = db
      .prepare(
        `SELECT a.node AS node, a.body AS body, (SELECT COUNT(*) FROM events e WHERE e.alert_id = a.id) AS changes
         FROM alerts a WHERE json_extract(a.body, '$.rule') = 'node-reboot'`,
      )
      .all() as Array<{ node: string; body: string; changes: number }>;
    return new Map(
      rows.map((row) => [
        row.node,
        { changes: row.changes, repeats: (JSON.parse(row.body) as { repeats: number }).repeats },
      ]),
    );
  } catch {
    return new Map();
  }
}

const changesIn = (stateDir: string) =>
  [...rebootAlerts(stateDir).values()].reduce((sum, alert) => sum + alert.changes, 0);

/** Nothing delivered and unacknowledged, nothing waiting: no redelivery can come any more. */
async function consumerDrained(): Promise<boolean> {
  const manager = await watcher.jetstreamManager();
  const info = await manager.consumers.info(STREAM, 'console_all');
  return info.num_ack_pending === 0 && info.num_pending === 0;
}

describe.each([
  ['after-commit', 'right after the engine committed an event, before its acknowledgement'],
  ['before-commit', 'right after the engine handled an event, before it committed'],
])('the alert engine SIGKILLed %s', (killAt, moment) => {
  it(`changes each alert once per event when killed ${moment} and restarted`, async () => {
    const stateDir = join(dir, killAt);
    mkdirSync(stateDir, { recursive: true });
    const collector = await NatsBus.connect(server.url, {
      name: 'collector',
      jetstream: { mode: 'on', stream: STREAM, maxAgeS: 600, maxBytes: 64 * 1024 * 1024 },
    });
    const first = await startEngine(stateDir, killAt, nodes.length + 10);
    const killed = new Promise<NodeJS.Signals | null>((done) =>
      first.once('exit', (_, signal) => done(signal)),
    );
    for (let round = 0; round < ROUNDS; round++)
      for (const node of nodes) collector.publish(reboot(node, round));
    await collector.flush();
    expect(await killed).toBe('SIGKILL');
    const beforeRestart = changesIn(stateDir);

    const second = await startEngine(stateDir, 'never');
    await expect
      .poll(() => changesIn(stateDir), { timeout: 60_000, interval: 100 })
      .toBe(ROUNDS * nodes.length);
    await expect.poll(consumerDrained, { timeout: 30_000, interval: 100 }).toBe(true);
    const counts = await stopEngine(second);

    const alerts = rebootAlerts(stateDir);
    expect(alerts.size).toBe(nodes.length);
    const wrong = [...alerts].filter(([, alert]) => alert.changes !== ROUNDS || alert.repeats !== ROUNDS - 1);
    expect(wrong).toEqual([]);
    if (killAt === 'after-commit') {
      // Committed but never acknowledged: they come back to the second process, which skips them.
      expect(beforeRestart).toBeGreaterThan(0);
      expect(counts.duplicates).toBeGreaterThan(0);
    } else {
      // Handled but never committed: lost with the process, handled again by the second one.
      expect(beforeRestart).toBeLessThan(ROUNDS * nodes.length);
      expect(counts.handled).toBeGreaterThan(0);
    }
    await collector.close();
  }, 120_000);
});

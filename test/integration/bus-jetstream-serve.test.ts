/**
 * The deployed path: `egov-noc serve` reads the bus through durable JetStream consumers. A node that
 * goes down while the console is dead (SIGKILL) is still an alert once the console is back, because
 * the collector's event waited in the stream.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NatsBus } from '../../bus';
import type { AlertsResponse } from '../../console/shared';
import { asNodeId } from '../../domain';
import { freePort } from '../support/influxd';
import { startNatsServer } from '../support/nats-server';

const dir = mkdtempSync(join(tmpdir(), 'egov-serve-jetstream-'));
const children: ChildProcess[] = [];
let nats: Awaited<ReturnType<typeof startNatsServer>>;

beforeAll(async () => {
  nats = await startNatsServer(undefined, { jetstream: join(dir, 'js') });
});
afterAll(async () => {
  for (const child of children)
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await nats?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function serve(config: string): Promise<{ child: ChildProcess; url: string; output: () => string }> {
  const child = spawn(process.execPath, [resolve('bin/egov-noc.js'), 'serve', '--config', config], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, LOG_LEVEL: 'warn', EGOV_NOC_JETSTREAM: 'on' },
  });
  children.push(child);
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const url = await new Promise<string>((started, failed) => {
    child.stdout?.on('data', () => {
      const match = /egov-noc console on (\S+)/.exec(output);
      if (match?.[1]) started(match[1]);
    });
    child.once('exit', (code) => failed(new Error(`serve exited ${code}:\n${output}`)));
  });
  return { child, url, output: () => output };
}

const killed = (child: ChildProcess) =>
  new Promise<void>((done) => {
    child.once('exit', () => done());
    child.kill('SIGKILL');
  });

describe('egov-noc serve on JetStream', () => {
  it('raises the alert for a node that went down while the console was killed, once it is back', async () => {
    const config = join(dir, 'serve.yaml');
    writeFileSync(
      config,
      [
        `inventory: ${resolve('configs/examples/nanyang.yaml')}`,
        `stateDir: ${join(dir, 'state')}`,
        `port: ${await freePort()}`,
        'metrics: memory',
        `bus: ${nats.url}`,
        '',
      ].join('\n'),
    );
    const first = await serve(config);
    const password = /password (\S+)/.exec(first.output())?.[1];
    const login = await fetch(`${first.url}/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password }),
    });
    expect(login.status).toBe(200);
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    await killed(first.child);

    const collector = await NatsBus.connect(nats.url, { name: 'collector', jetstream: { mode: 'on' } });
    collector.publish({
      type: 'node.state',
      node: asNodeId('xichuan-gw'),
      timeMs: Date.now(),
      state: 'unreachable',
      reason: 'timeout after 3 polls',
    });
    await collector.flush();
    await collector.close();

    const second = await serve(config);
    const openFor = async (node: string) => {
      const response = await fetch(`${second.url}/api/alerts`, { headers: { cookie } });
      const body = (await response.json()) as AlertsResponse;
      return body.alerts.some((alert) => alert.node === node || alert.impacted.includes(asNodeId(node)));
    };
    await expect.poll(() => openFor('xichuan-gw'), { timeout: 30_000, interval: 250 }).toBe(true);
    // The alert engine keeps the ids it handled in its own store, committed with the alerts.
    const handled = new Database(join(dir, 'state', 'alerts.sqlite'), { readonly: true });
    const ids = handled
      .prepare("SELECT count(*) AS n FROM handled_events WHERE id LIKE 'console_all/%'")
      .get() as { n: number };
    handled.close();
    expect(ids.n).toBeGreaterThanOrEqual(1);
    await killed(second.child);
  }, 90_000);
});

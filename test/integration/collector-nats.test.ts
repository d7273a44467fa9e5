/**
 * Scale-out: `egov-noc collect --bus nats://…` runs as its own process (a county or city collector)
 * and its events reach a subscriber on another connection through a real nats-server.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NatsBus } from '../../bus';
import { type BusEvent } from '../../domain';
import { loadInventory } from '../../inventory';
import { startSimulator, type Simulator } from '../../simulator';
import { startNatsServer } from '../support/nats-server';

const dir = mkdtempSync(join(tmpdir(), 'egov-collect-nats-'));
let nats: Awaited<ReturnType<typeof startNatsServer>>;
let simulator: Simulator;
let collector: ChildProcess | null = null;

beforeAll(async () => {
  nats = await startNatsServer();
  const loaded = loadInventory('configs/examples/zhaoqing.yaml');
  if (!loaded.ok) throw new Error('example inventory must load');
  simulator = await startSimulator({ topology: loaded.topology });
  writeFileSync(join(dir, 'm.json'), JSON.stringify(simulator.manifest));
});

afterAll(async () => {
  if (collector && collector.exitCode === null) collector.kill('SIGKILL');
  await simulator?.stop();
  await nats?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('egov-noc collect --bus nats://', () => {
  it('publishes samples and node state a remote subscriber receives, and a node cut off turns unreachable', async () => {
    const subscriber = await NatsBus.connect(nats.url, { name: 'console-side' });
    const events: BusEvent[] = [];
    subscriber.subscribeAll((event) => events.push(event));
    await subscriber.flush();

    let output = '';
    collector = spawn(
      process.execPath,
      [
        resolve('bin/egov-noc.js'),
        'collect',
        '--inventory',
        'configs/examples/zhaoqing.yaml',
        '--store',
        join(dir, 'metrics.sqlite'),
        '--manifest',
        join(dir, 'm.json'),
        '--interval',
        '2',
        '--bus',
        nats.url,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LOG_LEVEL: 'warn' } },
    );
    collector.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    collector.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));

    await expect
      .poll(() => events.filter((e) => e.type === 'samples').length, { timeout: 20_000, interval: 200 })
      .toBeGreaterThan(30);
    expect(output).toContain(`events go to ${nats.url}`);

    const cut = simulator.inject({ kind: 'node-down', node: 'fengkai-ex' });
    expect(cut.ok).toBe(true);
    await expect
      .poll(
        () =>
          events.some((e) => e.type === 'node.state' && e.node === 'fengkai-ex' && e.state === 'unreachable'),
        { timeout: 30_000, interval: 250 },
      )
      .toBe(true);

    const exited = new Promise<number | null>((r) => collector?.once('exit', (code) => r(code)));
    collector.kill('SIGINT');
    expect(await exited, output).toBe(0);
    await subscriber.close();
  }, 90_000);
});

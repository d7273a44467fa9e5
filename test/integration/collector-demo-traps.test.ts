/**
 * The demo's trap path under the hardened receiver: the simulated agents' traps (v2c with their own
 * community, v3 signed with their user) reach the demo's collector, none is refused; the demo's state
 * folder and its simulator control file are owner-only.
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../../demo/stack';

let stack: Stack;
let parent: string;

beforeAll(async () => {
  parent = mkdtempSync(join(tmpdir(), 'egov-demo-traps-'));
  stack = await startStack({
    inventoryPath: 'configs/examples/nanyang.yaml',
    stateDir: join(parent, 'state'),
    pollIntervalS: 30,
    scenario: false,
    log: pino({ level: 'silent' }),
  });
});
afterAll(async () => {
  await stack?.stop();
  rmSync(parent, { recursive: true, force: true });
});

describe('demo trap path', () => {
  it('a cut county uplink: linkDown traps from the v3 core and linkUp on clear reach the collector, none refused', async () => {
    const cut = stack.simulator.inject({ kind: 'link-down', a: 'ny-core', b: 'xichuan-gw' });
    if (!cut.ok) throw new Error(cut.reason);
    await expect.poll(() => stack.collector.stats().traps?.published, { timeout: 3000 }).toBeGreaterThan(0);
    stack.simulator.clear(cut.id);
    await expect.poll(() => stack.collector.stats().traps?.published, { timeout: 3000 }).toBeGreaterThan(1);
    expect(stack.collector.stats().traps).toMatchObject({ unknownSenders: 0, rejected: 0 });
  });

  it('keeps its state folder 0700 and the simulator control file (bearer token) 0600', () => {
    expect(statSync(stack.stateDir).mode & 0o777).toBe(0o700);
    const controlFile = join(stack.stateDir, 'simulator-control.json');
    expect(statSync(controlFile).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(controlFile, 'utf8'))).toEqual({
      url: stack.simulator.controlUrl,
      token: stack.simulator.controlToken,
    });
  });
});

/**
 * The console on the generated province (`egov-noc inventory generate`, about 5,100 nodes) against
 * the real demo stack: it opens on the overview, and a township taken down with
 * `egov-noc fault node-down` is one click from it, drawn highlighted in its county's tree.
 */
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../../demo/stack';
import { ensureWebBuilt, launchChromium, newSession, screenshot } from './support/browser';

const PASSWORD = 'e2e-province-passphrase-42';
let stack: Stack;
let browser: Browser;
let dir: string;

beforeAll(async () => {
  ensureWebBuilt();
  dir = mkdtempSync(join(tmpdir(), 'province-e2e-'));
  const inventory = join(dir, 'province.yaml');
  execFileSync('node', ['bin/egov-noc.js', 'inventory', 'generate', '--out', inventory], { stdio: 'pipe' });
  stack = await startStack({
    inventoryPath: inventory,
    stateDir: join(dir, 'state'),
    // Long enough that this shared machine finishes each round of 5,000 polls (no freshness storm).
    pollIntervalS: 30,
    scenario: false,
    log: pino({ level: 'silent' }),
  });
  const created = await stack.console.users.create(
    {
      username: 'province-duty',
      displayName: 'province-duty',
      role: 'operator',
      scope: null,
      password: PASSWORD,
    },
    { actor: 'e2e', from: 'local' },
  );
  if (!created.ok) throw new Error(created.message);
  browser = await launchChromium();
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('province-scale console', () => {
  it('a township taken down is one click from the overview and drawn highlighted on the map', async () => {
    const township = stack.topology.nodes.find((n) => n.tier === 'township');
    if (township === undefined) throw new Error('the generated province has no township');
    const { context, page } = await newSession(browser);
    await page.goto(stack.url);
    await page.fill('input[name=username]', 'province-duty');
    await page.fill('input[name=password]', PASSWORD);
    await page.click('form[data-testid=login] button[type=submit]');
    // A province opens on the overview, not the map.
    await page.waitForSelector('[data-testid=overview][data-ready=true]', { timeout: 30_000 });
    expect(await page.locator('[data-testid=topology]').count()).toBe(0);

    // Asynchronously: the simulator answering this command runs in this very process.
    await promisify(execFile)('node', [
      'bin/egov-noc.js',
      'fault',
      'node-down',
      township.id,
      '--control-file',
      join(dir, 'state', 'simulator-control.json'),
    ]);
    const fault = page.locator(`[data-testid=fault][data-node="${township.id}"]`);
    await fault.waitFor({ timeout: 180_000 });
    await screenshot(page, 'overview-province');

    // Click 1: the fault in the overview's list opens its county's tree with the township marked.
    await fault.click({ timeout: 60_000 });
    const map = page.locator('[data-testid=topology]');
    await expect.poll(() => map.getAttribute('data-shape')).toBe('tree');
    const canvas = map.locator('canvas');
    await expect
      .poll(async () => ((await canvas.getAttribute('data-highlights')) ?? '').split(' '), {
        timeout: 10_000,
      })
      .toContain(township.id);
    expect(((await map.getAttribute('data-faults')) ?? '').split(' ')).toContain(township.id);
    await screenshot(page, 'topology-province-township');
    await context.close();
  }, 360_000);
});

/**
 * The "live stream disconnected" banner in a real browser: while the WebSocket is up there is no
 * banner; when the console server goes away the banner says so (in Chinese) within seconds; when a
 * console server comes back on the same port and state dir, the stream resumes and the banner goes.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InProcessBus } from '../../bus';
import { startConsoleServer, type ConsoleServer } from '../../console/server';
import { createPkiHttpApp } from '../../pki/http';
import { startStack, type Stack } from '../../demo/stack';
import { ensureWebBuilt, launchChromium, newSession, screenshot, signIn } from './support/browser';

let stack: Stack;
let browser: Browser;
let stateDir: string;
let restarted: ConsoleServer | null = null;
const log = pino({ level: 'silent' });

beforeAll(async () => {
  ensureWebBuilt();
  stateDir = mkdtempSync(join(tmpdir(), 'stream-banner-e2e-'));
  stack = await startStack({
    inventoryPath: 'configs/examples/nanyang.yaml',
    stateDir,
    pollIntervalS: 2,
    scenario: false,
    consolePort: 0,
    log,
  });
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await restarted?.stop();
  await stack?.stop();
  if (stateDir) rmSync(stateDir, { recursive: true, force: true });
});

describe('stream disconnected banner', () => {
  it('appears when the console server goes away and disappears once the stream resumes', async () => {
    if (stack.admin === null) throw new Error('the demo stack did not create a first admin');
    const { context, page } = await newSession(browser);
    await signIn(page, stack.url, stack.admin.username, stack.admin.password);
    const status = page.locator('[data-testid=stream-status]');
    const banner = page.locator('[data-testid=stale-banner]');

    // Connected: the header says live and there is no disconnected banner.
    await status.filter({ hasText: '实时' }).waitFor({ timeout: 15_000 });
    expect(await banner.count()).toBe(0);

    // Only the console server (HTTP + WebSocket) goes away; the rest of the stack keeps running.
    const port = stack.console.port;
    await stack.console.stop();
    await banner.waitFor({ state: 'visible', timeout: 15_000 });
    const text = await banner.innerText();
    expect(text).toContain('实时数据流已断开，正在重连');
    expect(text).toMatch(/第 \d+ 次/);
    expect(await status.innerText()).toContain('重连中');
    await screenshot(page, 'stream-disconnected');

    // A console server on the same port and state dir: the session cookie is still valid there.
    // The stack does not expose its bus, so this one gets its own (snapshot + heartbeats suffice).
    restarted = await startConsoleServer({
      topology: stack.topology,
      bus: new InProcessBus(),
      alerts: stack.alerts,
      pki: stack.pki.service,
      pkiHttp: createPkiHttpApp(stack.pki.service),
      metrics: stack.metrics,
      stateDir,
      port,
      log,
    });
    expect(restarted.url).toBe(stack.url);
    // Reconnect backoff after a few failed attempts is at most ~6 s; allow generous headroom.
    await banner.waitFor({ state: 'detached', timeout: 30_000 });
    await status.filter({ hasText: '实时' }).waitFor({ timeout: 5_000 });
    // The browser really is attached to the new server's stream hub.
    expect(restarted.hub.clientCount).toBe(1);
    await screenshot(page, 'stream-resumed');
    await context.close();
  }, 90_000);
});

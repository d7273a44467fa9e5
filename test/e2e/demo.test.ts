/**
 * The product as a new user meets it: the README's run command brings up the demo, and a person in
 * a browser sees the simulated network and a live alert from the scripted fault scenario.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { ensureWebBuilt, launchChromium, newSession, signIn } from './support/browser';

interface RunningDemo {
  child: ChildProcess;
  output: () => string;
  url: string;
  password: string;
}

/** Start `bash scripts/demo.sh` (the README's run command) with fast timings; resolve once it prints its login. */
function startDemo(): Promise<RunningDemo> {
  const child = spawn('bash', ['scripts/demo.sh', '--port', '0', '--interval', '2', '--cycle', '40'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    // The checkout's node_modules is the one under test (and may be shared): never npm ci here.
    env: { ...process.env, LOG_LEVEL: 'warn', EGOV_NOC_SKIP_INSTALL: '1' },
  });
  let text = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`demo did not print its login within 90 s:\n${text}`)),
      90_000,
    );
    const onData = (chunk: Buffer) => {
      text += chunk.toString();
      const url = /console:\s+(http:\/\/127\.0\.0\.1:\d+)\//.exec(text)?.[1];
      const password = /admin:\s+admin \/ (\S+)/.exec(text)?.[1];
      if (url && password) {
        clearTimeout(timer);
        resolve({ child, output: () => text, url, password });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`demo exited early with ${String(code)}:\n${text}`));
    });
  });
}

describe('README run command (egov-noc demo)', () => {
  let demo: RunningDemo;
  let browser: Browser;

  beforeAll(async () => {
    ensureWebBuilt();
    demo = await startDemo();
    browser = await launchChromium();
  }, 150_000);

  afterAll(async () => {
    await browser?.close();
    if (demo && demo.child.exitCode === null) demo.child.kill('SIGKILL');
  });

  it('shows the simulated Nanyang network and a live root-cause alert from the scenario', async () => {
    const { page, context } = await newSession(browser);
    await signIn(page, `${demo.url}/`, 'admin', demo.password);
    await expect.poll(() => page.locator('[data-testid=topology]').getAttribute('data-ready')).toBe('true');
    // The scenario cuts 南召县's HFC uplink 20 s after start: one root-cause alert with its subtree impacted.
    const rootCause = page.locator('[data-testid=alert-row]', { hasText: '南召县' }).first();
    await rootCause.waitFor({ timeout: 60_000 });
    await expect.poll(() => rootCause.textContent()).toMatch(/南召县政府内网路由器.*上联链路中断/);
    await page.screenshot({ path: 'test/.artifacts/screenshots/demo.png' });
    await context.close();
  }, 120_000);

  it('stops everything cleanly on Ctrl-C', async () => {
    const exited = new Promise<number | null>((resolve) => demo.child.once('exit', (code) => resolve(code)));
    demo.child.kill('SIGINT');
    const code = await Promise.race([
      exited,
      new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 20_000)),
    ]);
    expect(code, demo.output()).toBe(0);
    expect(demo.output()).toContain('egov-noc demo: stopping');
  }, 30_000);
});

/**
 * The setup most browser tests share: the web app built, the demo stack (simulated network,
 * collector, alert engine, CA, console) on a throwaway state folder, the test's users, and one
 * Chromium, all for one test file; `stop` takes them down and removes the folder.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import type { Browser } from 'playwright-core';
import type { UserRole } from '../../../console/shared';
import { startStack, type Stack } from '../../../demo/stack';
import { ensureWebBuilt, launchChromium } from './browser';

export interface DemoUser {
  username: string;
  role: UserRole;
  scope: string | null;
  /** Default: the username. */
  displayName?: string;
}

export interface DemoStackOptions {
  /** Names the state folder (`<name>-e2e-XXXXXX` in the temporary directory). */
  name: string;
  /** Every user's password. */
  password: string;
  users: DemoUser[];
  /** Default: the Nanyang example network (83 nodes). */
  inventoryPath?: string;
  /** Default 2 s: faults show within seconds. */
  pollIntervalS?: number;
}

export interface DemoStack {
  stack: Stack;
  browser: Browser;
  stateDir: string;
  stop(): Promise<void>;
}

async function createUsers(stack: Stack, users: DemoUser[], password: string): Promise<void> {
  for (const user of users) {
    const created = await stack.console.users.create(
      {
        username: user.username,
        displayName: user.displayName ?? user.username,
        role: user.role,
        scope: user.scope,
        password,
      },
      { actor: 'e2e', from: 'local' },
    );
    if (!created.ok) throw new Error(`create ${user.username}: ${created.message}`);
  }
}

export async function startDemoStack(options: DemoStackOptions): Promise<DemoStack> {
  ensureWebBuilt();
  const stateDir = mkdtempSync(join(tmpdir(), `${options.name}-e2e-`));
  const removeState = () => rmSync(stateDir, { recursive: true, force: true });
  let stack: Stack | null = null;
  try {
    stack = await startStack({
      inventoryPath: options.inventoryPath ?? 'configs/examples/nanyang.yaml',
      stateDir,
      pollIntervalS: options.pollIntervalS ?? 2,
      scenario: false,
      log: pino({ level: 'silent' }),
    });
    await createUsers(stack, options.users, options.password);
    const browser = await launchChromium();
    const started = stack;
    return {
      stack: started,
      browser,
      stateDir,
      stop: async () => {
        await browser.close();
        await started.stop();
        removeState();
      },
    };
  } catch (error) {
    await stack?.stop();
    removeState();
    throw error;
  }
}

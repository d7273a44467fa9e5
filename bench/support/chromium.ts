/**
 * Headless Chromium (Debian's /usr/bin/chromium) driven by playwright-core, and the web app built
 * when its sources are newer than its dist: shared by the console benchmark and the browser tests.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/**
 * `npm run build:web` unless console/web/dist is newer than every source file of the web app.
 * Where the sources are absent (the image ships only the build), the build is what there is.
 */
export function ensureWebBuilt(): void {
  const built = 'console/web/dist/index.html';
  if (existsSync(built) && !existsSync('console/web/src')) return;
  const sources = Math.max(
    newestMtime('console/web/src'),
    newestMtime('console/shared'),
    statSync('console/web/index.html').mtimeMs,
  );
  if (existsSync(built) && statSync(built).mtimeMs > sources) return;
  execFileSync('npm', ['run', 'build:web', '--silent'], { stdio: 'inherit', timeout: 120_000 });
}

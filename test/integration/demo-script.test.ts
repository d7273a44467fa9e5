/**
 * `scripts/demo.sh` decides whether to install: npm ci when node_modules is missing or older than
 * package-lock.json (the README's quick start on a fresh machine), never with
 * EGOV_NOC_SKIP_INSTALL=1 (the tests that run it, a checkout whose node_modules others share).
 * The script runs with bash in a scratch copy of the project's layout; `npm` there is a recorder
 * on PATH (an install needs the network and would replace node_modules), `node` is the real one
 * running stand-ins for scripts/build.js and bin/egov-noc.js that note they ran.
 */
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = mkdtempSync(join(tmpdir(), 'egov-demo-script-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** What the stand-ins and the recorder wrote: one line per npm call, build and demo start. */
const RECORDER_NPM = `#!/bin/sh
echo "npm $*" >> "$EGOV_TEST_LOG"
if [ "$1" = ci ]; then mkdir -p node_modules && echo '{}' > node_modules/.package-lock.json; fi
`;
const STAND_IN = (what: string) =>
  `require('node:fs').appendFileSync(process.env.EGOV_TEST_LOG, ${JSON.stringify(what)} + ' ' + process.argv.slice(2).join(' ') + '\\n');\n`;

type Modules = 'missing' | 'stale' | 'current';

/** A project layout with demo.sh, its lockfile and node_modules in the given state. */
function project(name: string, modules: Modules): string {
  const dir = join(root, name);
  mkdirSync(join(dir, 'scripts'), { recursive: true });
  mkdirSync(join(dir, 'bin'));
  mkdirSync(join(dir, 'tools'));
  copyFileSync(resolve('scripts/demo.sh'), join(dir, 'scripts/demo.sh'));
  writeFileSync(join(dir, 'scripts/build.js'), STAND_IN('build'));
  writeFileSync(join(dir, 'bin/egov-noc.js'), STAND_IN('egov-noc'));
  writeFileSync(join(dir, 'tools/npm'), RECORDER_NPM);
  chmodSync(join(dir, 'tools/npm'), 0o755);
  writeFileSync(join(dir, 'package-lock.json'), '{}');
  if (modules !== 'missing') {
    mkdirSync(join(dir, 'node_modules'));
    writeFileSync(join(dir, 'node_modules/.package-lock.json'), '{}');
    const lockS = Date.now() / 1000;
    const installedS = modules === 'stale' ? lockS - 3600 : lockS + 3600;
    utimesSync(join(dir, 'node_modules/.package-lock.json'), installedS, installedS);
    utimesSync(join(dir, 'package-lock.json'), lockS, lockS);
  }
  return dir;
}

/** Runs the copied demo.sh with `skip` as EGOV_NOC_SKIP_INSTALL (undefined: unset). */
function runDemo(dir: string, skip: string | undefined) {
  const log = join(dir, 'ran.log');
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PATH: `${join(dir, 'tools')}:${process.env.PATH ?? ''}`,
    EGOV_TEST_LOG: log,
  };
  delete env.EGOV_NOC_SKIP_INSTALL;
  if (skip !== undefined) env.EGOV_NOC_SKIP_INSTALL = skip;
  const result = spawnSync('bash', [join(dir, 'scripts/demo.sh'), '--port', '0'], { env, encoding: 'utf8' });
  const ran = existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n') : [];
  return { status: result.status, stderr: result.stderr, ran };
}

describe('scripts/demo.sh installs only when it must, and never when told not to', () => {
  it('installs on a fresh machine (no node_modules) and when package-lock.json is newer', () => {
    for (const modules of ['missing', 'stale'] as const)
      expect(runDemo(project(`fresh-${modules}`, modules), undefined), modules).toMatchObject({
        status: 0,
        ran: ['npm ci --no-audit --no-fund', 'build --quiet', 'egov-noc demo --port 0'],
      });
    expect(runDemo(project('zero', 'stale'), '0').ran[0]).toBe('npm ci --no-audit --no-fund');
  });

  it('does not install when node_modules is current', () => {
    expect(runDemo(project('current', 'current'), undefined)).toMatchObject({
      status: 0,
      ran: ['build --quiet', 'egov-noc demo --port 0'],
    });
  });

  it('never installs with EGOV_NOC_SKIP_INSTALL=1, even when package-lock.json is newer', () => {
    expect(runDemo(project('skip-stale', 'stale'), '1')).toMatchObject({
      status: 0,
      ran: ['build --quiet', 'egov-noc demo --port 0'],
    });
  });

  it('stops with a clear line when told not to install and there is nothing installed', () => {
    const run = runDemo(project('skip-missing', 'missing'), '1');
    expect(run).toMatchObject({ status: 1, ran: [] });
    expect(run.stderr).toContain('EGOV_NOC_SKIP_INSTALL=1 but node_modules is missing: run npm ci first');
  });

  it('refuses a value other than 1 or 0', () => {
    const run = runDemo(project('skip-yes', 'stale'), 'yes');
    expect(run).toMatchObject({ status: 2, ran: [] });
    expect(run.stderr).toContain('EGOV_NOC_SKIP_INSTALL must be 1 (never install) or 0, got "yes"');
  });
});

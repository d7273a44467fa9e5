/**
 * Defacement baselines survive a collector restart: a node:http portal on loopback, the real check
 * runner with a state directory into a real alert engine. The first run's content becomes the stored
 * baseline (check-baselines.sqlite, 0600 in a 0700 folder); the collector stops, the page changes
 * while it is down, and the restarted collector still calls it defaced (a content-defaced alert).
 * The operator accepts the change with the built CLI (`egov-noc checks rebaseline`, recorded with who
 * and why) and the next run of the still-running collector clears it. A baselineSha256 pinned in the
 * checks file still wins over the store. A page unchanged for days keeps its age across a restart.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BASELINES_FILE,
  BaselineStore,
  parseChecks,
  sha256,
  significantContent,
  startServiceChecks,
  type RunningServiceChecks,
} from '../../collector/checks/index';
import { memoryLogger } from '../../common';
import { harness, type Harness } from '../alerts/support';
import { MemoryMetricsStore } from '../support/memory-metrics-store';

const run = promisify(execFile);
const DAY_MS = 86_400_000;
const BIN = resolve('bin/egov-noc.js');

let work: string;
let stateDir: string;
let h: Harness;
let portal: http.Server;
let portalUrl: string;
const page = { headline: '南阳市人民政府门户网站' };
const render = () => `<html><body><h1>${page.headline}</h1></body></html>`;

const checksYaml = (pinned?: string) => `checks:
  - id: portal-deface
    node: ny-dx
    kind: http
    url: "${portalUrl}/"
    defacement: { forbiddenWords: ["Hacked by"]${pinned ? `, baselineSha256: "${pinned}"` : ''} }
`;

function collector(yaml = checksYaml()): RunningServiceChecks {
  const parsed = parseChecks('checks.yaml', yaml, h.topology, work);
  if (!parsed.ok) throw new Error(parsed.errors.map((e) => `${e.field}: ${e.message}`).join('\n'));
  return startServiceChecks({
    checks: parsed.checks,
    store: new MemoryMetricsStore(),
    bus: h.bus,
    logger: memoryLogger(),
    now: h.clock.now,
    schedule: false,
    stateDir,
  });
}

const defacedAlerts = () => h.engine.list().filter((alert) => alert.rule === 'content-defaced');

async function cli(args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], {
      env: { ...process.env, USER: 'wang.operator' },
    });
    return { stdout, stderr, code: 0 };
  } catch (error) {
    const failed = error as { stdout: string; stderr: string; code: number };
    return { stdout: failed.stdout, stderr: failed.stderr, code: failed.code };
  }
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'egov-baselines-'));
  stateDir = join(work, 'state', 'collector');
  h = await harness();
  portal = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(render());
  });
  await new Promise<void>((done) => portal.listen(0, '127.0.0.1', done));
  portalUrl = `http://127.0.0.1:${(portal.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await h.cleanup();
  await new Promise((done) => portal.close(done));
  rmSync(work, { recursive: true, force: true });
});

describe('defacement baselines in the collector state directory', () => {
  it('a page defaced while the collector was down is defaced after its restart; rebaseline accepts it', async () => {
    const first = collector();
    const [firstRun] = await first.runNow();
    expect(firstRun?.defaced).toMatchObject({ found: false });
    await first.stop();
    const file = join(stateDir, BASELINES_FILE);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(stateDir).mode & 0o777).toBe(0o700);

    page.headline = '此网站已被黑';
    const restarted = collector();
    const [afterRestart] = await restarted.runNow();
    expect(afterRestart?.defaced).toMatchObject({ found: true, baselineSha256: firstRun?.defaced?.sha256 });
    expect(defacedAlerts()).toHaveLength(1);
    expect(defacedAlerts()[0]).toMatchObject({ severity: 'critical', node: 'ny-dx' });

    const accepted = await cli([
      'checks',
      'rebaseline',
      '--check',
      'portal-deface',
      '--reason',
      '门户改版上线（工单 2026-118）',
      '--state-dir',
      stateDir,
    ]);
    expect(accepted.code, accepted.stderr).toBe(0);
    expect(accepted.stdout).toMatch(/portal-deface .*baseline [0-9a-f]{16}… dropped.*by wang\.operator/);

    const [afterRebaseline] = await restarted.runNow();
    expect(afterRebaseline?.defaced).toMatchObject({
      found: false,
      baselineSha256: afterRestart?.defaced?.sha256,
    });
    expect(defacedAlerts()).toHaveLength(0);
    await restarted.stop();

    const listed = await cli(['checks', 'baselines', '--history', '10', '--state-dir', stateDir]);
    expect(listed.stdout).toContain(`portal-deface\t${portalUrl}/\t${afterRestart?.defaced?.sha256}`);
    const history = listed.stdout.split('\n').filter((line) => /\t(adopted|rebaselined)\t/.test(line));
    expect(history.map((line) => line.split('\t')[1])).toEqual(['adopted', 'rebaselined', 'adopted']);
    expect(listed.stdout).toMatch(/rebaselined\tportal-deface.*\twang\.operator\t门户改版上线/);
  });

  it('a hash given with --sha256 is the baseline; a bad one or an unknown check is refused clearly', async () => {
    page.headline = '南阳市人民政府门户网站';
    const original = sha256(significantContent(render(), []));
    const set = await cli([
      'checks',
      'rebaseline',
      '--check',
      'portal-deface',
      '--url',
      `${portalUrl}/`,
      '--sha256',
      original,
      '--reason',
      '回退到原页面',
      '--state-dir',
      stateDir,
    ]);
    expect(set.code, set.stderr).toBe(0);
    const checks = collector();
    const [event] = await checks.runNow();
    expect(event?.defaced).toMatchObject({ found: false, baselineSha256: original });
    await checks.stop();

    const bad = await cli([
      'checks',
      'rebaseline',
      '--check',
      'portal-deface',
      '--url',
      `${portalUrl}/`,
      '--sha256',
      'abc',
      '--reason',
      'x',
      '--state-dir',
      stateDir,
    ]);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('--sha256 must be 64 lower-case hex digits');
    const unknown = await cli([
      'checks',
      'rebaseline',
      '--check',
      'no-such',
      '--reason',
      'x',
      '--state-dir',
      stateDir,
    ]);
    expect(unknown.stderr).toMatch(/no baseline stored for check "no-such" .*\(stored: portal-deface\)/);
    const noDir = await cli(['checks', 'baselines', '--state-dir', join(work, 'elsewhere')]);
    expect(noDir.stderr).toMatch(/check-baselines\.sqlite does not exist: give the collector's --state-dir/);
  });

  it('a page unchanged for days keeps its age across a restart: stale after its limit, fake clock', async () => {
    const staleYaml = `checks:
  - { id: portal-news, node: ny-dx, kind: http, url: "${portalUrl}/", staleness: { after: 3d } }
`;
    const first = collector(staleYaml);
    const [fresh] = await first.runNow();
    expect(fresh?.stale).toMatchObject({ found: false, unchangedS: 0 });
    await first.stop();
    h.clock.advance(2 * DAY_MS);
    const restarted = collector(staleYaml);
    const [afterRestart] = await restarted.runNow();
    expect(afterRestart?.stale).toMatchObject({ found: false, unchangedS: 2 * 86_400 });
    h.clock.advance(1.5 * DAY_MS);
    const [stale] = await restarted.runNow();
    expect(stale?.stale).toMatchObject({ found: true, unchangedS: 3.5 * 86_400 });
    expect(h.engine.list().filter((a) => a.rule === 'content-stale')).toHaveLength(1);
    page.headline = '南阳市人民政府门户网站（更新）';
    const [updated] = await restarted.runNow();
    expect(updated?.stale).toMatchObject({ found: false, unchangedS: 0 });
    await restarted.stop();
  });

  it('a baselineSha256 pinned in the checks file wins over the store', async () => {
    const pinned = 'a'.repeat(64);
    const checks = collector(checksYaml(pinned));
    const [event] = await checks.runNow();
    expect(event?.defaced).toMatchObject({ found: true, baselineSha256: pinned });
    await checks.stop();
    const store = new BaselineStore(join(stateDir, BASELINES_FILE));
    expect(store.list().map((b) => b.sha256)).not.toContain(pinned);
    store.close();
  });
});

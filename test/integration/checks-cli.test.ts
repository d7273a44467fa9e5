/**
 * `egov-noc collect` with service checks in the inventory and in a checks file (the deployed path):
 * the built CLI beside the simulated network runs them on their interval against a local node:http
 * server, stores each run as a `service` point, and refuses a bad check with file:line field errors
 * (exit 2), in `collect` and in `inventory check`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { memoryLogger } from '../../common';
import { openMetricsStore } from '../../metrics';
import { waitUntil } from '../support/wait';

const BIN = resolve('bin/egov-noc.js');
const INVENTORY = resolve('configs/examples/nanyang.yaml');
const dir = mkdtempSync(join(tmpdir(), 'egov-checks-cli-'));
const children: ChildProcess[] = [];

function start(args: string[]) {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  const out = { stdout: '', stderr: '' };
  child.stdout?.on('data', (c: Buffer) => (out.stdout += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (out.stderr += c.toString()));
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  return { child, out, exited };
}

/** The example inventory copied into the test folder with a `checks:` list of its own. */
function inventoryWithChecks(name: string, checks: string): string {
  copyFileSync(resolve('configs/examples/nanyang.credentials.yaml'), join(dir, 'nanyang.credentials.yaml'));
  const file = join(dir, name);
  writeFileSync(file, `${readFileSync(INVENTORY, 'utf8')}\nchecks:\n${checks}`);
  return file;
}

afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

describe('egov-noc collect --checks', () => {
  it('runs the checks of the inventory and of a checks file on their interval and stores every run', async () => {
    const visits: string[] = [];
    const portal = http.createServer((req, res) => {
      visits.push(String(req.headers['user-agent']));
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end('<h1>南阳市人民政府</h1>');
    });
    await new Promise<void>((done) => portal.listen(0, '127.0.0.1', done));
    const port = (portal.address() as AddressInfo).port;
    const manifest = join(dir, 'm.json');
    const sim = start(['simulate', '--inventory', INVENTORY, '--manifest', manifest]);
    await waitUntil(
      'the simulator manifest',
      () => existsSync(manifest) && sim.out.stdout.includes('agents'),
      {
        timeoutMs: 60_000,
      },
    );
    writeFileSync(
      join(dir, 'checks.yaml'),
      `defaults: { intervalS: 1, timeoutMs: 2000 }
checks:
  - { id: ny-portal, node: ny-dx, kind: http, url: "http://127.0.0.1:${port}/", expectText: "人民政府" }
`,
    );
    // The ping sits in the inventory beside the nodes; the portal check in the checks file.
    const inventory = inventoryWithChecks(
      'with-checks.yaml',
      '  - { id: ny-loopback, node: ny-core, kind: icmp, host: 127.0.0.1, count: 1, intervalS: 1 }\n',
    );
    writeFileSync(
      join(dir, 'collect.yaml'),
      [
        `inventory: ${inventory}`,
        'store: metrics.sqlite',
        'manifest: m.json',
        // The checks run on their own 1 s interval; an hour's poll interval spreads the 83 nodes' polls
        // over an hour, so the collector polls one node while the test runs, not 17 a second that the
        // simulator must answer and SIGINT must wait for (4.7 s of the stop at load 15).
        'intervalS: 3600',
        'checks: checks.yaml',
        '',
      ].join('\n'),
    );
    const collect = start(['collect', '--config', join(dir, 'collect.yaml')]);
    await waitUntil('three checks of the portal', () => visits.length >= 3, { timeoutMs: 60_000 });
    expect(visits[0]).toBe('egov-noc-check/1');
    expect(collect.out.stdout).toMatch(/2 service check\(s\) from .*with-checks\.yaml and .*checks\.yaml/);
    collect.child.kill('SIGINT');
    expect(await collect.exited).toBe(0);
    sim.child.kill('SIGTERM');
    await sim.exited;
    await new Promise((done) => portal.close(done));

    const store = openMetricsStore(join(dir, 'metrics.sqlite'), { logger: memoryLogger() });
    await store.init();
    try {
      const [web] = await store.latest('service', { check: 'ny-portal' });
      expect(web?.tags).toMatchObject({ node: 'ny-dx', kind: 'http' });
      expect(web?.fields.up).toBe(1);
      expect(web?.fields.latencyMs).toBeGreaterThan(0);
      const [ping] = await store.latest('service', { check: 'ny-loopback' });
      expect(ping?.fields).toMatchObject({ up: 1, lossPct: 0 });
    } finally {
      await store.close();
    }
    // A budget for bounded work, not a condition: two CLI processes start (the simulator's 83 agents,
    // the collector), three 1 s check rounds run and one node is polled; each wait above has its own
    // 60 s deadline, which the default 60 s for the whole test undercut at load 24 on two CPUs.
  }, 180_000);

  it('refuses a bad checks file with every problem as file:line field (exit 2)', async () => {
    const file = join(dir, 'bad-checks.yaml');
    writeFileSync(
      file,
      `checks:
  - { id: portal, node: ny-dx, kind: http, url: "ftp://127.0.0.1/" }
  - { id: gone, node: no-such-node, kind: tcp, host: 127.0.0.1, port: 80 }
`,
    );
    const run = start([
      'collect',
      '--inventory',
      INVENTORY,
      '--store',
      join(dir, 'bad.sqlite'),
      '--checks',
      file,
    ]);
    expect(await run.exited).toBe(2);
    expect(run.out.stderr).toMatch(
      /bad-checks\.yaml:2 checks\[0\]\.url: must be an http:\/\/ or https:\/\/ URL/,
    );
    expect(run.out.stderr).toMatch(/problem\(s\) in .*bad-checks\.yaml/);
  });

  it('checks in the inventory are checked by inventory check and collect; one id in both places is refused', async () => {
    const bad = inventoryWithChecks(
      'bad-inventory.yaml',
      '  - { id: portal, node: ny-dx, kind: http, url: "ftp://127.0.0.1/" }\n',
    );
    const badLine = readFileSync(bad, 'utf8').split('\n').indexOf('checks:') + 2;
    const check = start(['inventory', 'check', bad]);
    expect(await check.exited).toBe(2);
    expect(check.out.stderr).toContain(
      `bad-inventory.yaml:${badLine} checks[0].url: must be an http:// or https:// URL`,
    );

    const good = inventoryWithChecks(
      'twice.yaml',
      '  - { id: portal, node: ny-dx, kind: tcp, host: 127.0.0.1, port: 80 }\n',
    );
    const listed = start(['inventory', 'check', good]);
    expect(await listed.exited).toBe(0);
    expect(listed.out.stdout).toContain('service checks: 1');
    const file = join(dir, 'also-portal.yaml');
    writeFileSync(file, 'checks:\n  - { id: portal, node: ny-dx, kind: tcp, host: 127.0.0.1, port: 443 }\n');
    const run = start([
      'collect',
      '--inventory',
      good,
      '--store',
      join(dir, 'twice.sqlite'),
      '--checks',
      file,
    ]);
    expect(await run.exited).toBe(2);
    expect(run.out.stderr).toMatch(
      /service check "portal" is declared in both .*twice\.yaml and .*also-portal\.yaml/,
    );
  });
});

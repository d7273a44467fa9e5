/** `egov-noc grafana provision|export` as a user runs them: exit codes, output, the token never shown. */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeGrafana } from './fake-grafana';

const TOKEN = 'glsa_cli-secret-token-abcdef';
/** The network overview, node interfaces, video links, collector health and SLA report dashboards. */
const DASHBOARDS = 5;
const repoRoot = join(import.meta.dirname, '..', '..');

interface Run {
  code: number | null;
  out: string;
  err: string;
}

/** Asynchronous on purpose: the fake Grafana answers from this same process. */
function egovNoc(args: string[], env: Record<string, string | undefined> = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['bin/egov-noc.js', ...args], {
      cwd: repoRoot,
      env: { ...process.env, GRAFANA_TOKEN: undefined, INFLUX_READ_PASSWORD: undefined, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, out, err });
    });
  });
}

let grafana: FakeGrafana;
let url: string;
beforeEach(async () => {
  grafana = new FakeGrafana(TOKEN);
  url = await grafana.start();
});
afterEach(async () => {
  await grafana.stop();
});

describe('egov-noc grafana provision', () => {
  it('provisions with the token from GRAFANA_TOKEN, reports each object, and a second run changes nothing', async () => {
    const first = await egovNoc(
      [
        'grafana',
        'provision',
        '--url',
        url,
        '--influx-url',
        'http://influxdb:8086',
        '--influx-user',
        'grafana',
      ],
      {
        GRAFANA_TOKEN: TOKEN,
        INFLUX_READ_PASSWORD: 'pw-from-env',
      },
    );
    expect(first.err).toBe('');
    expect(first.code).toBe(0);
    expect(first.out).toContain(`Grafana 12.2.0 at ${url}`);
    expect(first.out).toMatch(/^created\s+folder\s+egov-noc/m);
    expect(first.out).toMatch(/^created\s+datasource\s+egov-noc-influxdb/m);
    expect(first.out.match(/^created\s+dashboard/gm)).toHaveLength(DASHBOARDS);
    expect(grafana.datasources.get('egov-noc-influxdb')?.secureJsonData).toEqual({ password: 'pw-from-env' });

    const second = await egovNoc(['grafana', 'provision', '--url', url], { GRAFANA_TOKEN: TOKEN });
    expect(second.code).toBe(0);
    expect(second.out.match(/^unchanged\s+dashboard/gm)).toHaveLength(DASHBOARDS);
    expect(grafana.dashboards.size).toBe(DASHBOARDS);
    for (const run of [first, second]) expect(run.out + run.err).not.toContain(TOKEN);
  });

  it('--token works too, and --out-dir also writes the provisioning files', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'egov-noc-cli-grafana-'));
    const run = await egovNoc([
      'grafana',
      'provision',
      '--url',
      url,
      '--token',
      TOKEN,
      '--out-dir',
      join(dir, 'dashboards'),
    ]);
    expect(run.code).toBe(0);
    expect(run.out).not.toContain(TOKEN);
    expect(readdirSync(join(dir, 'dashboards'))).toHaveLength(DASHBOARDS);
    expect(readdirSync(join(dir, 'provisioning', 'datasources'))).toEqual(['egov-noc.yaml']);
  });

  it('a rejected token fails with one line naming the URL, never the token', async () => {
    const run = await egovNoc(['grafana', 'provision', '--url', url], {
      GRAFANA_TOKEN: 'glsa_not-the-right-one',
    });
    expect(run.code).toBe(1);
    // Grafana itself answered (its health needs no token); the token was refused at the first write path.
    expect(run.out.trim()).toBe(`Grafana 12.2.0 at ${url}`);
    expect(run.err.trim().split('\n')).toHaveLength(1);
    expect(run.err).toMatch(/^egov-noc: Grafana at http:\/\/127\.0\.0\.1:\d+ did not accept the token \(401/);
    expect(run.err).not.toContain('glsa_not-the-right-one');
  });

  it('no token at all: says where to put one', async () => {
    const run = await egovNoc(['grafana', 'provision', '--url', url]);
    expect(run.code).toBe(1);
    expect(run.err).toContain('GRAFANA_TOKEN');
    expect(grafana.requests).toHaveLength(0);
  });
});

describe('egov-noc grafana export', () => {
  it('writes dashboards and provisioning YAML without any Grafana', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'egov-noc-cli-export-'));
    const run = await egovNoc([
      'grafana',
      'export',
      '--out-dir',
      join(dir, 'd'),
      '--provisioning-dir',
      join(dir, 'p'),
    ]);
    expect(run.code).toBe(0);
    expect(readdirSync(join(dir, 'd')).sort()).toEqual([
      'egov-noc-collector-health.json',
      'egov-noc-network-overview.json',
      'egov-noc-node-interfaces.json',
      'egov-noc-sla-report.json',
      'egov-noc-video-links.json',
    ]);
    expect(readdirSync(join(dir, 'p', 'dashboards'))).toEqual(['egov-noc.yaml']);
  });
});

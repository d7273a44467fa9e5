/**
 * `egov-noc serve` (the built CLI, not the demo) runs the CA's schedule: a CRL whose first lifetime
 * has already ended is re-signed, so the one fetched from its URL is valid now (read by openssl);
 * a certificate 5 days from expiry raises the certificate-expiry alert in the REST alert list.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, expect, test, vi } from 'vitest';
import { loadInventory } from '../../inventory';
import { directoryFromTopology, initCa, openCa } from '../../pki';
import { login } from '../console/server/support';
import { freePort } from '../support/influxd';

const DAY_MS = 86_400_000;
const PASSPHRASE = 'serve-schedule-test-passphrase';
const dir = mkdtempSync(join(tmpdir(), 'serve-pki-'));
const caDir = join(dir, 'ca');
const bin = resolve('bin/egov-noc.js');
const inventoryPath = resolve('configs/examples/nanyang.yaml');
let child: ChildProcess | undefined;
let url = '';
let adminPassword = '';
/** When the CRL the CA was created with stopped being valid (before serve started). */
let firstNextUpdateMs = 0;

function createCaWithStaleCrl(port: number): void {
  const loaded = loadInventory(inventoryPath);
  if (!loaded.ok) throw new Error('inventory');
  const pki = loaded.inventory.pki!;
  // Created 7 days and a minute ago: its first CRLs (7-day lifetime) ran out a minute ago.
  const createdAt = new Date(Date.now() - 7 * DAY_MS - 60_000);
  firstNextUpdateMs = createdAt.getTime() + 7 * DAY_MS;
  const created = initCa(caDir, {
    pki: { ...pki, publicBaseUrl: `http://127.0.0.1:${port}/pki` },
    passphrase: PASSPHRASE,
    inventoryPath,
    actor: 'test',
    now: createdAt,
  });
  if (!created.ok) throw new Error(created.reason);
  const opened = openCa(caDir, PASSPHRASE, { nodes: directoryFromTopology(loaded.topology) });
  if (!opened.ok) throw new Error(opened.reason);
  const issued = opened.value.issueWithGeneratedKey({
    nodeId: 'nanzhao-gw',
    profile: 'router',
    keyType: 'p256',
    validityDays: 5,
    actor: 'test',
  });
  if (!issued.ok) throw new Error(issued.reason);
  opened.value.close();
}

beforeAll(async () => {
  const port = await freePort();
  createCaWithStaleCrl(port);
  const state = join(dir, 'state');
  const added = execFileSync(
    process.execPath,
    [
      bin,
      'user',
      'add',
      '--state',
      state,
      '--username',
      'chief',
      '--role',
      'viewer',
      '--inventory',
      inventoryPath,
    ],
    { encoding: 'utf8' },
  );
  adminPassword = /password \(shown once, store it now\): (\S+)/.exec(added)?.[1] ?? '';
  const config = join(dir, 'serve.yaml');
  writeFileSync(
    config,
    [
      `inventory: ${inventoryPath}`,
      'stateDir: state',
      `port: ${port}`,
      'metrics: memory',
      'alerts:',
      '  db: alerts.sqlite',
      'pki:',
      '  dir: ca',
      '  scheduleIntervalS: 1',
    ].join('\n'),
  );
  const started = spawn(process.execPath, [bin, 'serve', '--config', config], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, LOG_LEVEL: 'warn', EGOV_CA_PASSPHRASE: PASSPHRASE },
  });
  child = started;
  let output = '';
  started.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  started.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  await vi.waitFor(
    () => {
      if (!/egov-noc console on http:\/\//.test(output)) throw new Error(`serve not up yet: ${output}`);
    },
    { timeout: 30_000, interval: 100 },
  );
  url = `http://127.0.0.1:${port}`;
}, 60_000);

afterAll(() => {
  child?.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

function crlFields(der: Buffer): { nextUpdateMs: number; number: number } {
  const file = join(dir, `fetched-${Date.now()}.crl`);
  writeFileSync(file, der);
  const text = execFileSync(
    'openssl',
    ['crl', '-inform', 'DER', '-in', file, '-noout', '-nextupdate', '-crlnumber'],
    {
      encoding: 'utf8',
    },
  );
  const nextUpdate = /nextUpdate=(.+)/.exec(text)?.[1] ?? '';
  const number = /crlNumber=(?:0x)?([0-9A-Fa-f]+)/.exec(text)?.[1] ?? '';
  return { nextUpdateMs: Date.parse(nextUpdate), number: parseInt(number, 16) };
}

test('the CRL served at its URL is valid past the lifetime of the first one', async () => {
  expect(Date.now()).toBeGreaterThan(firstNextUpdateMs);
  for (const issuer of ['root', 'nanyang-branch']) {
    const response = await fetch(`${url}/pki/crl/${issuer}.crl`);
    expect(response.status).toBe(200);
    const crl = crlFields(Buffer.from(await response.arrayBuffer()));
    expect(crl.nextUpdateMs).toBeGreaterThan(Date.now() + 6 * DAY_MS);
    expect(crl.number).toBeGreaterThan(1);
  }
});

test('a certificate 5 days from expiry is an alert in the REST alert list', async () => {
  const admin = await login(url, 'chief', adminPassword);
  await expect
    .poll(
      async () => {
        const body = (await (await admin.api('/api/alerts')).json()) as {
          alerts: Array<{ rule: string; node: string | null; severity: string }>;
        };
        return body.alerts.filter((alert) => alert.rule === 'certificate-expiry');
      },
      { timeout: 20_000 },
    )
    .toEqual([expect.objectContaining({ node: 'nanzhao-gw', severity: 'major' })]);
});

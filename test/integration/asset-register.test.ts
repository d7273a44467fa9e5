/**
 * The asset register on the deployed path: `egov-noc simulate` (the 83-node Nanyang example),
 * `egov-noc collect` and `egov-noc serve` as separate processes joined by a real NATS JetStream bus.
 * The register holds every node; `egov-noc fault module-swap` becomes a "module replaced" change with
 * the old and new serial (and an info alert), `fault firmware-upgrade` a "firmware upgraded" one,
 * `fault module-remove` a "module removed" (a major alert for a fan) and `fault module-insert` a
 * "module inserted" (the part put back resolves the removal; a new line card is inserted too);
 * the XLSX export opens with exceljs and holds every node, the CSV parses; a county operator sees and
 * exports its county only; a restarted console keeps the register and its changes.
 */
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseString } from '@fast-csv/parse';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AssetChangesResponse, AssetsResponse } from '../../console/shared/index';
import type { Alert } from '../../domain';
import {
  consoleCookie,
  freeTcpPort,
  runEgovNoc,
  startEgovNoc,
  type RunningCommand,
  writeStackConfigs,
} from '../support/egov-noc-cli';
import { startNatsServer } from '../support/nats-server';
import { waitUntil } from '../support/wait';

const INVENTORY = resolve('configs/examples/nanyang.yaml');
const dir = mkdtempSync(join(tmpdir(), 'egov-assets-'));
const stateDir = join(dir, 'console');
const controlFile = join(dir, 'control.json');
const children: ChildProcess[] = [];
const PASSWORD = 'Asset-Register-2026!';
let nats: Awaited<ReturnType<typeof startNatsServer>>;
let port: number;
let serve: RunningCommand;

const cookies = new Map<string, string>();
async function signIn(username: string): Promise<void> {
  cookies.set(username, await consoleCookie(port, username, PASSWORD));
}

function get(user: string, path: string): Promise<Response> {
  return fetch(`http://127.0.0.1:${port}${path}`, { headers: { cookie: cookies.get(user) ?? '' } });
}

async function json<T>(user: string, path: string): Promise<T> {
  const response = await get(user, path);
  expect(response.status, path).toBe(200);
  return (await response.json()) as T;
}

function startServe() {
  const started = startEgovNoc(['serve', '--config', join(dir, 'serve.yaml')], children);
  return started;
}

async function serveReady(started: RunningCommand): Promise<void> {
  await waitUntil(
    () => `the console to listen (stderr: ${started.out.stderr.slice(-400)})`,
    () => started.out.stdout.includes('egov-noc console on'),
    { timeoutMs: 60_000, intervalMs: 100 },
  );
}

const everyNodeRead = async (user: string) => {
  const body = await json<AssetsResponse>(user, '/api/assets');
  // Hosts (net-snmp) have no ENTITY-MIB: seen, never read.
  const done = body.assets.every(
    (row) => row.firstSeenMs !== null && (row.role === 'server' || row.readAtMs !== null),
  );
  return body.assets.length === 83 && done ? body : null;
};

beforeAll(async () => {
  nats = await startNatsServer(undefined, { jetstream: join(dir, 'js') });
  port = await freeTcpPort();
  const manifest = join(dir, 'm.json');
  const sim = startEgovNoc(
    ['simulate', '--inventory', INVENTORY, '--manifest', manifest, '--control-file', controlFile],
    children,
  );
  await waitUntil('the simulator manifest', () => existsSync(manifest) && sim.out.stdout.includes('agents'), {
    timeoutMs: 60_000,
    intervalMs: 100,
  });
  writeStackConfigs({ dir, inventory: INVENTORY, manifest: 'm.json', natsUrl: nats.url, stateDir, port });
  writeFileSync(join(dir, 'password'), `${PASSWORD}\n`, { mode: 0o600 });
  runEgovNoc([
    'user',
    'add',
    '--state',
    stateDir,
    '--username',
    'city-viewer',
    '--role',
    'viewer',
    '--password-file',
    join(dir, 'password'),
  ]);
  runEgovNoc([
    'user',
    'add',
    '--state',
    stateDir,
    '--username',
    'nz-op',
    '--role',
    'operator',
    '--scope',
    'nanzhao-gw',
    '--inventory',
    INVENTORY,
    '--password-file',
    join(dir, 'password'),
  ]);
  // The console first, so its durable consumer exists before the collector publishes.
  serve = startServe();
  await serveReady(serve);
  startEgovNoc(['collect', '--config', join(dir, 'collect.yaml')], children);
  await signIn('city-viewer');
  await signIn('nz-op');
}, 180_000);

afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  await nats?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('asset register (egov-noc serve + collect + simulate over NATS)', () => {
  it('holds every node of the example with model, serial, revisions, location and parts', async () => {
    const body = await waitUntil('all 83 nodes read into the register', () => everyNodeRead('city-viewer'), {
      timeoutMs: 120_000,
      intervalMs: 500,
    });
    const core = body.assets.find((row) => row.node === 'ny-core');
    expect(core).toMatchObject({
      vendor: 'huawei',
      model: 'NE40E-X8',
      location: '南阳市网管中心机房',
      county: null,
    });
    expect(core?.serial).toMatch(/^2102351931P0/);
    expect(core?.softwareRev).toBe('V800R012C10SPC300');
    expect(core?.modules.map((m) => m.name)).toEqual(
      expect.arrayContaining(['MPU 0', 'PWR1', 'PWR2', 'FAN1']),
    );
    const nanzhao = body.assets.find((row) => row.node === 'nanzhao-sw');
    expect(nanzhao?.county).toEqual({ id: 'nanzhao-gw', name: '南召县政府内网路由器' });
    expect(nanzhao?.certificate.state).toBe('none');
    const host = body.assets.find((row) => row.node === 'ny-dx');
    expect(host).toMatchObject({ model: 'NF5280M6', readAtMs: null, serial: '' });
    expect(host?.lastSeenMs).toBeGreaterThan(0);
    expect(statSync(join(stateDir, 'assets.sqlite')).mode & 0o777).toBe(0o600);
  }, 150_000);

  it('a module swap becomes a "module replaced" change with the old and new serial, and an info alert', async () => {
    const before = await json<AssetsResponse>('city-viewer', '/api/assets');
    const oldSerial = before.assets
      .find((r) => r.node === 'nanzhao-gw')
      ?.modules.find((m) => m.name === 'PWR2')?.serial;
    expect(oldSerial).toBeTruthy();
    expect(runEgovNoc(['fault', 'module-swap', 'nanzhao-gw', 'PWR2', '--control-file', controlFile])).toMatch(
      /module-swap nanzhao-gw PWR2/,
    );
    const change = await waitUntil(
      'the module-replaced change',
      async () =>
        (await json<AssetChangesResponse>('city-viewer', '/api/assets/changes?node=nanzhao-gw')).changes.find(
          (c) => c.change === 'module-replaced',
        ),
      { timeoutMs: 90_000, intervalMs: 500 },
    );
    expect(change).toMatchObject({
      slotName: 'PWR2',
      field: 'serial',
      oldValue: oldSerial,
      nodeName: '南召县政府内网路由器',
    });
    expect(change.newValue).toMatch(/^2102351931P0/);
    expect(change.newValue).not.toBe(oldSerial);
    const alert = await waitUntil(
      'the asset-change alert',
      async () =>
        (await json<{ alerts: Alert[] }>('city-viewer', '/api/alerts')).alerts.find(
          (a) => a.rule === 'asset-change' && a.node === 'nanzhao-gw',
        ),
      { timeoutMs: 30_000, intervalMs: 300 },
    );
    expect(alert.severity).toBe('info');
    expect(alert.params).toMatchObject({
      change: 'module-replaced',
      oldValue: oldSerial,
      newValue: change.newValue,
    });
    expect(alert.summary).toContain('模块更换');
  }, 150_000);

  it('a firmware upgrade becomes a "firmware upgraded" change', async () => {
    runEgovNoc(['fault', 'firmware-upgrade', 'xichuan-gw', '--control-file', controlFile]);
    const changes = await waitUntil(
      'the firmware-upgraded changes',
      async () => {
        const body = await json<AssetChangesResponse>('city-viewer', '/api/assets/changes?node=xichuan-gw');
        return body.changes.some((c) => c.field === 'softwareRev') ? body.changes : null;
      },
      { timeoutMs: 90_000, intervalMs: 500 },
    );
    expect(changes.find((c) => c.field === 'softwareRev')).toMatchObject({
      change: 'firmware-upgraded',
      oldValue: 'V800R012C10SPC300',
      newValue: 'V800R012C10SPC400',
    });
  }, 150_000);

  it('a pulled fan is "module removed" (major alert), put back "module inserted" (resolves it), a new card inserted', async () => {
    const changesOf = async (node: string) =>
      (await json<AssetChangesResponse>('city-viewer', `/api/assets/changes?node=${node}`)).changes;
    const alertsOf = async () =>
      (await json<{ alerts: Alert[] }>('city-viewer', '/api/alerts')).alerts.filter(
        (a) => a.rule === 'asset-change' && a.node === 'fangcheng-gw',
      );
    const fanSerial = (await json<AssetsResponse>('city-viewer', '/api/assets')).assets
      .find((r) => r.node === 'fangcheng-gw')
      ?.modules.find((m) => m.name === 'FAN1')?.serial;
    expect(fanSerial).toBeTruthy();
    expect(
      runEgovNoc(['fault', 'module-remove', 'fangcheng-gw', 'FAN1', '--control-file', controlFile]),
    ).toMatch(/module-remove fangcheng-gw FAN1/);
    const removed = await waitUntil(
      'the module-removed change',
      async () => (await changesOf('fangcheng-gw')).find((c) => c.change === 'module-removed'),
      { timeoutMs: 90_000, intervalMs: 500 },
    );
    expect(removed).toMatchObject({
      slotName: 'FAN1',
      partClass: 'fan',
      container: 'AR6280',
      field: 'serial',
      oldValue: fanSerial,
      newValue: '',
    });
    const removal = await waitUntil(
      'the removal alert',
      async () => (await alertsOf()).find((a) => a.status === 'firing'),
      {
        timeoutMs: 30_000,
        intervalMs: 300,
      },
    );
    expect(removal).toMatchObject({
      severity: 'major',
      params: { change: 'module-removed', partClass: 'fan' },
    });
    expect(removal.summary).toContain('模块拔出：风扇 FAN1');

    runEgovNoc(['fault', 'module-insert', 'fangcheng-gw', 'FAN1', '--control-file', controlFile]);
    runEgovNoc(['fault', 'module-insert', 'fangcheng-gw', '--control-file', controlFile]);
    const inserted = await waitUntil(
      'the module-inserted changes',
      async () => {
        const found = (await changesOf('fangcheng-gw')).filter((c) => c.change === 'module-inserted');
        return found.length >= 2 ? found : null;
      },
      { timeoutMs: 90_000, intervalMs: 500 },
    );
    expect(inserted.map((c) => [c.slotName, c.partClass, c.newValue]).sort()).toEqual(
      [
        ['FAN1', 'fan', fanSerial],
        ['LPU 1', 'module', expect.stringMatching(/^2102351931P0/)],
      ].sort(),
    );
    await waitUntil(
      'the removal resolved by the fan put back',
      async () => !(await alertsOf()).some((a) => a.params.change === 'module-removed'),
      { timeoutMs: 30_000, intervalMs: 300 },
    );
    const register = await json<AssetsResponse>('city-viewer', '/api/assets');
    const parts = register.assets.find((r) => r.node === 'fangcheng-gw')?.modules.map((m) => m.name);
    expect(parts).toEqual(expect.arrayContaining(['FAN1', 'LPU 1']));
  }, 200_000);

  it('the XLSX export opens with exceljs and holds every node; the CSV parses', async () => {
    const xlsx = await get('city-viewer', '/api/assets/export?format=xlsx');
    expect(xlsx.status).toBe(200);
    expect(xlsx.headers.get('content-type')).toContain('spreadsheetml');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(await xlsx.arrayBuffer());
    const sheet = workbook.getWorksheet('设备台账 Assets');
    if (!sheet) throw new Error('no assets sheet');
    const ids = sheet.getColumn(1).values.slice(2).map(String);
    expect(ids).toHaveLength(83);
    expect(new Set(ids).size).toBe(83);
    expect(ids).toEqual(expect.arrayContaining(['ny-core', 'nanzhao-gw', 'dept-01']));
    const parts = workbook.getWorksheet('模块 Parts');
    expect(parts?.rowCount).toBeGreaterThan(83);
    const changes = workbook.getWorksheet('变更 Changes');
    expect(changes?.getColumn(2).values.slice(2)).toEqual(
      expect.arrayContaining(['nanzhao-gw', 'xichuan-gw', 'fangcheng-gw']),
    );
    const removal = changes
      ?.getRows(2, changes.rowCount - 1)
      ?.find((r) => r.getCell(4).text.includes('拔出'));
    expect(removal?.getCell(4).text).toBe('模块拔出 module removed');
    expect(removal?.getCell(5).text).toBe('风扇 fan FAN1 (AR6280)');

    const csv = await get('city-viewer', '/api/assets/export?format=csv');
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const bytes = Buffer.from(await csv.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = bytes.toString('utf8');
    const rows = await new Promise<string[][]>((done, fail) => {
      const out: string[][] = [];
      parseString(text.slice(1), { strictColumnHandling: true, headers: false })
        .on('data', (row: string[]) => out.push(row))
        .on('error', fail)
        .on('end', () => done(out));
    });
    expect(rows).toHaveLength(84);
    expect(rows[0]?.[7]).toBe('序列号 Serial');
    expect(rows.slice(1).map((r) => r[0])).toEqual(expect.arrayContaining(ids));
  }, 150_000);

  it('a county operator sees and exports its county only', async () => {
    const mine = await json<AssetsResponse>('nz-op', '/api/assets');
    expect(mine.assets.map((r) => r.node).sort()).toEqual(['nanzhao-gw', 'nanzhao-mcu', 'nanzhao-sw']);
    const csv = await (await get('nz-op', '/api/assets/export?format=csv')).text();
    const lines = csv.trim().split('\r\n');
    expect(lines).toHaveLength(4);
    expect(csv).not.toContain('xichuan');
    expect((await get('nz-op', '/api/assets/changes?node=xichuan-gw')).status).toBe(404);
    const changes = await json<AssetChangesResponse>('nz-op', '/api/assets/changes');
    expect(changes.changes.every((c) => c.node.startsWith('nanzhao'))).toBe(true);
    const bad = await get('nz-op', '/api/assets/export?format=pdf');
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { field?: string } }).error.field).toBe('format');
  }, 150_000);

  it('a restarted console keeps the register and its changes', async () => {
    serve.child.kill('SIGTERM');
    expect(await serve.exited).toBe(0);
    serve = startServe();
    await serveReady(serve);
    await signIn('city-viewer');
    const body = await json<AssetsResponse>('city-viewer', '/api/assets');
    expect(body.assets.filter((r) => r.firstSeenMs !== null)).toHaveLength(83);
    const changes = await json<AssetChangesResponse>('city-viewer', '/api/assets/changes?node=nanzhao-gw');
    expect(changes.changes.some((c) => c.change === 'module-replaced' && c.slotName === 'PWR2')).toBe(true);
  }, 150_000);
});

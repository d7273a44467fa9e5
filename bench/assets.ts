/**
 * `npm run bench -- assets`: the asset register on the ~5,100-node generated province, in the console
 * server as `serve` runs it (in-process bus, real alert engine). Baselines measured in the same run:
 *  - a samples event without hardware (what the console handles on every poll) vs one carrying an
 *    ENTITY-MIB read (chassis + 8 parts): first read, unchanged read, a read with a swapped part;
 *  - GET /api/topology (the same nodes) vs GET /api/assets and the CSV / XLSX exports.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { startAlertEngine } from '../alerts';
import { InProcessBus } from '../bus';
import { silentLogger } from '../common';
import { startConsoleServer } from '../console/server';
import type { MetricPoint, NodeId, SamplesEvent } from '../domain';
import { loadInventoryText } from '../inventory';
import { generateInventoryYaml } from '../inventory/generate';
import { openMetricsStore } from '../metrics';

const PASSWORD = 'bench-assets-password-1';
const REQUESTS = 7;
const PARTS = ['MPU 0', 'PWR1', 'PWR2', 'FAN1', 'FAN2', 'GE0/0/1', 'GE0/0/2', 'GE0/0/3'];

function samples(node: NodeId, timeMs: number, hardware: null | { swapped: boolean }): SamplesEvent {
  const points: MetricPoint[] = [
    { measurement: 'node', tags: { node }, fields: { reachable: 1, cpuPct: 12, memPct: 40 }, timeMs },
  ];
  if (hardware) {
    const revs = { hardwareRev: 'REV A', firmwareRev: '', softwareRev: 'V800R012C10SPC300' };
    points.push({
      measurement: 'entity',
      tags: { node, model: 'AR6280', serial: `2102351931P0${node}`, ...revs },
      fields: { seen: 1 },
      timeMs,
    });
    PARTS.forEach((name, i) =>
      points.push({
        measurement: 'module',
        tags: {
          node,
          index: String(i + 2),
          class: i === 0 ? 'module' : i < 3 ? 'powerSupply' : i < 5 ? 'fan' : 'port',
          name,
          model: 'PART',
          serial: `SN-${node}-${i}${hardware.swapped && name === 'PWR2' ? '-new' : ''}`,
          ...revs,
        },
        fields: { seen: 1 },
        timeMs,
      }),
    );
  }
  return { type: 'samples', node, timeMs, points };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;
const fmt = (n: number, digits = 1) => n.toLocaleString('en-US', { maximumFractionDigits: digits });

export async function run(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-assets-'));
  const loaded = loadInventoryText('province.yaml', generateInventoryYaml({}));
  if (!loaded.ok) throw new Error('generated inventory failed to load');
  const { topology } = loaded;
  const nodes = topology.nodes.map((n) => n.id);
  const bus = new InProcessBus();
  const engine = await startAlertEngine({
    topology,
    bus,
    dbPath: join(dir, 'alerts.sqlite'),
    log: silentLogger(),
  });
  const metrics = openMetricsStore('memory');
  await metrics.init();
  const server = await startConsoleServer({
    topology,
    bus,
    alerts: engine,
    metrics,
    stateDir: join(dir, 'console'),
    webDist: null,
    log: pino({ level: 'warn' }),
  });
  try {
    const round = (hardware: null | { swapped: boolean }, timeMs: number) => {
      const events = nodes.map((node) => samples(node, timeMs, hardware));
      const started = performance.now();
      for (const event of events) bus.publish(event);
      return ((performance.now() - started) * 1000) / events.length;
    };
    const t0 = Date.now();
    round(null, t0 - 1_000); // every node seen once: its row exists before the baseline is measured
    const rows: Array<[string, number]> = [
      ['samples, no hardware read (baseline)', round(null, t0)],
      ['+ ENTITY-MIB read, first (rows inserted)', round({ swapped: false }, t0 + 1_000)],
      ['+ ENTITY-MIB read, unchanged (compared)', round({ swapped: false }, t0 + 2_000)],
      ['+ ENTITY-MIB read, a part swapped (change + alert)', round({ swapped: true }, t0 + 3_000)],
    ];
    const base = rows[0]?.[1] ?? NaN;
    console.log(
      `\n${nodes.length} nodes, ${PARTS.length} parts each; µs per samples event through the console (bus → live state, alert engine, register)\n`,
    );
    console.log('| samples event | µs/event | × baseline |\n|---|---|---|');
    for (const [what, us] of rows) console.log(`| ${what} | ${fmt(us)} | ${fmt(us / base, 2)} |`);

    await server.users.create(
      { username: 'bench', displayName: 'bench', role: 'viewer', scope: null, password: PASSWORD },
      { actor: 'bench', from: 'local' },
    );
    const login = await fetch(`${server.url}/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'bench', password: PASSWORD }),
    });
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const timed = async (path: string) => {
      const times: number[] = [];
      let bytes = 0;
      for (let i = 0; i < REQUESTS; i++) {
        const started = performance.now();
        const response = await fetch(`${server.url}${path}`, { headers: { cookie } });
        bytes = (await response.arrayBuffer()).byteLength;
        if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
        times.push(performance.now() - started);
      }
      return { ms: median(times), bytes };
    };
    const requests: Array<[string, string]> = [
      ['GET /api/topology (baseline)', '/api/topology'],
      ['GET /api/assets', '/api/assets'],
      ['GET /api/assets/export?format=csv', '/api/assets/export?format=csv'],
      ['GET /api/assets/export?format=xlsx', '/api/assets/export?format=xlsx'],
    ];
    const measured: Array<[string, { ms: number; bytes: number }]> = [];
    for (const [what, path] of requests) measured.push([what, await timed(path)]);
    const baseMs = measured[0]?.[1].ms ?? NaN;
    console.log(`\nmedian of ${REQUESTS} requests, whole network in scope\n`);
    console.log('| request | ms | KB | × baseline |\n|---|---|---|---|');
    for (const [what, { ms, bytes }] of measured)
      console.log(`| ${what} | ${fmt(ms)} | ${fmt(bytes / 1024, 0)} | ${fmt(ms / baseMs, 2)} |`);
  } finally {
    await server.stop();
    await engine.stop();
    await metrics.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * GET /api/overview on the generated province, over real HTTP and WebSocket: what the server sums up
 * is exactly what the browser computes from GET /api/topology and the stream's snapshot (the same
 * state, the page's own steps), for the whole network and for a county operator, who sees only its
 * county; a few KB; bad input is a 400 naming the field.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAlertEngine, type AlertEngine } from '../../alerts';
import { InProcessBus } from '../../bus';
import { silentLogger, memoryLogger } from '../../common';
import { startConsoleServer, type ConsoleServer } from '../../console/server';
import {
  indexStatus,
  overviewOf,
  unpackOverview,
  type OverviewModel,
  type OverviewResponse,
  type ServerMessage,
  type TopologyResponse,
} from '../../console/shared';
import { asNodeId, type NodeId } from '../../domain';
import { loadInventoryText, type Topology } from '../../inventory';
import { generateInventoryYaml } from '../../inventory/generate';
import { openMetricsStore, type MetricsStore } from '../../metrics';
import { isType, login, PASSWORD, StreamClient, type Client } from '../console/server/support';
import { waitUntil } from '../support/wait';

type Snapshot = Extract<ServerMessage, { type: 'snapshot' }>;

let dir: string;
let topology: Topology;
let bus: InProcessBus;
let engine: AlertEngine;
let metrics: MetricsStore;
let server: ConsoleServer;
/** A county cut off behind its gateway (root cause + impacted), and a township down on its own elsewhere. */
let cutCounty: NodeId;
let loneTownship: NodeId;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'console-overview-'));
  const loaded = loadInventoryText(join(dir, 'province.yaml'), generateInventoryYaml());
  if (!loaded.ok) throw new Error('the generated inventory does not load');
  topology = loaded.topology;
  bus = new InProcessBus();
  engine = await startAlertEngine({
    topology,
    bus,
    dbPath: join(dir, 'alerts.sqlite'),
    correlationWindowMs: 50,
    tickMs: 25,
    log: silentLogger(),
  });
  metrics = openMetricsStore('memory', { logger: memoryLogger() });
  await metrics.init();
  server = await startConsoleServer({
    topology,
    bus,
    alerts: engine,
    metrics,
    stateDir: join(dir, 'state'),
    log: pino({ level: 'silent' }),
    webDist: null,
  });
  const counties = topology.nodes.filter((n) => n.tier === 'county' && topology.descendants(n.id).length > 5);
  const cut = counties[0];
  if (cut === undefined) throw new Error('the generated province has no county with a subtree');
  cutCounty = cut.id;
  const cutOff = new Set([cutCounty, ...topology.descendants(cutCounty)]);
  const township = topology.nodes.find((n) => n.tier === 'township' && !cutOff.has(n.id));
  if (township === undefined)
    throw new Error('the generated province has no township outside the cut county');
  loneTownship = township.id;
  for (const [username, scope] of [
    ['province-duty', null],
    ['county-duty', cutCounty],
  ] as const) {
    const created = await server.users.create(
      { username, displayName: username, role: 'operator', scope, password: PASSWORD },
      { actor: 'test', from: 'local' },
    );
    if (!created.ok) throw new Error(created.message);
  }

  // Most nodes answer; one answered an hour ago and five never did (both stale: neither ok nor a fault).
  const now = Date.now();
  const staleNode = topology.nodes.find(
    (n) => n.tier === 'township' && !cutOff.has(n.id) && n.id !== loneTownship,
  );
  const neverSeen = new Set(topology.nodes.slice(-5).map((n) => n.id));
  for (const node of topology.nodes) {
    if (neverSeen.has(node.id)) continue;
    const timeMs = node.id === staleNode?.id ? now - 3_600_000 : now;
    bus.publish({ type: 'node.state', node: node.id, timeMs, state: 'reachable', reason: 'poll ok' });
  }
  for (const id of [cutCounty, ...topology.descendants(cutCounty), loneTownship])
    bus.publish({ type: 'node.state', node: id, timeMs: now + 1, state: 'unreachable', reason: 'timeout' });
  const lone = await waitUntil('the lone township alert', () =>
    engine.list().find((alert) => alert.node === loneTownship),
  );
  await waitUntil('the root-cause alert of the cut county', () =>
    engine.list().find((alert) => alert.node === cutCounty && alert.impacted.length > 0),
  );
  // An acknowledged alert is still open: it counts on both sides.
  const acked = engine.ack(lone.id, 'test', 'on it');
  if (!acked.ok) throw new Error(acked.message);
}, 120_000);

afterAll(async () => {
  await server?.stop();
  await engine?.stop();
  await metrics?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function json<T>(client: Client, path: string): Promise<T> {
  const response = await client.api(path);
  if (response.status !== 200) throw new Error(`${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

async function snapshotOf(client: Client): Promise<Snapshot> {
  const stream = await StreamClient.open(server.url, client.cookie);
  try {
    stream.send({ type: 'subscribe', filter: { securityEvents: true } });
    return await stream.waitFor(isType('snapshot'));
  } finally {
    await stream.close();
  }
}

/** What the overview page computes once it is live (stores/alerts.svelte.ts `open`, Overview.svelte). */
function browserOverview(view: TopologyResponse, snapshot: Snapshot): OverviewModel {
  const openAlerts = snapshot.alerts.filter((a) => a.status !== 'resolved' && a.suppressedBy === null);
  return overviewOf({
    nodes: view.nodes,
    nodeById: new Map(view.nodes.map((n) => [n.id, n])),
    status: indexStatus({ nodeState: new Map(snapshot.nodes.map((n) => [n.id, n])), openAlerts }),
    topName: view.network.name,
  });
}

/** The server's summary and the browser's own computation from one unchanged state (retried if it moved). */
async function bothSides(client: Client): Promise<{ server: OverviewModel; browser: OverviewModel }> {
  const view = await json<TopologyResponse>(client, '/api/topology');
  return waitUntil('an unchanged state around one /api/overview', async () => {
    const before = await snapshotOf(client);
    const body = await json<OverviewResponse>(client, '/api/overview?faultLimit=10000');
    const after = await snapshotOf(client);
    if (after.seq !== before.seq) return undefined;
    return { server: unpackOverview(body), browser: browserOverview(view, after) };
  });
}

describe('GET /api/overview', () => {
  it('sums up the whole province exactly as the browser does from the topology and the snapshot', async () => {
    const client = await login(server.url, 'province-duty');
    const { server: summary, browser } = await bothSides(client);
    expect(summary).toEqual(browser);
    // The state above, as the operator reads it: the cut county's gateway first, the lone township listed.
    expect(summary.nodeCount).toBe(topology.size);
    const faultIds = summary.faults.map((f) => f.id);
    expect(faultIds).toContain(cutCounty);
    expect(faultIds).toContain(loneTownship);
    expect(faultIds).not.toContain(topology.descendants(cutCounty)[0]);
    const lone = summary.faults.find((f) => f.id === loneTownship);
    expect(lone?.status).toBe('down');
    expect(lone?.alert?.status).toBe('acknowledged');
    const counts = summary.rows.flatMap((row) => row.cells).map((cell) => cell.group.counts);
    const total = (status: keyof (typeof counts)[number]) => counts.reduce((sum, c) => sum + c[status], 0);
    expect(total('impacted')).toBe(topology.descendants(cutCounty).length);
    expect(total('stale')).toBe(6);
    expect(summary.rows[0]?.group.worst).toMatch(/down|critical/);
  });

  it('a county operator sees its county only, and the same as its browser computes', async () => {
    const client = await login(server.url, 'county-duty');
    const { server: summary, browser } = await bothSides(client);
    expect(summary).toEqual(browser);
    const county = new Set([cutCounty, ...topology.descendants(cutCounty)]);
    expect(summary.nodeCount).toBe(county.size);
    for (const fault of summary.faults) expect(county.has(asNodeId(fault.id))).toBe(true);
    expect(summary.faults.map((f) => f.id)).not.toContain(loneTownship);
    const areas = summary.rows.flatMap((row) => row.cells.map((cell) => cell.id));
    expect(areas).toEqual([cutCounty]);
    const inMatrix = summary.matrix.cells.reduce((sum, cell) => sum + cell.group.total, 0);
    expect(inMatrix).toBe(county.size);
  });

  it('is a few KB gzipped for a province, lists at most 100 faults by default, and refuses a bad faultLimit by name', async () => {
    const client = await login(server.url, 'province-duty');
    const response = await client.api('/api/overview');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-encoding')).toBe('gzip');
    const text = await response.text();
    const body = JSON.parse(text) as OverviewResponse;
    expect(body.faults.length).toBeLessThanOrEqual(100);
    expect(body.faultCount).toBeGreaterThanOrEqual(body.faults.length);
    expect(body.network.name).toBe(topology.network.name);
    // On the wire (gzip): a few KB, against the megabytes of the topology and the snapshot.
    const wireBytes = gzipSync(text).length;
    const topologyBytes = gzipSync(await (await client.api('/api/topology')).text()).length;
    expect(wireBytes).toBeLessThan(16 * 1024);
    expect(wireBytes * 10).toBeLessThan(topologyBytes);

    for (const bad of ['faultLimit=-1', 'faultLimit=abc', 'faultLimit=1.5', 'other=1']) {
      const refused = await client.api(`/api/overview?${bad}`);
      expect(refused.status).toBe(400);
      const { error } = (await refused.json()) as { error: { code: string; message: string } };
      expect(error.code).toBe('invalid_request');
      expect(error.message).toMatch(bad === 'other=1' ? /other|unrecognized/i : /faultLimit/);
    }
    const anonymous = await fetch(`${server.url}/api/overview`);
    expect(anonymous.status).toBe(401);
  });
});

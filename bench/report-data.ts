/**
 * The month `npm run bench -- report` reports on: 5-minute reachability rollups for the generated
 * province, exactly as the product's rollups hold them — in influxd the rows the continuous query
 * `cq_rollup_5m` writes (`node` measurement in `rollup_<N>d`, the collector's tags node/role/tier/zone,
 * `mean_`/`max_`/`min_` of every field a node's point always has: reachable and pollMs), in the
 * embedded store rows of its `rollup_5m` table (its triggers keep the daily rollup `rollup_1d` as they
 * go in; influxd's daily rollup is built by the store's own backfill, bench/report.ts). Known
 * outages: every 40th node down for an hour.
 * A load takes minutes at province scale, so it is kept in a cache folder (0700) keyed by this
 * generator's version, the inventory, the month and the node count.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { escape } from 'influx';
import { memoryLogger } from '../common';
import type { InventoryNode, NodeId } from '../domain';
import type { Topology } from '../inventory';
import { openMetricsStore } from '../metrics';
import type { ReportPeriod } from '../reports';

/** Bump when what is generated changes: a cached load of another version is never reused. */
export const REPORT_DATA_VERSION = 2;
const BUCKET_MS = 300_000;
const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
const LINES_PER_POST = 20_000;
const POSTS_IN_FLIGHT = 3;
const POLL_MS_UP = 42;
const POLL_MS_DOWN = 3_000;

export type DownWindows = Map<NodeId, [number, number]>;

/** Every 40th node is down for an hour on one day of the month (its subtree cut off with it). */
export function downWindows(nodes: readonly InventoryNode[], period: ReportPeriod): DownWindows {
  const down: DownWindows = new Map();
  nodes.forEach((node, index) => {
    if (index % 40 !== 7) return;
    const fromMs = period.startMs + (index % 28) * DAY_MS + 10 * HOUR_MS;
    down.set(node.id, [fromMs, fromMs + HOUR_MS]);
  });
  return down;
}

/** The outages the report must find: down nodes whose ancestors were not down at that time. */
export function expectedOutages(topology: Topology, down: DownWindows): number {
  let count = 0;
  for (const [id, [fromMs]] of down) {
    const cut = topology.ancestors(id).some((above) => down.get(above)?.[0] === fromMs);
    if (!cut) count += 1;
  }
  return count;
}

function isDown(down: DownWindows, id: NodeId, atMs: number): boolean {
  const window = down.get(id);
  return window !== undefined && atMs >= window[0] && atMs < window[1];
}

/** `~/.cache/egov-noc/bench/report-<key>`, the key naming everything the load depends on. */
export function reportCacheDir(inventoryYaml: string, period: ReportPeriod, nodeCount: number): string {
  const key = createHash('sha256')
    .update(`${REPORT_DATA_VERSION}\n${period.month}\n${period.utcOffsetMin}\n${nodeCount}\n${inventoryYaml}`)
    .digest('hex')
    .slice(0, 16);
  const root = join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'egov-noc', 'bench');
  mkdirSync(root, { recursive: true, mode: 0o700 });
  return join(root, `report-v${REPORT_DATA_VERSION}-${period.month}-${nodeCount}n-${key}`);
}

/** A cached part is complete once its marker exists; a partial one (a run stopped midway) is wiped. */
export function cachedPart(dir: string, part: string): { path: string; complete: boolean; done(): void } {
  const path = join(dir, part);
  const marker = join(dir, `${part}.complete`);
  const complete = existsSync(marker);
  if (!complete) rmSync(path, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  return {
    path,
    complete,
    done: () => writeFileSync(marker, `${new Date().toISOString()}\n`, { mode: 0o600 }),
  };
}

export interface LoadProgress {
  (points: number, totalPoints: number): void;
}

function lineOf(prefix: string, reachable: number, timeS: number): string {
  const poll = reachable === 1 ? POLL_MS_UP : POLL_MS_DOWN;
  return (
    `${prefix} max_pollMs=${poll},max_reachable=${reachable},mean_pollMs=${poll},mean_reachable=${reachable},` +
    `min_pollMs=${poll},min_reachable=${reachable} ${timeS}`
  );
}

async function postLines(url: string, params: URLSearchParams, body: string): Promise<void> {
  for (let attempt = 1; ; attempt += 1) {
    const response = await fetch(`${url}/write?${params}`, { method: 'POST', body });
    if (response.status === 204) return;
    const text = await response.text();
    // influxd sheds a write while its cache snapshots to disk: retried, it is taken.
    if (response.status >= 500 && attempt < 20) {
      await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
      continue;
    }
    throw new Error(`influxd /write answered ${response.status}: ${text}`);
  }
}

/** The month's rollups into influxd, line protocol at second precision, large batches, several in flight. */
export async function loadInfluxRollups(
  url: string,
  options: { database: string; rp: string },
  nodes: readonly InventoryNode[],
  period: ReportPeriod,
  down: DownWindows,
  progress: LoadProgress,
): Promise<number> {
  const params = new URLSearchParams({ db: options.database, rp: options.rp, precision: 's' });
  const bucketsPerNode = Math.ceil((period.endMs - period.startMs) / BUCKET_MS);
  const totalPoints = bucketsPerNode * nodes.length;
  const inFlight = new Set<Promise<void>>();
  let lines: string[] = [];
  let points = 0;
  const send = async (): Promise<void> => {
    const posting = postLines(url, params, lines.join('\n')).finally(() => inFlight.delete(posting));
    inFlight.add(posting);
    lines = [];
    if (inFlight.size >= POSTS_IN_FLIGHT) await Promise.race(inFlight);
    progress(points, totalPoints);
  };
  for (const node of nodes) {
    const prefix =
      `node,node=${escape.tag(node.id)},role=${escape.tag(node.role)},` +
      `tier=${escape.tag(node.tier)},zone=${escape.tag(node.zone)}`;
    for (let atMs = period.startMs; atMs < period.endMs; atMs += BUCKET_MS) {
      lines.push(lineOf(prefix, isDown(down, node.id, atMs) ? 0 : 1, atMs / 1000));
      points += 1;
      if (lines.length >= LINES_PER_POST) await send();
    }
  }
  if (lines.length > 0) await send();
  await Promise.all(inFlight);
  return points;
}

/** The month's rollups straight into the embedded store's rollup table (series made by the store itself). */
export async function loadEmbeddedRollups(
  path: string,
  nodes: readonly InventoryNode[],
  period: ReportPeriod,
  down: DownWindows,
  progress: LoadProgress,
): Promise<number> {
  const store = openMetricsStore(`sqlite:${path}`, { logger: memoryLogger(), now: () => period.startMs });
  await store.init();
  store.write(
    nodes.map((node) => ({
      measurement: 'node',
      tags: { node: node.id, role: node.role, tier: node.tier, zone: node.zone },
      fields: { reachable: 1, pollMs: POLL_MS_UP },
      timeMs: period.startMs,
    })),
  );
  await store.flush();
  await store.close();
  const db = new Database(path);
  // A bench file: bulk-load settings; the store reads it afterwards with its own.
  db.pragma('synchronous = OFF');
  try {
    const fieldId = (name: string): number =>
      (db.prepare('SELECT id FROM fields WHERE name = ?').get(name) as { id: number }).id;
    const reachableFid = fieldId('reachable');
    const pollFid = fieldId('pollMs');
    const sids = new Map(
      (
        db.prepare("SELECT id, tags FROM series WHERE measurement = 'node'").all() as Array<{
          id: number;
          tags: string;
        }>
      ).map((row) => [(JSON.parse(row.tags) as { node: string }).node, row.id]),
    );
    // The store's one point rolled up into both tables: start both empty (the triggers refill rollup_1d).
    db.prepare('DELETE FROM rollup_5m').run();
    db.prepare('DELETE FROM rollup_1d').run();
    const insert = db.prepare(
      'INSERT INTO rollup_5m (sid, fid, b, mean, max, min, count) VALUES (?, ?, ?, ?, ?, ?, 5)',
    );
    let points = 0;
    const totalPoints = Math.ceil((period.endMs - period.startMs) / BUCKET_MS) * nodes.length;
    const insertNodes = db.transaction((slice: readonly InventoryNode[]) => {
      for (const node of slice) {
        const sid = sids.get(node.id) as number;
        for (let atMs = period.startMs; atMs < period.endMs; atMs += BUCKET_MS) {
          const reachable = isDown(down, node.id, atMs) ? 0 : 1;
          const poll = reachable === 1 ? POLL_MS_UP : POLL_MS_DOWN;
          insert.run(sid, reachableFid, atMs, reachable, reachable, reachable);
          insert.run(sid, pollFid, atMs, poll, poll, poll);
          points += 1;
        }
      }
    });
    for (let from = 0; from < nodes.length; from += 100) {
      insertNodes(nodes.slice(from, from + 100));
      progress(points, totalPoints);
    }
    return points;
  } finally {
    db.close();
  }
}

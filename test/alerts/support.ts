import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startAlertEngine, type AlertEngine, type AlertEngineOptions } from '../../alerts/index';
import { memoryLogger } from '../../common';
import { InProcessBus } from '../../bus/index';
import { asNodeId, type BusEvent, type NodeId } from '../../domain';
import { loadInventory, type Topology } from '../../inventory/index';

/** A Nanyang topology, a bus, a hand-driven clock and an engine on a throwaway SQLite file. */

export function nanyang(): Topology {
  const loaded = loadInventory('configs/examples/nanyang.yaml');
  if (!loaded.ok) throw new Error(loaded.errors.map((e) => e.message).join('\n'));
  return loaded.topology;
}

export const n = asNodeId;

/** Thursday 2026-11-26 10:00 China time. */
export const T0 = Date.parse('2026-11-26T02:00:00Z');

export class FakeClock {
  constructor(public nowMs = T0) {}
  readonly now = () => this.nowMs;
  advance(ms: number): number {
    this.nowMs += ms;
    return this.nowMs;
  }
}

export interface Harness {
  topology: Topology;
  bus: InProcessBus;
  clock: FakeClock;
  engine: AlertEngine;
  dir: string;
  dbPath: string;
  published: BusEvent[];
  log: ReturnType<typeof memoryLogger>;
  restart(extra?: Partial<AlertEngineOptions>): Promise<void>;
  cleanup(): Promise<void>;
}

export async function harness(
  extra: Partial<AlertEngineOptions> = {},
  topology: Topology = nanyang(),
): Promise<Harness> {
  const dir = mkdtempSync(join(tmpdir(), 'egov-alerts-'));
  const dbPath = join(dir, 'alerts.db');
  const bus = new InProcessBus();
  const clock = new FakeClock();
  const log = memoryLogger();
  const published: BusEvent[] = [];
  bus.subscribe('alert', (event) => published.push(event));
  const start = (more: Partial<AlertEngineOptions>) =>
    startAlertEngine({ topology, bus, dbPath, clock: clock.now, autoTick: false, log, ...extra, ...more });
  const h: Harness = {
    topology,
    bus,
    clock,
    engine: await start({}),
    dir,
    dbPath,
    published,
    log,
    restart: async (more = {}) => {
      await h.engine.stop();
      h.engine = await start(more);
    },
    cleanup: async () => {
      await h.engine.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return h;
}

export function unreachable(h: Harness, node: string, reason = 'timeout after 3 polls'): void {
  h.bus.publish({ type: 'node.state', node: n(node), timeMs: h.clock.nowMs, state: 'unreachable', reason });
}

export function reachable(h: Harness, node: string): void {
  h.bus.publish({
    type: 'node.state',
    node: n(node),
    timeMs: h.clock.nowMs,
    state: 'reachable',
    reason: 'answered',
  });
}

export function ifState(
  h: Harness,
  node: string,
  ifName: string,
  state: 'up' | 'down',
  source: 'poll' | 'trap' = 'poll',
): void {
  const ifIndex = h.topology.node(n(node)).interfaces.find((i) => i.name === ifName)?.ifIndex;
  if (ifIndex === undefined) throw new Error(`no interface ${ifName} on ${node}`);
  h.bus.publish({
    type: 'interface.state',
    node: n(node),
    timeMs: h.clock.nowMs,
    ifIndex,
    ifName,
    state,
    source,
  });
}

export function linkTrap(h: Harness, node: string, ifName: string, trap: 'linkDown' | 'linkUp'): void {
  const ifIndex = h.topology.node(n(node)).interfaces.find((i) => i.name === ifName)?.ifIndex ?? null;
  h.bus.publish({
    type: 'trap',
    node: n(node),
    timeMs: h.clock.nowMs,
    trap,
    trapOid: '1.3.6.1.6.3.1.1.5.3',
    ifIndex,
    varbinds: [],
  });
}

export function sample(
  h: Harness,
  node: string,
  measurement: string,
  tags: Record<string, string>,
  fields: Record<string, number>,
): void {
  h.bus.publish({
    type: 'samples',
    node: n(node),
    timeMs: h.clock.nowMs,
    points: [{ measurement, tags: { node, ...tags }, fields, timeMs: h.clock.nowMs }],
  });
}

/** Deterministic shuffle (tests must not depend on Math.random). */
export function shuffled<T>(items: readonly T[], seed = 7): T[] {
  const out = [...items];
  let state = seed;
  for (let i = out.length - 1; i > 0; i--) {
    state = (state * 1103515245 + 12345) % 2147483648;
    const j = state % (i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

export const XICHUAN_UPLINK = { node: 'ny-core', ifName: 'GE0/0/8' } as const;
export const ids = (nodes: readonly NodeId[]) => [...nodes].sort();

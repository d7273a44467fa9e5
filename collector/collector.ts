/**
 * The collector, wired: inventory (+ simulator manifest) → scheduler → SNMP polls → normalizer →
 * MetricsStore and EventBus; a trap receiver beside it; the collector's own health every period.
 */
import { hostname } from 'node:os';
import type { EventBus } from '../bus';
import type {
  AgentEndpoint,
  BusEvent,
  CollectorHealthEvent,
  Inventory,
  InventoryNode,
  MetricPoint,
  NodeId,
  SnmpCredentials,
  Zone,
} from '../domain';
import type { Topology } from '../inventory';
import type { MetricsStore, StoreHealth } from '../metrics';
import { createLogger, type Logger } from '../common';
import { normalizeNodePoll, normalizeVideo, unreachablePoint, type NodeMemory } from './normalizer';
import type { HostResourcesReading } from './poll/host-resources';
import { newIfMibMemory, pollIfMib, type IfMibMemory } from './poll/if-mib';
import { compareLldp, driftKey, pollLldp, unmanagedNeighbours, type LldpNeighbour } from './poll/lldp';
import { VIDEO_PROBES, type VideoReading } from './poll/video';
import { DeviceHealth, healthPoints, type HealthReading } from './profiles';
import { ReachabilityTracker, Scheduler } from './scheduler';
import {
  collectorPoint,
  hostPoint,
  readHostHealth,
  SelfMonitor,
  type CollectorSnapshot,
} from './self-monitor';
import {
  DEFAULT_TIMING,
  openSession,
  type SessionTiming,
  type SnmpFailure,
  type SnmpSession,
  type SnmpTarget,
} from './snmp/session';
import { startTrapReceiver, type TrapReceiver, type TrapReceiverStats } from './traps/receiver';
import type { SightingGate } from './unmanaged/sightings';

export interface CollectorOptions {
  topology: Topology;
  inventory: Inventory;
  /** The simulator's manifest: poll those nodes at the simulated address with the simulated credentials. */
  manifest?: readonly AgentEndpoint[];
  store: MetricsStore;
  bus: EventBus;
  /** Poll every node at this interval instead of the inventory's per-node intervals. */
  intervalS?: number;
  /** UDP port for traps; omit (or null) for no receiver; 0 for any free port. */
  trapPort?: number | null;
  /** Address the trap receiver binds (default 127.0.0.1, this host only; 0.0.0.0 for devices). */
  trapAddress?: string;
  /** Trap communities accepted from any known node besides its own read community (none by default). */
  trapCommunities?: readonly string[];
  /**
   * Confine this collector to one zone (三网隔离: a collector per network): only that zone's nodes
   * are polled; any other node is refused (pollNow throws, its traps are rejected).
   */
  zone?: Zone;
  logger?: Logger;
  /** The `collector` tag of self-monitoring points (default: the host name). */
  name?: string;
  /** Polls in flight at once, across all nodes. */
  concurrency?: number;
  timing?: Partial<SessionTiming>;
  /** Failed polls in a row before a node is declared unreachable. */
  missesBeforeUnreachable?: number;
  /** Upper bound of GETBULK max-repetitions (per node it is its interface count + 1, up to this). */
  maxRepetitions?: number;
  /** Refresh interface names and speeds every N polls. */
  metadataEveryN?: number;
  /** Walk LLDP every N polls (topology changes rarely). */
  lldpEveryN?: number;
  /** Seconds between self-monitoring reports. */
  statusPeriodS?: number;
  /** Report host CPU/memory/disk (systeminformation) with each status. */
  hostHealth?: boolean;
  /** Clock for sample timestamps (default Date.now); tests share it with a simulated network. */
  now?: () => number;
  /** false: read the 32-bit ifIn/OutOctets even where ifXTable has 64-bit ones (tests, odd agents). */
  preferHcCounters?: boolean;
  /**
   * Collectors sharing one inventory (leases.ts): a scheduled poll runs only while this says the
   * node is this collector's. Default: every node is.
   */
  assignment?: { owns(node: NodeId): boolean };
  /**
   * false: interfaces, LLDP and video only, no device profile (CPU, memory, hardware). The poll
   * benchmark compares the two in one run. Default true.
   */
  deviceHealth?: boolean;
  /** false: poll only on pollNow() (tests that step through polls one by one). Default true. */
  schedule?: boolean;
  onStatus?: (status: CollectorStatus) => void;
  /**
   * Where devices seen but not in the inventory go (LLDP neighbours, trap senders): deduplicated and
   * rate-bounded onto the bus as `unmanaged.sighting`. Absent: they are only logged and counted.
   */
  sightings?: SightingGate;
  /** Every poll as it ends (the ops listener's latency histogram). */
  onPoll?: (durationMs: number, outcome: PollOutcome) => void;
}

export type PollOutcome = 'ok' | 'timeout' | 'failed';

export interface CollectorStatus {
  timeMs: number;
  snapshot: CollectorSnapshot;
  nodes: number;
  reachable: number;
  unreachable: number;
  store: StoreHealth;
  traps: TrapReceiverStats | null;
}

export interface CollectorStats {
  nodes: number;
  reachable: number;
  unreachable: number;
  polls: number;
  timeouts: number;
  failures: number;
  /** Field values written to the store. */
  values: number;
  /** Inventory nodes outside the collector's zone, never polled (0 when not confined). */
  outOfZone: number;
  clamped: number;
  skipped: number;
  queued: number;
  running: number;
  traps: TrapReceiverStats | null;
  store: StoreHealth;
}

export interface RunningCollector {
  readonly trapPort: number | null;
  stats(): CollectorStats;
  /** Poll one node now, outside its schedule (tests, benchmarks, "refresh" buttons, a node just taken over). */
  pollNow(node: NodeId): Promise<void>;
  /** Stop polling and the trap receiver, wait for polls in flight, flush the store. */
  stop(): Promise<void>;
}

interface NodeRuntime {
  node: InventoryNode;
  target: SnmpTarget;
  credentials: SnmpCredentials;
  session: SnmpSession | null;
  ifMemory: IfMibMemory;
  memory: NodeMemory | null;
  polls: number;
  /**
   * Where this node's every-Nth-poll walks (metadata, LLDP) fall, from its place in the inventory:
   * nodes started together poll in step, and without it every node re-read its metadata in the same
   * round, a wave of large walks every N intervals (the soak's last window held one, its first none).
   */
  phase: number;
  lldpKey: string | null;
  /**
   * The device profile (learned from sysObjectID/sysDescr on the first answer and after a reboot),
   * its ENTITY-MIB names (re-read with the chassis every metadataEveryN polls) and where its rows are.
   */
  health: DeviceHealth;
  maxRepetitions: number;
  /** The poll in progress: a second request for the same node joins it (counters stay in order). */
  inFlight: Promise<void> | null;
}

/** The node's first poll, then every `n`th at its own phase. */
const everyNth = (rt: NodeRuntime, n: number): boolean =>
  rt.polls === 0 || (rt.polls + rt.phase) % Math.max(1, n) === 0;

function manifestCredentials(entry: AgentEndpoint): SnmpCredentials | null {
  if (entry.v3) return { name: `manifest:${entry.id}`, version: '3', ...entry.v3 };
  if (entry.community !== undefined)
    return { name: `manifest:${entry.id}`, version: '2c', community: entry.community };
  return null;
}

function countFields(points: readonly MetricPoint[]): number {
  let n = 0;
  for (const p of points) for (const _ in p.fields) n++;
  return n;
}

/** The nodes a collector polls: all of them, or those of its zone (none of them is an error). */
function nodesOfZone(inventory: Inventory, zone: Zone | undefined): InventoryNode[] {
  if (zone === undefined) return inventory.nodes;
  const polled = inventory.nodes.filter((node) => node.zone === zone);
  if (polled.length === 0) {
    const zones = [...new Set(inventory.nodes.map((node) => node.zone))].join(', ');
    throw new Error(
      `collector confined to zone "${zone}", but the inventory has no node in it (zones: ${zones})`,
    );
  }
  return polled;
}

function refusal(topology: Topology, id: string, zone: Zone | undefined): string {
  const node = topology.find(id);
  if (!node) return `unknown node "${id}"`;
  return `node "${id}" is in zone ${node.zone}; this collector is confined to zone ${zone ?? '?'} and refuses it`;
}

export async function startCollector(options: CollectorOptions): Promise<RunningCollector> {
  const { topology, inventory, store, bus } = options;
  const logger = options.logger ?? createLogger({ level: 'info' });
  const name = options.name ?? hostname();
  const timing: SessionTiming = { ...DEFAULT_TIMING, ...options.timing };
  const maxRepCap = options.maxRepetitions ?? 50;
  const metadataEveryN = options.metadataEveryN ?? 10;
  const lldpEveryN = options.lldpEveryN ?? 10;
  const statusPeriodMs = (options.statusPeriodS ?? 10) * 1000;
  const tracker = new ReachabilityTracker(options.missesBeforeUnreachable ?? 3);
  const monitor = new SelfMonitor();
  const recordPoll = (durationMs: number, outcome: PollOutcome, values: number) => {
    monitor.recordPoll(durationMs, outcome, values);
    options.onPoll?.(durationMs, outcome);
  };
  const now = options.now ?? Date.now;
  const manifest = new Map((options.manifest ?? []).map((m) => [m.id, m]));
  if (options.intervalS !== undefined && !(options.intervalS > 0))
    throw new Error(`interval must be > 0 s, got ${options.intervalS}`);

  const polled = nodesOfZone(inventory, options.zone);
  const outOfZone = inventory.nodes.length - polled.length;
  const runtimes = new Map<NodeId, NodeRuntime>();
  for (const node of polled) {
    const entry = manifest.get(node.id);
    const credentials = entry
      ? manifestCredentials(entry)
      : (inventory.credentials.get(node.credentials) ?? null);
    if (!credentials)
      throw new Error(
        `node "${node.id}": no SNMP credentials (inventory names "${node.credentials}", manifest has none)`,
      );
    runtimes.set(node.id, {
      node,
      target: entry ? { host: entry.host, port: entry.port } : { host: node.address, port: 161 },
      credentials,
      session: null,
      ifMemory: options.preferHcCounters === false ? { ...newIfMibMemory(), hasHc: false } : newIfMibMemory(),
      memory: null,
      polls: 0,
      phase: runtimes.size,
      lldpKey: null,
      health: new DeviceHealth(credentials.version !== '1'),
      maxRepetitions: Math.max(1, Math.min(maxRepCap, node.interfaces.length + 1)),
      inFlight: null,
    });
  }
  const videoLinksAt = new Map<NodeId, typeof inventory.videoLinks>();
  for (const link of inventory.videoLinks)
    videoLinksAt.set(link.a, [...(videoLinksAt.get(link.a) ?? []), link]);

  const publish = (event: BusEvent) => {
    try {
      bus.publish(event);
    } catch (error) {
      // A subscriber's bug must not stop polling; it is logged where it can be found.
      logger.error({ event: event.type, error: String(error) }, 'event bus subscriber failed');
    }
  };

  const sessionOf = (rt: NodeRuntime): SnmpSession => {
    rt.session ??= openSession(rt.target, rt.credentials, timing, (message) =>
      logger.warn(
        { node: rt.node.id, target: `${rt.target.host}:${rt.target.port}`, reason: message },
        'garbled SNMP answer',
      ),
    );
    return rt.session;
  };

  const onFailure = (rt: NodeRuntime, failure: SnmpFailure, startedMs: number, garbledDuring: boolean) => {
    const timeMs = now();
    const pollMs = elapsedMsSince(startedMs);
    // A v1/v2c agent ignores a wrong community: silence looks like a dead node, so say both.
    const reason =
      failure.kind === 'timeout' && garbledDuring
        ? 'garbled answers (agent replies cannot be decoded)'
        : failure.kind === 'timeout' && rt.credentials.version !== '3'
          ? 'no answer (timeout): node down, path cut, or wrong community'
          : failure.message;
    recordPoll(pollMs, failure.kind === 'timeout' ? 'timeout' : 'failed', 1);
    const point = unreachablePoint(rt.node, timeMs, pollMs);
    store.write([point]);
    publish({ type: 'samples', node: rt.node.id, timeMs, points: [point] });
    const change = tracker.failed(rt.node.id, reason, failure.kind === 'auth');
    const target = `${rt.target.host}:${rt.target.port}`;
    if (change) {
      logger.warn(
        { node: rt.node.id, target, state: change.state, kind: failure.kind, reason: change.reason },
        'node unreachable',
      );
      publish({ type: 'node.state', node: rt.node.id, timeMs, state: 'unreachable', reason: change.reason });
    } else logger.debug({ node: rt.node.id, target, kind: failure.kind, reason }, 'poll failed');
  };

  const pollNode = (rt: NodeRuntime): Promise<void> => {
    rt.inFlight ??= pollOnce(rt).finally(() => {
      rt.inFlight = null;
    });
    return rt.inFlight;
  };

  /** Hundredths of a millisecond: fine enough for percentiles, short in line protocol. */
  const elapsedMsSince = (startedMs: number) => Math.round((performance.now() - startedMs) * 100) / 100;

  const pollOnce = async (rt: NodeRuntime): Promise<void> => {
    const session = sessionOf(rt);
    // Monotonic and sub-millisecond: poll latency percentiles are not quantised to whole ms.
    const startedMs = performance.now();
    const garbledBefore = session.garbledCount;
    const withEntity = everyNth(rt, metadataEveryN);
    const folded = options.deviceHealth === false ? [] : rt.health.foldedOids(withEntity);
    const ifPoll = await pollIfMib(session, rt.ifMemory, {
      maxRepetitions: rt.maxRepetitions,
      metadataEveryN,
      metadataPhase: rt.phase,
      extraScalars: folded,
    });
    const answeredMs = now();
    // Sharing: the node went to another collector while its interfaces were read; it polls it now.
    if (options.assignment && !options.assignment.owns(rt.node.id)) return;
    if (!ifPoll.ok) return onFailure(rt, ifPoll.error, startedMs, session.garbledCount > garbledBefore);
    const system = ifPoll.value.system;
    if (system === null)
      return onFailure(rt, { kind: 'garbled', message: 'agent gave no sysUpTime.0' }, startedMs, false);

    const doLldp = everyNth(rt, lldpEveryN);
    rt.polls++;
    const videoLinks = videoLinksAt.get(rt.node.id) ?? [];
    const kinds = [...new Set(videoLinks.map((l) => l.probe))];
    const profileBefore = rt.health.profileId;
    const [healthPoll, videos, lldp] = await Promise.all([
      options.deviceHealth === false
        ? Promise.resolve(null)
        : rt.health.poll(session, folded.length > 0 ? ifPoll.value.extras : null, {
            maxRepetitions: 16,
            withEntity,
            ifNameOf: (ifIndex) => rt.ifMemory.names.get(ifIndex),
          }),
      Promise.all(kinds.map((kind) => VIDEO_PROBES[kind].poll(session, Math.max(4, videoLinks.length + 1)))),
      doLldp ? pollLldp(session, rt.maxRepetitions, rt.ifMemory.names) : Promise.resolve(null),
    ]);
    const health = healthPoll?.reading ?? null;
    const reading: HealthReading | null = health?.ok ? health.value : null;
    if (healthPoll && rt.health.profileId !== profileBefore)
      logger.debug({ node: rt.node.id, profile: healthPoll.profile.id }, 'device profile');
    if (health && !health.ok)
      logger.debug(
        { node: rt.node.id, profile: healthPoll?.profile.id, reason: health.error.message },
        'health not polled',
      );
    const hostResources: HostResourcesReading | null = reading && {
      cpuPct: reading.cpuPct,
      memPct: reading.memPct,
      storage: reading.storage,
      values: reading.values,
      requests: reading.requests,
    };
    const pollMs = elapsedMsSince(startedMs);

    const normalized = normalizeNodePoll(topology, rt.node, rt.memory, {
      timeMs: answeredMs,
      system,
      interfaces: ifPoll.value.interfaces,
      hostResources,
      pollMs,
    });
    rt.memory = normalized.memory;
    // A reboot may be a software upgrade or a swapped chassis: identify the device again next poll.
    if (normalized.events.some((event) => event.type === 'node.reboot')) rt.health.forget();
    const readings: VideoReading[] = [];
    for (const v of videos) {
      if (v.ok) readings.push(...v.value.readings);
      else logger.debug({ node: rt.node.id, reason: v.error.message }, 'video probe not polled');
    }
    const points = [
      ...normalized.points,
      ...(reading ? healthPoints(rt.node, reading, answeredMs) : []),
      ...normalizeVideo(rt.node, videoLinks, readings, answeredMs),
    ];
    store.write(points);
    const values = countFields(points);
    recordPoll(pollMs, 'ok', values);
    monitor.recordClamped(normalized.stats.clamped);
    if (normalized.stats.clamped > 0)
      logger.debug({ node: rt.node.id, clamped: normalized.stats.clamped }, 'rates above line rate clamped');

    const wasUnreachable = tracker.stateOf(rt.node.id) === 'unreachable';
    const change = tracker.succeeded(rt.node.id);
    if (change) {
      // Back from unreachable is news; the first answer at start-up is routine.
      if (wasUnreachable) logger.info({ node: rt.node.id, state: change.state }, 'node reachable again');
      else logger.debug({ node: rt.node.id, state: change.state }, 'node reachable');
      publish({
        type: 'node.state',
        node: rt.node.id,
        timeMs: answeredMs,
        state: 'reachable',
        reason: change.reason,
      });
    }
    publish({ type: 'samples', node: rt.node.id, timeMs: answeredMs, points });
    for (const event of normalized.events) {
      if (event.type === 'node.reboot')
        logger.info({ node: rt.node.id, uptimeS: event.uptimeS }, 'node rebooted (sysUpTime went back)');
      publish(event);
    }
    if (lldp?.ok && lldp.value.available) {
      noteUnmanaged(rt.node.id, lldp.value.neighbours);
      const drift = compareLldp(topology, rt.node.id, lldp.value.neighbours);
      const key = driftKey(drift);
      const empty = drift.unknownNeighbours.length === 0 && drift.missingLinks.length === 0;
      // The first reading is always published, even when it matches the inventory: an alert engine
      // that kept a drift or isolation-breach alert open across a collector restart learns it is over.
      if (key !== rt.lldpKey) {
        publish({ type: 'topology.drift', node: rt.node.id, timeMs: answeredMs, ...drift });
      }
      if (key !== rt.lldpKey && !empty) {
        logger.info(
          {
            node: rt.node.id,
            unknownNeighbours: drift.unknownNeighbours.length,
            missingLinks: drift.missingLinks,
          },
          'topology drift (LLDP vs inventory)',
        );
      }
      rt.lldpKey = key;
    }
  };

  /** LLDP neighbours no inventory node names: devices to add, reported to the console. */
  function noteUnmanaged(node: NodeId, neighbours: readonly LldpNeighbour[]): void {
    if (!options.sightings) return;
    for (const n of unmanagedNeighbours(topology, neighbours))
      options.sightings.note({
        source: 'lldp',
        address: n.remoteAddress ?? null,
        name: n.remoteSysName || null,
        chassisId: n.remoteChassisId ?? null,
        seenBy: { node, ifName: n.localIfName, remotePort: n.remotePort },
      });
  }

  const scheduler = new Scheduler({
    concurrency: options.concurrency ?? 100,
    onLag: (lagMs) => monitor.recordLag(lagMs),
  });

  let traps: TrapReceiver | null = null;
  if (options.trapPort !== undefined && options.trapPort !== null)
    traps = await startTrapReceiver({
      port: options.trapPort,
      ...(options.trapAddress === undefined ? {} : { address: options.trapAddress }),
      ...(options.trapCommunities === undefined ? {} : { trapCommunities: options.trapCommunities }),
      ...(options.zone === undefined ? {} : { zone: options.zone }),
      inventory,
      ...(options.manifest === undefined ? {} : { manifest: options.manifest }),
      bus,
      logger,
      ifNameOf: (node, ifIndex) => runtimes.get(node)?.ifMemory.names.get(ifIndex),
      ...(options.sightings ? { sightings: options.sightings } : {}),
      now,
    });

  const statsNow = (): CollectorStats => {
    const s = scheduler.stats();
    return {
      nodes: runtimes.size,
      reachable: tracker.count('reachable'),
      unreachable: tracker.count('unreachable'),
      ...monitor.totals,
      outOfZone,
      skipped: s.skipped,
      queued: s.queued,
      running: s.running,
      traps: traps?.stats() ?? null,
      store: store.health(),
    };
  };

  let reporting: Promise<void> = Promise.resolve();
  const report = async () => {
    const timeMs = now();
    const snapshot = monitor.takeSnapshot();
    const health = store.health();
    const points: MetricPoint[] = [collectorPoint(name, snapshot, health, timeMs)];
    if (options.hostHealth !== false) {
      try {
        points.push(hostPoint(name, await readHostHealth(), timeMs));
      } catch (error) {
        logger.warn({ reason: String(error) }, 'host health unavailable');
      }
    }
    store.write(points);
    const event: CollectorHealthEvent = {
      type: 'collector.health',
      collector: name,
      timeMs,
      pollsPs: snapshot.pollsPs,
      timeoutsPs: snapshot.timeoutsPs,
      queueLagMs: snapshot.queueLagMs,
      spoolPoints: health.spooledPoints,
      droppedPoints: health.droppedPoints,
      storeUp: health.backendUp,
    };
    publish(event);
    options.onStatus?.({
      timeMs,
      snapshot,
      nodes: runtimes.size,
      reachable: tracker.count('reachable'),
      unreachable: tracker.count('unreachable'),
      store: health,
      traps: traps?.stats() ?? null,
    });
  };
  const statusTimer = setInterval(() => {
    reporting = reporting.then(report, report);
  }, statusPeriodMs);

  const assignment = options.assignment;
  const ownedBefore = new Set<NodeId>(runtimes.keys());
  // A node another collector polled meanwhile starts afresh: rates from a counter read long ago lie.
  const pollIfOwned = (rt: NodeRuntime): Promise<void> => {
    if (!assignment) return pollNode(rt);
    if (!assignment.owns(rt.node.id)) {
      ownedBefore.delete(rt.node.id);
      return Promise.resolve();
    }
    if (!ownedBefore.has(rt.node.id)) {
      ownedBefore.add(rt.node.id);
      rt.memory = null;
      rt.ifMemory =
        options.preferHcCounters === false ? { ...newIfMibMemory(), hasHc: false } : newIfMibMemory();
    }
    return pollNode(rt);
  };
  if (options.schedule !== false)
    scheduler.start(
      [...runtimes.values()].map((rt) => ({
        id: rt.node.id,
        intervalMs: (options.intervalS ?? rt.node.pollIntervalS) * 1000,
        run: () => pollIfOwned(rt),
      })),
    );
  logger.info(
    {
      nodes: runtimes.size,
      store: store.kind,
      zone: options.zone ?? null,
      outOfZone,
      trapPort: traps?.port ?? null,
      concurrency: options.concurrency ?? 100,
    },
    'collector started',
  );

  let stopping: Promise<void> | null = null;
  return {
    trapPort: traps?.port ?? null,
    stats: statsNow,
    async pollNow(id) {
      const rt = runtimes.get(id);
      if (!rt) throw new Error(`pollNow: ${refusal(topology, id, options.zone)}`);
      // Sharing: a node another collector holds is not this one's to poll.
      await pollIfOwned(rt);
    },
    stop() {
      stopping ??= (async () => {
        clearInterval(statusTimer);
        await scheduler.stop();
        await reporting;
        await traps?.close();
        for (const rt of runtimes.values()) rt.session?.close();
        await store.flush();
        logger.info({ ...statsNow(), traps: undefined, store: undefined }, 'collector stopped');
      })();
      return stopping;
    },
  };
}

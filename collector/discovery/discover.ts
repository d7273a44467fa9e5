/**
 * One discovery: sweep the ranges (and seeds) at the bounded rate, identify every device that
 * answered, follow LLDP neighbours' management addresses (seed-only runs; with ranges, neighbours
 * inside them were swept already), hang the devices into a tree and propose an inventory.
 */
import { loopbackAddressOf, type Inventory, type SnmpCredentials } from '../../domain';
import { roleOf as roleFor } from './classify';
import { identify, type FoundDevice } from './identify';
import { buildProposal, type Proposal } from './proposal';
import { addressesOf, inRanges, totalAddresses, type AddressRange } from './range';
import { newSweepProgress, sweep, type CommunityProbe, type SweepHit, type SweepProgress } from './sweep';
import { TokenBucket, type BucketClock } from './token-bucket';
import { buildTree, type Tree } from './tree';

export interface DiscoverOptions {
  ranges: readonly AddressRange[];
  /** Addresses to start from (and to hang the tree from), probed first. */
  seeds: readonly string[];
  credentials: readonly SnmpCredentials[];
  ratePerS: number;
  /** Datagrams that may go at once (default: a twentieth of a second's worth, at least 1). */
  burst?: number;
  /** UDP port of the agents (161). */
  port: number;
  /** `loopback`: reach 10.a.b.c at 127.a.b.c (a simulated network); addresses stay 10.a.b.c everywhere else. */
  addressMap: 'none' | 'loopback';
  timeoutMs: number;
  retries: number;
  /** Devices identified at once (one SNMP session each). */
  concurrency: number;
  existing: Inventory | null;
  /** How the proposal names the credentials file. */
  credentialsFileRef: string;
  signal?: AbortSignal;
  clock?: BucketClock;
}

export interface DiscoverProgress {
  phase: 'sweep' | 'identify' | 'done';
  round: number;
  sweep: SweepProgress;
  identifyTotal: number;
  identified: number;
  failed: number;
  datagrams: () => number;
}

export interface DiscoverResult {
  proposal: Proposal;
  devices: Map<string, FoundDevice>;
  tree: Tree;
  /** Devices that answered the sweep but could not be read (wrong v3 user, …), with the reason. */
  failures: Array<{ address: string; reason: string }>;
  stopped: boolean;
  /** Every datagram sent (sweep and identification), all under the rate bound. */
  datagrams: number;
}

const MAX_ROUNDS = 64;

export function newDiscoverProgress(ranges: readonly AddressRange[], seeds: number): DiscoverProgress {
  return {
    phase: 'sweep',
    round: 0,
    sweep: newSweepProgress(totalAddresses(ranges) + seeds),
    identifyTotal: 0,
    identified: 0,
    failed: 0,
    datagrams: () => 0,
  };
}

export async function discover(
  options: DiscoverOptions,
  progress: DiscoverProgress,
): Promise<DiscoverResult> {
  const burst = options.burst ?? Math.max(1, Math.floor(options.ratePerS / 20));
  const bucket = new TokenBucket(options.ratePerS, burst, options.clock);
  progress.datagrams = () => bucket.takenCount;
  const sendAddressOf =
    options.addressMap === 'loopback' ? (a: string) => loopbackAddressOf(a) ?? a : (a: string) => a;
  const communities: CommunityProbe[] = options.credentials.flatMap((c) =>
    c.version === '3' ? [] : [{ name: c.name, version: c.version === '1' ? 0 : 1, community: c.community }],
  );
  const engineDiscovery = options.credentials.some((c) => c.version === '3');
  const timing = { timeoutMs: options.timeoutMs, retries: options.retries, backoff: 1 };
  const probed = new Set<string>();
  const devices = new Map<string, FoundDevice>();
  const failures: DiscoverResult['failures'] = [];
  const signal = options.signal;

  let targets: Iterable<string> = (function* () {
    for (const seed of options.seeds) yield seed;
    for (const address of addressesOf(options.ranges)) if (!options.seeds.includes(address)) yield address;
  })();
  for (let round = 0; round < MAX_ROUNDS && !signal?.aborted; round++) {
    progress.round = round;
    progress.phase = 'sweep';
    const marked = markProbed(targets, probed);
    const hits = await sweep(
      {
        addresses: marked,
        sendAddressOf,
        port: options.port,
        communities,
        engineDiscovery,
        bucket,
        timeoutMs: options.timeoutMs,
        retries: options.retries,
        ...(signal ? { signal } : {}),
      },
      progress.sweep,
    );
    progress.phase = 'identify';
    progress.identifyTotal += hits.size;
    await identifyAll([...hits.values()], options.concurrency, signal, async (hit) => {
      const outcome = await identify(hit, {
        credentials: options.credentials,
        sendAddressOf,
        port: options.port,
        timing,
        bucket,
        ...(signal ? { signal } : {}),
      });
      if (outcome.ok) {
        devices.set(hit.address, outcome.device);
        progress.identified++;
      } else {
        failures.push({ address: hit.address, reason: outcome.reason });
        progress.failed++;
      }
    });
    const next = neighboursToFollow(devices, probed, options.ranges);
    if (next.length === 0) break;
    progress.sweep.addressesTotal += next.length;
    targets = next;
  }
  progress.phase = 'done';

  const existingByAddress = new Map(options.existing?.nodes.map((n) => [n.address, n]) ?? []);
  const addressOfId = new Map(options.existing?.nodes.map((n) => [n.id, n.address]) ?? []);
  const inventoryRoots = options.existing?.nodes.filter((n) => n.parent === null).map((n) => n.address) ?? [];
  const tree = buildTree([...devices.values()].map(treeDevice), {
    rootHints: [...options.seeds, ...inventoryRoots],
    knownParent: (address) => {
      const parent = existingByAddress.get(address)?.parent;
      return parent ? (addressOfId.get(parent) ?? null) : null;
    },
  });
  const proposal = buildProposal({
    devices,
    tree,
    existing: options.existing,
    credentialsFile: options.credentialsFileRef,
  });
  return {
    proposal,
    devices,
    tree,
    failures,
    stopped: signal?.aborted ?? false,
    datagrams: bucket.takenCount,
  };
}

function treeDevice(d: FoundDevice) {
  return {
    address: d.address,
    role: roleFor(d),
    sysName: d.sysName,
    neighbours: d.neighbours,
  };
}

function* markProbed(targets: Iterable<string>, probed: Set<string>): Generator<string> {
  for (const address of targets) {
    if (probed.has(address)) continue;
    probed.add(address);
    yield address;
  }
}

/** LLDP neighbours' management addresses not probed yet, inside the ranges (any, on a seed-only run). */
function neighboursToFollow(
  devices: ReadonlyMap<string, FoundDevice>,
  probed: ReadonlySet<string>,
  ranges: readonly AddressRange[],
): string[] {
  const next = new Set<string>();
  for (const device of devices.values())
    for (const n of device.neighbours) {
      const address = n.remoteAddress;
      if (!address || probed.has(address)) continue;
      if (ranges.length > 0 && !inRanges(address, ranges)) continue;
      next.add(address);
    }
  return [...next];
}

async function identifyAll(
  hits: SweepHit[],
  concurrency: number,
  signal: AbortSignal | undefined,
  work: (hit: SweepHit) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < hits.length && !signal?.aborted) await work(hits[next++] as SweepHit);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, hits.length)) }, worker));
}

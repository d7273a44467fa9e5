import { hostname } from 'node:os';
import type { EventBus } from '../../bus';
import type { RunningLeases } from '../../collector';
import type { Logger } from '../../common';
import type { InventoryNode, NodeId, Zone } from '../../domain';
import type { Topology } from '../../inventory';
import { fail } from '../fail';

/** `collect --share MODE [--collector-id ID] [--lease-ttl S]`: collectors dividing one inventory. */
export interface SharingFlags {
  share?: string;
  collectorId?: string;
  leaseTtl?: number;
}

/** collect.yaml's `share:` section: the same three settings. */
export interface SharingSection {
  mode: string;
  collectorId?: string | undefined;
  leaseTtlS?: number | undefined;
}

/** The flags over collect.yaml's `share:` section, setting by setting: a flag given wins. */
export function sharingSettings(flags: SharingFlags, section: SharingSection | undefined): SharingFlags {
  const share = flags.share ?? section?.mode;
  const collectorId = flags.collectorId ?? section?.collectorId;
  const leaseTtl = flags.leaseTtl ?? section?.leaseTtlS;
  return {
    ...(share === undefined ? {} : { share }),
    ...(collectorId === undefined ? {} : { collectorId }),
    ...(leaseTtl === undefined ? {} : { leaseTtl }),
  };
}

export interface SharingContext {
  bus: EventBus;
  topology: Topology;
  /** The nodes this collector may poll (its zone's, when confined). */
  nodes: readonly InventoryNode[];
  intervalS: number | undefined;
  zone: Zone | undefined;
  logger: Logger;
}

/**
 * A lease lifetime that lets a survivor take a dead collector's nodes over within two poll
 * intervals: expiry (ttl) + the next lease round (ttl/3) + the node's next slot (one interval).
 */
function defaultTtlS(nodes: readonly InventoryNode[], intervalS: number | undefined): number {
  const shortest = intervalS ?? Math.min(...nodes.map((node) => node.pollIntervalS));
  return Math.max(1, shortest / 2);
}

/**
 * Poll nodes just taken over now, spread over a quarter interval, rather than at their next slot:
 * a dead collector's nodes are polled again within a lease lifetime and a round.
 */
export function pollWhenAcquired(
  leases: RunningLeases,
  pollNow: (node: NodeId) => Promise<void>,
  spreadMs: number,
): void {
  leases.onChange(({ acquired }) =>
    acquired.forEach((node, k) => {
      const timer = setTimeout(
        () =>
          void pollNow(node).catch((error: unknown) =>
            // A failed poll is a value; a throw is a bug: surface it as the scheduler does.
            queueMicrotask(() => {
              throw error;
            }),
          ),
        Math.floor((k * spreadMs) / acquired.length),
      );
      timer.unref();
    }),
  );
}

/** Start sharing when --share is given: claim this collector's leases before its first poll. */
export async function startSharing(
  flags: SharingFlags,
  context: SharingContext,
): Promise<RunningLeases | null> {
  if (flags.share === undefined) return null;
  const { NatsBus } = await import('../../bus');
  const { SHARE_MODES, leasesBucket, memberIdOf, shareGroups, startLeases } = await import('../../collector');
  const mode = SHARE_MODES.find((m) => m === flags.share);
  if (mode === undefined)
    return fail(`--share must be one of ${SHARE_MODES.join(', ')}, got "${flags.share}"`);
  const { bus } = context;
  if (!(bus instanceof NatsBus) || bus.durability !== 'jetstream')
    return fail('--share needs --bus nats://HOST:PORT on a server with JetStream (nats-server -js)');
  const member = memberIdOf(flags.collectorId ?? `${hostname()}-${process.pid}`);
  if (member === '') return fail('--collector-id must contain letters or digits');
  const ttlS = flags.leaseTtl ?? defaultTtlS(context.nodes, context.intervalS);
  const bucket = leasesBucket(context.topology.network.id, context.zone);
  const table = await bus
    .keyValueTable(bucket, ttlS * 1000)
    .catch((error: unknown) => fail(`leases bucket ${bucket}: ${(error as Error).message}`));
  const leases = await startLeases({
    table,
    member,
    mode,
    groups: shareGroups(context.nodes, context.topology, mode),
    logger: context.logger.child({ part: 'leases' }),
  }).catch((error: unknown) => fail(`leases in ${bucket}: ${(error as Error).message}`));
  console.log(
    `egov-noc collect: sharing ${context.nodes.length} nodes as "${member}" (${mode}; bucket ${bucket}, ` +
      `leases last ${table.ttlMs / 1000}s): polling ${leases.held().length} now`,
  );
  return leases;
}

import type { KeyValueTable } from '../bus';
import type { Logger } from '../common';
import type { NodeId } from '../domain';
import { assignNodes } from './leases-assignment';

/** What a collector writes about itself; `egov-noc collectors` reads it. */
export interface MemberRecord {
  id: string;
  startedMs: number;
  mode: string;
  /** Nodes it holds leases on, at its last heartbeat. */
  nodes: number;
}

/** The holder of one node's lease. */
export interface LeaseRecord {
  member: string;
  /** When this member took the lease (its clock). */
  sinceMs: number;
}

export interface LeaseOptions {
  table: KeyValueTable;
  /** This collector's id: unique among the collectors sharing the inventory. */
  member: string;
  mode: string;
  /** The groups that move together (leases-assignment.ts `shareGroups`). */
  groups: ReadonlyMap<string, readonly NodeId[]>;
  logger: Logger;
  /** Called when nodes become this collector's to poll, or stop being (also settable later: `onChange`). */
  onChange?: LeaseChangeListener;
  now?: () => number;
  /** false: rounds run only on renew() (tests stepping a fake clock). Default true. */
  autoRenew?: boolean;
}

export type LeaseChangeListener = (change: { acquired: NodeId[]; released: NodeId[] }) => void;

export interface RunningLeases {
  /** True while this collector holds the node's lease: poll it; false: another collector does. */
  owns(node: NodeId): boolean;
  held(): NodeId[];
  /** Listen for nodes acquired and released from now on (the collector, once it runs). */
  onChange(listener: LeaseChangeListener): void;
  /** One round now (tests); otherwise rounds run every third of the lease lifetime. */
  renew(): Promise<void>;
  /** Release every lease, so the others take the nodes over at once rather than after expiry. */
  stop(): Promise<void>;
}

export const memberKey = (member: string) => `members.${member}`;

/**
 * Two live collectors with one id would fight over its leases. A heartbeat under this id is either
 * this collector's previous life (killed, restarted at once: it lapses within one lifetime) or
 * another collector: wait up to `waitMs` for it to lapse, then refuse.
 */
async function waitUntilIdIsFree(table: KeyValueTable, member: string, waitMs: number): Promise<void> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    const taken = (await table.entries('members')).some((entry) => entry.key === memberKey(member));
    if (!taken) return;
    if (Date.now() >= deadline)
      throw new Error(
        `collector id "${member}" is in use by a live collector (its heartbeat is renewed): choose another --collector-id`,
      );
    await new Promise((resolve) => setTimeout(resolve, Math.max(100, table.ttlMs / 4)));
  }
}
export const leaseKey = (node: string) => `leases.${node}`;

/**
 * Leases in a JetStream key-value bucket whose entries expire unless renewed. Each round a collector
 * renews its heartbeat and its leases, reads who is alive, computes the same assignment every
 * collector computes, releases the nodes that are now someone else's and claims free nodes that are
 * its own. A claim is a create (it fails while anyone holds the node) and a renewal is a
 * compare-and-set on the lease's revision, so two collectors never hold one node; a dead collector's
 * leases expire after one lease lifetime and are claimed in the next round.
 *
 * A collector cut off from NATS fences itself: two thirds of a lifetime after the start of its last
 * renewed round (before its leases can lapse on the server and be claimed by another) it stops
 * polling every node it held. When rounds work again it adopts those of its leases still standing
 * (same member, by revision) and claims the rest as usual.
 */
export async function startLeases(options: LeaseOptions): Promise<RunningLeases> {
  const { table, member, logger } = options;
  const now = options.now ?? Date.now;
  const startedMs = now();
  const revisions = new Map<NodeId, number>();
  let stopped = false;
  const listeners: LeaseChangeListener[] = options.onChange ? [options.onChange] : [];
  let round: Promise<void> = Promise.resolve();
  /** Start of the last round that renewed everything held: the leases on the server are at least this fresh. */
  let renewedAtMs = startedMs;
  /** Bumped by a fence, so a round still in flight does not bring back what the fence let go. */
  let generation = 0;
  let fenced = false;
  const fenceAfterMs = (table.ttlMs * 2) / 3;

  const heartbeat = async () => {
    const record: MemberRecord = { id: member, startedMs, mode: options.mode, nodes: revisions.size };
    await table.put(memberKey(member), JSON.stringify(record));
  };

  const liveMembers = async (): Promise<string[]> => {
    const entries = await table.entries('members');
    return entries.map((entry) => entry.key.slice('members.'.length)).sort();
  };

  const renewHeld = async (lost: NodeId[], round: number) => {
    await Promise.all(
      [...revisions].map(async ([node, revision]) => {
        const record: LeaseRecord = { member, sinceMs: startedMs };
        const next = await table.update(leaseKey(node), JSON.stringify(record), revision);
        if (round !== generation) return;
        if (next === null) {
          revisions.delete(node);
          lost.push(node);
        } else revisions.set(node, next);
      }),
    );
  };

  const release = async (nodes: NodeId[]) => {
    await Promise.all(
      nodes.map(async (node) => {
        const revision = revisions.get(node);
        revisions.delete(node);
        if (revision !== undefined) await table.remove(leaseKey(node), revision);
      }),
    );
  };

  const claim = async (nodes: NodeId[], acquired: NodeId[], round: number) => {
    await Promise.all(
      nodes.map(async (node) => {
        const record: LeaseRecord = { member, sinceMs: now() };
        const revision = await table.create(leaseKey(node), JSON.stringify(record));
        if (revision !== null && round === generation) {
          revisions.set(node, revision);
          acquired.push(node);
        }
      }),
    );
  };

  /** After a fence: take back the leases still standing under this member (renewed right after). */
  const adopt = async (acquired: NodeId[]) => {
    for (const entry of await table.entries('leases')) {
      const holder = (JSON.parse(entry.value) as Partial<LeaseRecord>).member;
      if (holder !== member) continue;
      const node = entry.key.slice('leases.'.length) as NodeId;
      revisions.set(node, entry.revision);
      acquired.push(node);
    }
    fenced = false;
  };

  /** Let go of every node (no writes: NATS is what cannot be reached) before the leases can lapse. */
  const fenceIfStale = () => {
    const silentMs = now() - renewedAtMs;
    if (silentMs < fenceAfterMs || revisions.size === 0) return;
    const released = [...revisions.keys()];
    revisions.clear();
    generation += 1;
    fenced = true;
    logger.warn(
      { member, released: released.length, silentMs },
      'leases not renewed in time: stopped polling their nodes until they can be renewed',
    );
    for (const listener of listeners) listener({ acquired: [], released });
  };

  const once = async () => {
    const roundStartMs = now();
    const round = generation;
    const acquiredAll: NodeId[] = [];
    const released: NodeId[] = [];
    await heartbeat();
    if (fenced) await adopt(acquiredAll);
    await renewHeld(released, round);
    const members = await liveMembers();
    const desired = assignNodes(options.groups, members.includes(member) ? members : [...members, member]);
    const notMine = [...revisions.keys()].filter((node) => desired.get(node) !== member);
    await release(notMine);
    released.push(...notMine);
    const free = [...desired]
      .filter(([node, owner]) => owner === member && !revisions.has(node))
      .map(([n]) => n);
    await claim(free, acquiredAll, round);
    if (round !== generation) return;
    renewedAtMs = roundStartMs;
    const acquired = acquiredAll.filter((node) => revisions.has(node));
    if (acquired.length > 0 || released.length > 0) {
      logger.info(
        {
          member,
          acquired: acquired.length,
          released: released.length,
          held: revisions.size,
          members: members.length,
        },
        'node leases changed',
      );
      for (const listener of listeners) listener({ acquired, released });
    }
  };

  let failingSince: number | null = null;
  const next = () => {
    round = round
      .then(once)
      .then(() => {
        if (failingSince !== null) logger.info({ member, held: revisions.size }, 'lease rounds work again');
        failingSince = null;
      })
      .catch((error: unknown) => {
        // NATS away: keep what we hold until the leases lapse; the next round tries again. One
        // warning per outage, not one per round.
        if (failingSince === null)
          logger.warn({ member, reason: (error as Error).message }, 'lease round failed; retrying');
        failingSince ??= now();
        fenceIfStale();
      });
    return round;
  };

  await waitUntilIdIsFree(table, member, options.autoRenew === false ? 0 : 2 * table.ttlMs);
  await next();
  const timer =
    options.autoRenew === false
      ? null
      : setInterval(
          () => {
            if (!stopped) void next();
          },
          Math.max(250, Math.floor(table.ttlMs / 3)),
        );
  // A round can hang while NATS is away: the fence is checked on its own clock, every sixth of a lifetime.
  const fenceTimer =
    options.autoRenew === false
      ? null
      : setInterval(fenceIfStale, Math.max(100, Math.floor(table.ttlMs / 6)));

  return {
    owns: (node) => revisions.has(node),
    held: () => [...revisions.keys()],
    onChange: (listener) => listeners.push(listener),
    renew: next,
    async stop() {
      stopped = true;
      if (timer) clearInterval(timer);
      if (fenceTimer) clearInterval(fenceTimer);
      await round;
      const held = [...revisions.keys()];
      await release(held).catch(() => undefined);
      const own = (await table.entries('members').catch(() => [])).find((e) => e.key === memberKey(member));
      if (own) await table.remove(own.key, own.revision).catch(() => false);
    },
  };
}

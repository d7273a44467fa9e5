/**
 * `egov-noc collectors` at province scale against a real nats-server: 3,038 nodes, leases held by
 * three collectors, some released, some never taken. The CLI reads the bucket in one watch; its
 * listing is the one a read of every key on its own (the way it was read before, `kv.get` per key)
 * gives, and it sends the server a handful of messages, not one request per lease.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { connect, StringCodec, type KV, type NatsConnection } from 'nats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NatsBus, type KeyValueTable } from '../../bus';
import { leasesBucket, type LeaseRecord, type MemberRecord } from '../../collector';
import type { Listing } from '../../cli/commands/collectors';
import { loadInventory } from '../../inventory';
import { freeTcpPort, runEgovNoc } from '../support/egov-noc-cli';
import { startNatsServer } from '../support/nats-server';

const MEMBERS = ['c1', 'c2', 'c3'];
const LEASE_TTL_MS = 300_000;
const HELD_SINCE_MS = Date.now() - 90_000;
const dir = mkdtempSync(join(tmpdir(), 'egov-leases-listing-'));
const inventoryFile = join(dir, 'province.yaml');
let nats: Awaited<ReturnType<typeof startNatsServer>>;
let monitorPort: number;
let writer: NatsBus;
let nodeIds: string[];
let bucket: string;
/** The listing a key-by-key read of the bucket gives, ages left out. */
let keyByKey: Awaited<ReturnType<typeof listingKeyByKey>>;

/** The leases the three collectors hold: every node but each 97th, round robin, a few released. */
async function writeLeases(table: KeyValueTable): Promise<void> {
  for (const [k, id] of MEMBERS.entries()) {
    const member: MemberRecord = { id, startedMs: HELD_SINCE_MS - k * 1000, mode: 'even', nodes: 0 };
    await table.put(`members.${id}`, JSON.stringify(member));
  }
  const held = nodeIds.filter((_, k) => k % 97 !== 0);
  const revisions = await Promise.all(
    held.map((node, k) => {
      const lease: LeaseRecord = { member: MEMBERS[k % MEMBERS.length]!, sinceMs: HELD_SINCE_MS };
      return table.create(`leases.${node}`, JSON.stringify(lease));
    }),
  );
  // A collector let these go (its zone shrank): deleted keys, not listed.
  for (const k of [1, 2, 500, 1500]) await table.remove(`leases.${held[k]}`, revisions[k]!);
}

/** Every key read on its own, as `egov-noc collectors` read them before: one request per key. */
async function readKeyByKey(kv: KV, prefix: string) {
  const strings = StringCodec();
  const keys: string[] = [];
  for await (const key of await kv.keys(`${prefix}.>`)) keys.push(key);
  const entries = await Promise.all(keys.map((key) => kv.get(key)));
  return entries.flatMap((entry) =>
    entry !== null && entry.operation === 'PUT'
      ? [{ key: entry.key, value: strings.decode(entry.value), writtenMs: entry.created.getTime() }]
      : [],
  );
}

/** The listing a key-by-key read gives, ages left out (they depend on when each was read). */
async function listingKeyByKey(connection: NatsConnection) {
  const kv = await connection.jetstream().views.kv(bucket, { bindOnly: true });
  const leases = (await readKeyByKey(kv, 'leases')).map((entry) => ({
    node: entry.key.slice('leases.'.length),
    member: (JSON.parse(entry.value) as LeaseRecord).member,
  }));
  const members = (await readKeyByKey(kv, 'members')).map((entry) => JSON.parse(entry.value) as MemberRecord);
  const held = new Set(leases.map((lease) => lease.node));
  return {
    bucket,
    leaseTtlS: LEASE_TTL_MS / 1000,
    members: members.map((member) => ({
      ...member,
      holding: leases.filter((lease) => lease.member === member.id).length,
    })),
    leases: leases.sort((a, b) => a.member.localeCompare(b.member) || a.node.localeCompare(b.node)),
    unheld: nodeIds.filter((node) => !held.has(node)),
  };
}

const withoutAges = (listing: Listing) => ({
  ...listing,
  members: listing.members.map(({ heartbeatAgeS: _heartbeat, ...member }) => member),
  leases: listing.leases.map(({ node, member }) => ({ node, member })),
});

/** The closed connections of `egov-noc collectors` (cid: messages it sent), from the monitoring endpoint. */
async function closedCollectorsConnections(): Promise<Map<number, number>> {
  const answer = await fetch(`http://127.0.0.1:${monitorPort}/connz?state=closed&limit=1024`);
  const { connections } = (await answer.json()) as {
    connections: Array<{ cid: number; name?: string; in_msgs: number }>;
  };
  return new Map(connections.filter((c) => c.name === 'egov-noc collectors').map((c) => [c.cid, c.in_msgs]));
}

async function collectorsCli(...more: string[]): Promise<string> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [resolve('bin/egov-noc.js'), 'collectors', '--inventory', inventoryFile, '--bus', nats.url, ...more],
    { env: { ...process.env, LOG_LEVEL: 'warn' }, maxBuffer: 64 * 1024 * 1024 },
  );
  return stdout;
}

beforeAll(async () => {
  runEgovNoc(['inventory', 'generate', '--cities', '12', '--out', inventoryFile]);
  const loaded = loadInventory(inventoryFile);
  if (!loaded.ok) throw new Error('the generated inventory must load');
  nodeIds = loaded.inventory.nodes.map((node) => node.id);
  bucket = leasesBucket(loaded.topology.network.id, undefined);
  monitorPort = await freeTcpPort();
  nats = await startNatsServer(undefined, {
    jetstream: join(dir, 'js'),
    args: ['-m', String(monitorPort)],
  });
  writer = await NatsBus.connect(nats.url, { name: 'leases-writer', jetstream: { mode: 'on' } });
  await writeLeases(await writer.keyValueTable(bucket, LEASE_TTL_MS));
  const connection = await connect({ servers: nats.url, name: 'key-by-key reader' });
  try {
    keyByKey = await listingKeyByKey(connection);
  } finally {
    await connection.close();
  }
}, 120_000);

afterAll(async () => {
  await writer?.close();
  await nats?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('egov-noc collectors at province scale', () => {
  it('lists what a key-by-key read of the leases gives, in a handful of messages', async () => {
    const closedBefore = await closedCollectorsConnections();
    const startedMs = Date.now();
    const listed = JSON.parse(await collectorsCli('--json')) as Listing;
    const endedMs = Date.now();
    expect(keyByKey.leases.length).toBeGreaterThan(2_900);
    expect(keyByKey.unheld.length).toBeGreaterThan(20);
    expect(withoutAges(listed)).toEqual(keyByKey);
    // Ages: the leases were taken 90 s before the test began and written since; a tenth of a second.
    for (const lease of listed.leases) {
      expect(lease.heldForS).toBeGreaterThanOrEqual(Math.floor((startedMs - HELD_SINCE_MS) / 100) / 10);
      expect(lease.heldForS).toBeLessThanOrEqual(Math.ceil((endedMs - HELD_SINCE_MS) / 100) / 10);
      expect(lease.renewedAgeS).toBeGreaterThanOrEqual(0);
      expect(lease.renewedAgeS).toBeLessThan(lease.heldForS);
    }
    const sent = [...(await closedCollectorsConnections())].filter(([cid]) => !closedBefore.has(cid));
    expect(sent).toHaveLength(1);
    console.log(`egov-noc collectors read ${listed.leases.length} leases sending ${sent[0]![1]} messages`);
    expect(sent[0]![1]).toBeLessThan(50);
  });

  it('prints the same listing as text: every lease, the members, the nodes without a collector', async () => {
    const text = await collectorsCli();
    expect(text).toContain(
      `collectors sharing ${nodeIds.length} nodes (bucket ${bucket}; a lease lives ${LEASE_TTL_MS / 1000}s unrenewed)`,
    );
    for (const member of keyByKey.members)
      expect(text).toMatch(new RegExp(`^${member.id} +even +${member.holding} `, 'm'));
    const leaseLines = text.split('\n').filter((line) => /^\S+ +c[123] +[\d.]+s +[\d.]+s ago$/.test(line));
    expect(leaseLines.map((line) => line.split(/ +/).slice(0, 2))).toEqual(
      keyByKey.leases.map((lease) => [lease.node, lease.member]),
    );
    expect(text).toContain(
      `${keyByKey.unheld.length} node(s) without a collector: ${keyByKey.unheld.slice(0, 20).join(', ')}, …`,
    );
  });
});

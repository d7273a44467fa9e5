import type { Command } from 'commander';
import type { KeyValueEntry, NatsBus as NatsBusType } from '../../bus';
import type { LeaseRecord, MemberRecord } from '../../collector';
import { readEnvironment } from '../environment';
import { fail } from '../fail';

interface CollectorsFlags {
  inventory: string;
  bus?: string;
  zone?: string;
  json?: boolean;
}

/** What `egov-noc collectors --json` prints. */
export interface Listing {
  bucket: string;
  leaseTtlS: number;
  members: Array<MemberRecord & { heartbeatAgeS: number; holding: number }>;
  leases: Array<{ node: string; member: string; heldForS: number; renewedAgeS: number }>;
  unheld: string[];
}

const ageS = (nowMs: number, thenMs: number) => Math.max(0, Math.round((nowMs - thenMs) / 100) / 10);

function parsed<T>(entry: KeyValueEntry): T | null {
  try {
    return JSON.parse(entry.value) as T;
  } catch {
    return null;
  }
}

function listing(
  bucket: string,
  ttlMs: number,
  members: KeyValueEntry[],
  leases: KeyValueEntry[],
  nodes: string[],
): Listing {
  const nowMs = Date.now();
  const held = leases.flatMap((entry) => {
    const record = parsed<LeaseRecord>(entry);
    return record
      ? [
          {
            node: entry.key.slice('leases.'.length),
            member: record.member,
            heldForS: ageS(nowMs, record.sinceMs),
            renewedAgeS: ageS(nowMs, entry.writtenMs),
          },
        ]
      : [];
  });
  const holders = new Set(held.map((lease) => lease.node));
  return {
    bucket,
    leaseTtlS: ttlMs / 1000,
    members: members.flatMap((entry) => {
      const record = parsed<MemberRecord>(entry);
      return record
        ? [
            {
              ...record,
              heartbeatAgeS: ageS(nowMs, entry.writtenMs),
              holding: held.filter((lease) => lease.member === record.id).length,
            },
          ]
        : [];
    }),
    leases: held.sort((a, b) => a.member.localeCompare(b.member) || a.node.localeCompare(b.node)),
    unheld: nodes.filter((node) => !holders.has(node)),
  };
}

function printListing(list: Listing, nodes: number): void {
  console.log(
    `collectors sharing ${nodes} nodes (bucket ${list.bucket}; a lease lives ${list.leaseTtlS}s unrenewed)`,
  );
  console.log('');
  console.log(
    `${'collector'.padEnd(28)} ${'mode'.padEnd(8)} ${'nodes'.padStart(5)}  ${'up'.padStart(8)}  heartbeat`,
  );
  for (const m of list.members)
    console.log(
      `${m.id.padEnd(28)} ${m.mode.padEnd(8)} ${String(m.holding).padStart(5)}  ${`${ageS(Date.now(), m.startedMs)}s`.padStart(8)}  ${m.heartbeatAgeS}s ago`,
    );
  console.log('');
  console.log(`${'node'.padEnd(24)} ${'collector'.padEnd(28)} ${'held for'.padStart(9)}  renewed`);
  for (const lease of list.leases)
    console.log(
      `${lease.node.padEnd(24)} ${lease.member.padEnd(28)} ${`${lease.heldForS}s`.padStart(9)}  ${lease.renewedAgeS}s ago`,
    );
  console.log('');
  console.log(
    list.unheld.length === 0
      ? `every node has a collector`
      : `${list.unheld.length} node(s) without a collector: ${list.unheld.slice(0, 20).join(', ')}${list.unheld.length > 20 ? ', …' : ''}`,
  );
}

export function registerCollectorsCommand(program: Command): void {
  program
    .command('collectors')
    .description(
      'list the collectors sharing an inventory (collect --share): who polls which node, lease ages',
    )
    .requiredOption('--inventory <file>', 'the inventory the collectors were started with')
    .option('--bus <spec>', 'their NATS server, nats://HOST:PORT (default EGOV_NOC_BUS)')
    .option('--zone <zone>', 'the collectors confined to this zone (collect --zone)')
    .option('--json', 'print JSON')
    .action(async (flags: CollectorsFlags) => {
      const { NatsBus, redactNatsUrl } = await import('../../bus');
      const { leasesBucket } = await import('../../collector');
      const { ZONES } = await import('../../domain');
      const { formatInventoryError, loadInventory } = await import('../../inventory');
      const { natsBusOptions } = await import('./bus-options');
      const environment = readEnvironment();
      const spec = flags.bus ?? environment.bus;
      if (spec === undefined || !/^(nats|tls):\/\//.test(spec))
        fail('collectors needs --bus nats://HOST:PORT (or EGOV_NOC_BUS): the server the collectors share');
      const zone = flags.zone === undefined ? undefined : ZONES.find((z) => z === flags.zone);
      if (flags.zone !== undefined && zone === undefined)
        fail(`--zone must be one of ${ZONES.join(', ')}, got "${flags.zone}"`);
      const loaded = loadInventory(flags.inventory);
      if (!loaded.ok) {
        for (const error of loaded.errors) process.stderr.write(`${formatInventoryError(error)}\n`);
        fail(`${loaded.errors.length} error(s) in ${flags.inventory}`, 2);
      }
      const nodes = loaded.inventory.nodes
        .filter((n) => zone === undefined || n.zone === zone)
        .map((n) => n.id);
      const bucket = leasesBucket(loaded.topology.network.id, zone);
      let bus: NatsBusType;
      try {
        bus = await NatsBus.connect(spec, {
          ...(await natsBusOptions(environment.nats)),
          name: 'egov-noc collectors',
        });
      } catch (error) {
        fail(`event bus ${redactNatsUrl(spec)}: ${(error as Error).message}`);
      }
      try {
        const table = await bus.findKeyValueTable(bucket);
        if (table === null)
          fail(`no collector shares ${flags.inventory} on ${redactNatsUrl(spec)} (no bucket ${bucket})`);
        const list = listing(
          bucket,
          table.ttlMs,
          await table.entries('members'),
          await table.entries('leases'),
          nodes,
        );
        if (flags.json) console.log(JSON.stringify(list, null, 2));
        else printListing(list, nodes.length);
      } finally {
        await bus.close();
      }
    });
}

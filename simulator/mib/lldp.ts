import { Tag } from '../ber';
import type { Device } from '../device';
import { entry, sortEntries, type Entry } from './entry';

/**
 * LLDP-MIB (IEEE 802.1AB): local system and ports, and one lldpRemTable row per inventory link end,
 * so a poller can rediscover the topology. Rows are per device (they depend on its links), plus the
 * neighbours a zone-bridge fault cables in (setBridgedNeighbours).
 */
const LOC = [1, 0, 8802, 1, 1, 2, 1, 3];
const LOC_PORT_ENTRY = [...LOC, 7, 1];
const REM_ENTRY = [1, 0, 8802, 1, 1, 2, 1, 4, 1, 1];
const REM_MAN_ADDR_ENTRY = [1, 0, 8802, 1, 1, 2, 1, 4, 2, 1];
/** IANA address family ipV4(1); lldpRemManAddrIfSubtype ifIndex(2). */
const ADDRESS_FAMILY_IPV4 = 1;
const IF_SUBTYPE_IF_INDEX = 2;
const SUBTYPE_LOCAL = 7;
const SUBTYPE_INTERFACE_NAME = 5;

/** A neighbour on a local port that has no inventory link: what a zone-bridge fault shows. */
export interface BridgedNeighbour {
  ifIndex: number;
  peer: Device;
  peerIfName: string;
}

type DeviceOf = (id: string) => Device | undefined;

/**
 * The agent's MIB view keeps the array lldpEntries returned, so a fault edits that array in place.
 * Side tables keyed by device: they go with the simulator's devices.
 */
const tables = new WeakMap<Device, { entries: Entry[]; deviceOf: DeviceOf }>();
const bridged = new WeakMap<Device, readonly BridgedNeighbour[]>();

function portRows(ifIndex: number, name: Buffer): Entry[] {
  return [
    entry([...LOC_PORT_ENTRY, 2, ifIndex], (w) => w.int(SUBTYPE_INTERFACE_NAME)),
    entry([...LOC_PORT_ENTRY, 3, ifIndex], (w) => w.octets(name)),
    entry([...LOC_PORT_ENTRY, 4, ifIndex], (w) => w.octets(name)),
  ];
}

/**
 * lldpRemManAddrTable: the neighbour's management address (its inventory address), which a discovery
 * follows. The address is part of the index (subtype, then length and octets); the columns hold how
 * the neighbour's agent names its interface.
 */
function managementAddressRows(ifIndex: number, peerAddress: Buffer): Entry[] {
  const row = (col: number) => [
    ...REM_MAN_ADDR_ENTRY,
    col,
    0,
    ifIndex,
    1,
    ADDRESS_FAMILY_IPV4,
    peerAddress.length,
    ...peerAddress,
  ];
  return [entry(row(3), (w) => w.int(IF_SUBTYPE_IF_INDEX)), entry(row(4), (w) => w.int(0))];
}

function neighbourRows(
  ifIndex: number,
  peerId: Buffer,
  peerPort: Buffer,
  peerDescr: Buffer,
  peerAddress: Buffer | null,
): Entry[] {
  const row = (col: number) => [...REM_ENTRY, col, 0, ifIndex, 1];
  return [
    ...(peerAddress ? managementAddressRows(ifIndex, peerAddress) : []),
    entry(row(4), (w) => w.int(SUBTYPE_LOCAL)),
    entry(row(5), (w) => w.octets(peerId)),
    entry(row(6), (w) => w.int(SUBTYPE_INTERFACE_NAME)),
    entry(row(7), (w) => w.octets(peerPort)),
    entry(row(8), (w) => w.octets(peerPort)),
    entry(row(9), (w) => w.octets(peerId)),
    entry(row(10), (w) => w.octets(peerDescr, Tag.OctetString)),
  ];
}

function buildEntries(dev: Device, deviceOf: DeviceOf): Entry[] {
  const out: Entry[] = [
    entry([...LOC, 1, 0], (w) => w.int(SUBTYPE_LOCAL)),
    entry([...LOC, 2, 0], (w, d) => w.octets(d.sysName)),
    entry([...LOC, 3, 0], (w, d) => w.octets(d.sysName)),
  ];
  for (const s of dev.ifs) {
    const peer = s.plan.peer;
    if (!peer) continue;
    const peerDevice = deviceOf(peer.node);
    const peerDescr = peerDevice?.sysDescr ?? Buffer.alloc(0);
    out.push(
      ...portRows(s.plan.ifIndex, s.name),
      ...neighbourRows(
        s.plan.ifIndex,
        Buffer.from(peer.node),
        Buffer.from(peer.ifName),
        peerDescr,
        peerDevice?.ipAddress ?? null,
      ),
    );
  }
  for (const extra of bridged.get(dev) ?? []) {
    const local = dev.ifs.find((s) => s.plan.ifIndex === extra.ifIndex);
    if (!local || local.plan.peer) continue;
    out.push(
      ...portRows(extra.ifIndex, local.name),
      ...neighbourRows(
        extra.ifIndex,
        extra.peer.sysName,
        Buffer.from(extra.peerIfName),
        extra.peer.sysDescr,
        extra.peer.ipAddress,
      ),
    );
  }
  return out;
}

export function lldpEntries(dev: Device, deviceOf: DeviceOf): Entry[] {
  const entries = buildEntries(dev, deviceOf);
  tables.set(dev, { entries, deviceOf });
  return entries;
}

/** Show these neighbours on ports without an inventory link (none: back to the inventory's view). */
export function setBridgedNeighbours(dev: Device, neighbours: readonly BridgedNeighbour[]): void {
  if (neighbours.length > 0) bridged.set(dev, neighbours);
  else bridged.delete(dev);
  const table = tables.get(dev);
  if (table) table.entries.splice(0, table.entries.length, ...sortEntries(buildEntries(dev, table.deviceOf)));
}

/**
 * LLDP-MIB: the neighbours each device sees, compared with the inventory's links so the operator
 * learns about links the inventory lacks and inventory links that are not there.
 */
import type { NodeId } from '../../domain';
import type { Topology } from '../../inventory';
import { toText, type SnmpResult, type SnmpSession } from '../snmp/session';

const LLDP_LOC_PORT_ID = '1.0.8802.1.1.2.1.3.7.1.3';
const LLDP_REM_ENTRY = '1.0.8802.1.1.2.1.4.1.1';
const LLDP_REM_CHASSIS_ID = `${LLDP_REM_ENTRY}.5`;
const LLDP_REM_PORT_ID = `${LLDP_REM_ENTRY}.7`;
const LLDP_REM_SYS_NAME = `${LLDP_REM_ENTRY}.9`;
/** lldpRemManAddrIfSubtype: every row, its index holding the address (…RemIndex.subtype.length.octets). */
const LLDP_REM_MAN_ADDR_IF_SUBTYPE = '1.0.8802.1.1.2.1.4.2.1.3';
const IPV4_SUBTYPE = '1';

export interface LldpNeighbour {
  localIfName: string;
  remoteSysName: string;
  remotePort: string;
  /** lldpRemChassisId as text (a MAC as aa:bb:…); absent when not advertised. */
  remoteChassisId?: string;
  /** The first IPv4 management address the neighbour advertised (lldpRemManAddrTable). */
  remoteAddress?: string;
}

/** The IPv4 management address of each remote row (TimeMark.LocalPortNum.RemIndex → a.b.c.d). */
export function managementAddresses(suffixes: Iterable<string>): Map<string, string> {
  const byRow = new Map<string, string>();
  for (const suffix of suffixes) {
    const parts = suffix.split('.');
    if (parts.length !== 9 || parts[3] !== IPV4_SUBTYPE || parts[4] !== '4') continue;
    const row = parts.slice(0, 3).join('.');
    const octets = parts.slice(5);
    if (!byRow.has(row) && octets.every((o) => /^\d{1,3}$/.test(o) && Number(o) <= 255))
      byRow.set(row, octets.join('.'));
  }
  return byRow;
}

export interface LldpReading {
  /** False when the agent has no LLDP-MIB (or LLDP is off): nothing to compare, no drift to report. */
  available: boolean;
  neighbours: LldpNeighbour[];
  values: number;
  requests: number;
}

/** Walk lldpRemTable (index TimeMark.LocalPortNum.RemIndex) and name the local ports. */
export async function pollLldp(
  session: SnmpSession,
  maxRepetitions: number,
  ifNames: ReadonlyMap<number, string>,
): Promise<SnmpResult<LldpReading>> {
  const walked = await session.walkColumns(
    [
      LLDP_LOC_PORT_ID,
      LLDP_REM_PORT_ID,
      LLDP_REM_SYS_NAME,
      LLDP_REM_CHASSIS_ID,
      LLDP_REM_MAN_ADDR_IF_SUBTYPE,
    ],
    maxRepetitions,
  );
  if (!walked.ok) return walked;
  const [locPorts, remPorts, remNames, remChassis, remManAddrs] = walked.value.columns;
  const addresses = managementAddresses(remManAddrs?.keys() ?? []);
  const neighbours: LldpNeighbour[] = [];
  for (const [suffix, nameVb] of remNames ?? []) {
    const parts = suffix.split('.');
    const localPort = parts.length >= 3 ? Number(parts[parts.length - 2]) : NaN;
    const localIfName =
      toText(locPorts?.get(String(localPort))) ??
      ifNames.get(localPort) ??
      (Number.isFinite(localPort) ? `port${localPort}` : suffix);
    const chassisId = toText(remChassis?.get(suffix));
    const address = addresses.get(suffix);
    neighbours.push({
      localIfName,
      remoteSysName: toText(nameVb) ?? '',
      remotePort: toText(remPorts?.get(suffix)) ?? '',
      ...(chassisId ? { remoteChassisId: chassisId } : {}),
      ...(address ? { remoteAddress: address } : {}),
    });
  }
  let values = 0;
  for (const c of walked.value.columns) values += c.size;
  const available = (locPorts?.size ?? 0) > 0 || neighbours.length > 0;
  return { ok: true, value: { available, neighbours, values, requests: walked.value.requests } };
}

export interface LldpDrift {
  unknownNeighbours: LldpNeighbour[];
  /** Inventory link ids at this node that LLDP does not show. */
  missingLinks: string[];
}

/** Does an LLDP system name designate this inventory node? (sysName is usually the id or a DNS name.) */
function namesNode(topology: Topology, sysName: string, id: NodeId): boolean {
  if (sysName === id) return true;
  const node = topology.find(id);
  if (!node) return false;
  const short = sysName.split('.')[0] ?? sysName;
  return node.name === sysName || short === id || node.dnsNames.includes(sysName);
}

/** Compare what a node's LLDP sees with the inventory's links at that node. Pure. */
export function compareLldp(
  topology: Topology,
  nodeId: NodeId,
  neighbours: readonly LldpNeighbour[],
): LldpDrift {
  const links = topology.linksOf(nodeId);
  const matched = new Set<string>();
  const unknownNeighbours: LldpNeighbour[] = [];
  for (const seen of neighbours) {
    const link = links.find((candidate) => {
      const [local, remote] =
        candidate.a.node === nodeId ? [candidate.a, candidate.b] : [candidate.b, candidate.a];
      return (
        local.interface === seen.localIfName &&
        namesNode(topology, seen.remoteSysName, remote.node) &&
        (seen.remotePort === '' || seen.remotePort === remote.interface)
      );
    });
    if (link) matched.add(link.id);
    else
      unknownNeighbours.push({
        localIfName: seen.localIfName,
        remoteSysName: seen.remoteSysName,
        remotePort: seen.remotePort,
      });
  }
  return { unknownNeighbours, missingLinks: links.filter((l) => !matched.has(l.id)).map((l) => l.id) };
}

/** A stable key for a drift, to report only changes. */
export function driftKey(drift: LldpDrift): string {
  const unknown = drift.unknownNeighbours
    .map((n) => `${n.localIfName}>${n.remoteSysName}:${n.remotePort}`)
    .sort();
  return JSON.stringify([unknown, [...drift.missingLinks].sort()]);
}

/**
 * Neighbours that are no inventory node at all (neither named by their sysName nor at a node's
 * address): devices to add, not links to fix.
 */
export function unmanagedNeighbours(
  topology: Topology,
  neighbours: readonly LldpNeighbour[],
): LldpNeighbour[] {
  const addresses = new Set(topology.inventory.nodes.map((n) => n.address));
  return neighbours.filter(
    (n) =>
      (n.remoteSysName !== '' || n.remoteAddress !== undefined || n.remoteChassisId !== undefined) &&
      (n.remoteSysName === '' || topology.findBySystemName(n.remoteSysName) === undefined) &&
      (n.remoteAddress === undefined || !addresses.has(n.remoteAddress)),
  );
}

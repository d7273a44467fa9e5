/**
 * The zone boundary (三网隔离): which zones must never touch directly, and whether an edge between
 * two nodes (a parent uplink, a cabled link, a neighbour LLDP sees) crosses that boundary.
 * Pure; used by the inventory check, the alert engine (LLDP) and the simulator. See docs/zones.md.
 */
import type { InventoryNode, Zone } from '../domain';

/**
 * 政务内网 is physically separate from 政务外网 and from the public network. 政务外网 and the public
 * network meet at firewalls (logical isolation), so that pair is not refused here. A video node is
 * not a zone of its own: it rides on the network it hangs off (see carrierZone).
 */
const ISOLATED_PAIRS: ReadonlyArray<readonly [Zone, Zone]> = [
  ['internal', 'external'],
  ['internal', 'public'],
];

export function zonesIsolated(a: Zone, b: Zone): boolean {
  return ISOLATED_PAIRS.some(([x, y]) => (a === x && b === y) || (a === y && b === x));
}

type NodeLookup = (id: string) => InventoryNode | undefined;

/**
 * The network a node's traffic rides on: its zone, or for a video node the zone of its nearest
 * non-video ancestor. null for a video node with no such ancestor (nothing to compare).
 */
export function carrierZone(node: InventoryNode, nodeOf: NodeLookup): Zone | null {
  const seen = new Set<string>();
  for (let current: InventoryNode | undefined = node; current; current = nodeOf(current.parent ?? '')) {
    if (current.zone !== 'video') return current.zone;
    if (seen.has(current.id)) return null;
    seen.add(current.id);
    if (current.parent === null) return null;
  }
  return null;
}

/** The zones a node may touch: a gatekeeper its declared bridges, any other node its own. */
export function bridgedZones(node: InventoryNode): readonly Zone[] {
  return node.role === 'gatekeeper' && node.bridges ? node.bridges : [node.zone];
}

function describeNode(node: InventoryNode, carrier: Zone | null): string {
  if (node.zone === 'video' && carrier !== null) return `"${node.id}" (video, on the ${carrier} network)`;
  return `"${node.id}" (${node.zone})`;
}

/**
 * Why an edge between a and b breaks the isolation, or null when it does not: a gatekeeper end
 * accepts only the zones it bridges; two other ends must not be in an isolated pair of zones.
 */
export function isolationProblem(a: InventoryNode, b: InventoryNode, nodeOf: NodeLookup): string | null {
  const zoneA = carrierZone(a, nodeOf);
  const zoneB = carrierZone(b, nodeOf);
  if (zoneA === null || zoneB === null) return null;
  for (const [gate, other, otherZone] of [
    [a, b, zoneB],
    [b, a, zoneA],
  ] as const) {
    if (gate.role !== 'gatekeeper') continue;
    const bridges = bridgedZones(gate);
    if (!bridges.includes(otherZone))
      return `${describeNode(other, otherZone)} is attached to gatekeeper "${gate.id}", which bridges only ${bridges.join(' and ')}`;
  }
  if (a.role === 'gatekeeper' || b.role === 'gatekeeper') return null;
  if (!zonesIsolated(zoneA, zoneB)) return null;
  return `${describeNode(a, zoneA)} and ${describeNode(b, zoneB)} cross the ${zoneA}/${zoneB} isolation boundary (三网隔离); connect them through a gatekeeper (网闸, role: gatekeeper, bridges: [${zoneA}, ${zoneB}])`;
}

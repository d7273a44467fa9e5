/**
 * The proposed inventory: every found device as a node (id from sysName, vendor/model/role from what
 * it reports, parent from the tree), every LLDP adjacency as a link. What SNMP cannot tell — display
 * name, tier, zone, a link's medium and leased capacity, video links, the PKI plan — is taken from the
 * existing inventory when the device is already in it, and otherwise guessed and marked "guessed".
 */
import { defaultInterfaces } from '../../inventory';
import {
  asNodeId,
  type DeviceRole,
  type Inventory,
  type InventoryNode,
  type Link,
  type Medium,
  type Tier,
  type Zone,
} from '../../domain';
import { modelOf, roleOf, vendorOf } from './classify';
import type { FoundDevice } from './identify';
import type { Tree } from './tree';

export interface ProposedNode {
  id: string;
  name: string;
  tier: Tier;
  zone: Zone;
  role: DeviceRole;
  vendor: string;
  model: string;
  address: string;
  credentials: string;
  parent: string | null;
  location?: string;
  ports?: number;
  interfaces?: Array<{ name: string; speedMbps: number }>;
  dnsNames?: string[];
  bridges?: readonly Zone[];
  /** Fields discovery reported (the diff compares only these): vendor and model may be unknown to SNMP. */
  discovered: { vendor: boolean; model: boolean };
  guessed: string[];
}

export interface ProposedLink {
  id?: string;
  a: string;
  b: string;
  capacityMbps: number;
  medium: Medium;
  slaPct?: number;
  guessed: string[];
}

export interface Proposal {
  network: Inventory['network'];
  credentialsFile: string;
  polling: Inventory['polling'];
  nodes: ProposedNode[];
  links: ProposedLink[];
  videoLinks: Inventory['videoLinks'];
  pki: Inventory['pki'];
}

export interface ProposalOptions {
  devices: ReadonlyMap<string, FoundDevice>;
  tree: Tree;
  existing: Inventory | null;
  /** The credentials file as the proposal should reference it (relative to where it is written). */
  credentialsFile: string;
}

const TIER_BELOW: Record<Tier, Tier> = {
  province: 'city',
  city: 'county',
  county: 'township',
  district: 'township',
  township: 'township',
  department: 'department',
};
const DEFAULT_SPEED_MBPS = 1000;

/** A node id from a sysName: its host label, lower-case ASCII letters, digits and dashes. */
export function idFromSysName(sysName: string, address: string): string {
  const label = /^\d+(\.\d+){3}$/.test(sysName) ? '' : (sysName.split('.')[0] ?? '');
  const id = label
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/-+/g, '-')
    .replace(/^-|-$/g, '');
  return id || `node-${address.replace(/\./g, '-')}`;
}

export function buildProposal(options: ProposalOptions): Proposal {
  const { devices, tree, existing } = options;
  const byId = new Map(existing?.nodes.map((n) => [n.id, n]) ?? []);
  const byAddress = new Map(existing?.nodes.map((n) => [n.address, n]) ?? []);
  const idOf = new Map<string, string>();
  const known = new Map<string, InventoryNode>();
  const taken = new Set<string>();
  for (const address of tree.order) {
    const device = devices.get(address);
    if (!device) continue;
    const fromName = idFromSysName(device.sysName, address);
    const match = byAddress.get(address) ?? byId.get(asNodeId(fromName));
    let id = match?.id ?? fromName;
    for (let n = 2; taken.has(id); n++) id = `${match?.id ?? fromName}-${n}`;
    taken.add(id);
    idOf.set(address, id);
    if (match) known.set(address, match);
  }

  const nodes: ProposedNode[] = [];
  const placed = new Map<string, ProposedNode>();
  for (const address of tree.order) {
    const device = devices.get(address);
    if (!device) continue;
    const parentAddress = tree.parentOf.get(address) ?? null;
    const parent = parentAddress ? (placed.get(parentAddress) ?? null) : null;
    const node = proposeNode(
      device,
      idOf.get(address) as string,
      known.get(address) ?? null,
      parent,
      existing,
    );
    nodes.push(node);
    placed.set(address, node);
  }

  const existingLinks = new Map((existing?.links ?? []).map((l) => [linkKey(l.a, l.b), l]));
  const links: ProposedLink[] = [];
  for (const link of tree.links) {
    const a = { node: idOf.get(link.a.address) ?? '', interface: link.a.port };
    const b = { node: idOf.get(link.b.address) ?? '', interface: link.b.port };
    if (!a.node || !b.node) continue;
    // written parent first, as inventories are
    const [first, second] = placed.get(link.b.address)?.parent === a.node ? [a, b] : [b, a];
    links.push(proposeLink(first, second, existingLinks.get(linkKey(first, second)), devices, link));
  }

  const ids = new Set(nodes.map((n) => n.id));
  return {
    network: existing?.network ?? { id: 'discovered', name: 'discovered network', domain: 'example.invalid' },
    credentialsFile: options.credentialsFile,
    polling: existing?.polling ?? { defaultIntervalS: 60, byTier: {}, byRole: {} },
    nodes,
    links,
    videoLinks: (existing?.videoLinks ?? []).filter((v) => ids.has(v.a) && ids.has(v.b)),
    pki: existing?.pki ?? null,
  };
}

function proposeNode(
  device: FoundDevice,
  id: string,
  known: InventoryNode | null,
  parent: ProposedNode | null,
  existing: Inventory | null,
): ProposedNode {
  const role = roleOf(device);
  const vendor = vendorOf(device);
  const model = modelOf(device);
  const guessed: string[] = [];
  const node: ProposedNode = {
    id,
    name: known?.name ?? (device.sysName || id),
    tier: known?.tier ?? guessTier(device, role, parent, guessed),
    zone: known?.zone ?? guessZone(role, parent, guessed),
    role,
    vendor: vendor ?? known?.vendor ?? 'unknown',
    model: model ?? known?.model ?? 'unknown',
    address: device.address,
    credentials: device.credentials,
    parent: parent?.id ?? null,
    discovered: { vendor: vendor !== null, model: model !== null },
    guessed,
  };
  if (!known) guessed.push('name');
  const location = device.sysLocation || known?.location;
  if (location) node.location = location;
  Object.assign(node, interfacesOf(known, device, node));
  if (known && existing && known.dnsNames.join() !== `${known.id}.${existing.network.domain}`)
    node.dnsNames = known.dnsNames;
  if (known?.bridges) node.bridges = known.bridges;
  return node;
}

function guessTier(
  device: FoundDevice,
  role: DeviceRole,
  parent: ProposedNode | null,
  guessed: string[],
): Tier {
  guessed.push('tier');
  if (!parent) return 'city';
  // a router somewhere else is the next tier's gateway; anything beside its parent shares its tier
  const elsewhere = device.sysLocation !== '' && device.sysLocation !== parent.location;
  return role === 'router' && elsewhere ? TIER_BELOW[parent.tier] : parent.tier;
}

function guessZone(role: DeviceRole, parent: ProposedNode | null, guessed: string[]): Zone {
  guessed.push('zone');
  if (role === 'mcu' || role === 'codec') return 'video';
  if (!parent) return 'internal';
  return parent.zone === 'video' ? 'internal' : parent.zone;
}

/** `ports: n` when the ports are what the inventory would make up for the role, else the list. */
function interfacesOf(known: InventoryNode | null, device: FoundDevice, node: ProposedNode) {
  const list = known
    ? known.interfaces.map((i) => ({ name: i.name, speedMbps: i.speedMbps }))
    : [...device.ports].map(([name, speed]) => ({ name, speedMbps: speed > 0 ? speed : DEFAULT_SPEED_MBPS }));
  if (list.length === 0) return {};
  const defaults = defaultInterfaces(node.vendor, node.role, list.length);
  const same =
    defaults.length === list.length &&
    defaults.every((d, i) => d.name === list[i]?.name && d.speedMbps === list[i]?.speedMbps);
  return same ? { ports: list.length } : { interfaces: list };
}

export function linkKey(
  a: { node: string; interface: string },
  b: { node: string; interface: string },
): string {
  return [`${a.node}:${a.interface}`, `${b.node}:${b.interface}`].sort().join(' — ');
}

function proposeLink(
  a: { node: string; interface: string },
  b: { node: string; interface: string },
  known: Link | undefined,
  devices: ReadonlyMap<string, FoundDevice>,
  seen: Tree['links'][number],
): ProposedLink {
  const ends = { a: `${a.node}:${a.interface}`, b: `${b.node}:${b.interface}` };
  if (known)
    return {
      ...(known.id === `${known.a.node}:${known.a.interface}--${known.b.node}:${known.b.interface}`
        ? {}
        : { id: known.id }),
      ...ends,
      capacityMbps: known.capacityMbps,
      medium: known.medium,
      ...(known.slaPct === undefined ? {} : { slaPct: known.slaPct }),
      guessed: [],
    };
  const speeds = [
    devices.get(seen.a.address)?.ports.get(seen.a.port),
    devices.get(seen.b.address)?.ports.get(seen.b.port),
  ].filter((s): s is number => s !== undefined && s > 0);
  return {
    ...ends,
    capacityMbps: speeds.length > 0 ? Math.min(...speeds) : DEFAULT_SPEED_MBPS,
    medium: 'fiber',
    guessed: ['medium', 'capacityMbps'],
  };
}

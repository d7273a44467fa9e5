/**
 * The inventory entry a device seen but not listed would get: discovery's own proposal (parent from
 * the node whose LLDP saw it, tier and zone guessed from that parent), rendered as discovery renders
 * it, one node line and, for LLDP, the link. What only a walk of the device could tell (vendor,
 * model, role, its credentials) is marked guessed or "not reported by the device".
 */
import type { Inventory, InventoryNode } from '../../domain';
import type { FoundDevice } from '../discovery/identify';
import { buildProposal } from '../discovery/proposal';
import { linkLine, nodeLine } from '../discovery/render';
import type { Tree } from '../discovery/tree';
import type { Sighting } from './sightings';

/** Stands for the address of an LLDP neighbour that advertised none, until rendered as "". */
const NO_ADDRESS = 'address-not-advertised';

function foundDevice(address: string, sysName: string, credentials: string, ports: Map<string, number>) {
  const device: FoundDevice = {
    address,
    credentials,
    sysName,
    sysDescr: '',
    sysObjectId: '',
    sysLocation: '',
    sysServices: null,
    profileId: 'unknown',
    profileVendor: 'unknown',
    model: null,
    ports,
    neighbours: [],
  };
  return device;
}

function knownDevice(node: InventoryNode): FoundDevice {
  const ports = new Map(node.interfaces.map((i) => [i.name, i.speedMbps]));
  return foundDevice(node.address, node.id, node.credentials, ports);
}

/** The YAML lines (`nodes:` and, for LLDP, `links:`) an operator can paste into the inventory. */
export function proposeEntry(inventory: Inventory, sighting: Sighting): string {
  const parent = sighting.seenBy
    ? inventory.nodes.find((node) => node.id === sighting.seenBy?.node)
    : undefined;
  const credentials = parent?.credentials ?? [...inventory.credentials.keys()][0] ?? 'default';
  const address = sighting.address ?? NO_ADDRESS;
  const ports = new Map<string, number>();
  if (sighting.seenBy?.remotePort) ports.set(sighting.seenBy.remotePort, 0);
  const devices = new Map([[address, foundDevice(address, sighting.name ?? '', credentials, ports)]]);
  const tree: Tree = { parentOf: new Map([[address, null]]), order: [address], links: [], extraRoots: [] };
  if (parent && sighting.seenBy) {
    devices.set(parent.address, knownDevice(parent));
    tree.parentOf.set(parent.address, null);
    tree.parentOf.set(address, parent.address);
    tree.order.unshift(parent.address);
    tree.links.push({
      a: { address: parent.address, port: sighting.seenBy.ifName },
      b: { address, port: sighting.seenBy.remotePort },
    });
  }
  const proposal = buildProposal({ devices, tree, existing: inventory, credentialsFile: '' });
  const node = proposal.nodes.find((n) => n.address === address);
  if (!node) return '';
  // Nothing was read from the device itself: its role and credentials are guesses too.
  node.guessed.push('role', 'credentials');
  if (address === NO_ADDRESS) {
    node.address = '';
    node.guessed.push('address');
  }
  const lines = ['nodes:', nodeLine(node)];
  if (proposal.links.length > 0) lines.push('links:', ...proposal.links.map(linkLine));
  return `${lines.join('\n')}\n`;
}

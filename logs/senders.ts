/**
 * Which inventory node sent a line. The network decides, as for traps: the packet's source address
 * matched to a node's management address, or — for the simulator's agents, which share 127.0.0.1 and
 * send from their own UDP port — address:port matched to the manifest. A configured relay (rsyslog forwarding for a site) is
 * the one sender whose lines speak for others: for those, the HOSTNAME field names the node (by id,
 * name or management address). Anything else is an unknown sender — kept with node null.
 */
import type { AgentEndpoint, Inventory, InventoryNode, NodeId, Zone } from '../domain';

export interface SenderMatch {
  node: NodeId | null;
  zone: Zone | null;
}

const UNKNOWN: SenderMatch = { node: null, zone: null };

/** `::ffff:10.1.1.1` (an IPv4 peer of a dual-stack socket) → `10.1.1.1`. */
export function plainAddress(address: string): string {
  return address.startsWith('::ffff:') ? address.slice(7) : address;
}

export class LogSenders {
  private readonly byAddress = new Map<string, InventoryNode | null>();
  private readonly byAddressPort = new Map<string, InventoryNode>();
  private readonly byHostname = new Map<string, InventoryNode | null>();
  private readonly relays: ReadonlySet<string>;

  constructor(
    inventory: Pick<Inventory, 'nodes'>,
    relays: readonly string[] = [],
    manifest: readonly AgentEndpoint[] = [],
  ) {
    this.relays = new Set(relays.map(plainAddress));
    const add = (map: Map<string, InventoryNode | null>, key: string, node: InventoryNode) => {
      const seen = map.get(key);
      map.set(key, seen === undefined || seen === node ? node : null); // shared: identifies none
    };
    for (const node of inventory.nodes) {
      add(this.byAddress, node.address, node);
      for (const key of [node.id, node.name, node.address]) add(this.byHostname, key.toLowerCase(), node);
    }
    const byId = new Map(inventory.nodes.map((n) => [n.id as string, n]));
    for (const agent of manifest) {
      const node = byId.get(agent.id);
      if (node) this.byAddressPort.set(`${agent.host}:${agent.port}`, node);
    }
  }

  isRelay(address: string): boolean {
    return this.relays.has(plainAddress(address));
  }

  /** `port`: the sender's source port (UDP), which tells the simulator's agents apart. */
  resolve(address: string, hostname: string | null, port?: number): SenderMatch {
    const from = plainAddress(address);
    const node = this.relays.has(from)
      ? hostname === null
        ? null
        : this.byHostname.get(hostname.toLowerCase())
      : (this.byAddressPort.get(`${from}:${port}`) ?? this.byAddress.get(from));
    return node ? { node: node.id, zone: node.zone } : UNKNOWN;
  }
}

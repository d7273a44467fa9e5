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

/** Relayed HOSTNAME fields remembered as received (lower-casing a Chinese name per line costs). */
const HOSTNAMES_KEPT = 1024;
/** Longer fields are no DNS name (253 at most): looked up, not remembered. */
const HOSTNAME_KEPT_LENGTH = 255;

/** A string of its own: a field cut from a line may share the line's memory, which a cache must not keep. */
const ownCopy = (text: string): string => Buffer.from(text, 'utf16le').toString('utf16le');

/** `::ffff:10.1.1.1` (an IPv4 peer of a dual-stack socket) → `10.1.1.1`. */
export function plainAddress(address: string): string {
  return address.startsWith('::ffff:') ? address.slice(7) : address;
}

export class LogSenders {
  private readonly byAddress = new Map<string, InventoryNode | null>();
  private readonly byAddressPort = new Map<string, InventoryNode>();
  private readonly byHostname = new Map<string, InventoryNode | null>();
  private readonly relays: ReadonlySet<string>;
  /** Each node's match, made once: resolving a line allocates nothing. */
  private readonly matches = new Map<InventoryNode, SenderMatch>();
  /** HOSTNAME as a relay sent it → its node (null: none), for the names seen last. */
  private readonly byRelayedHostname = new Map<string, InventoryNode | null>();

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
      this.matches.set(node, { node: node.id, zone: node.zone });
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
    const node = this.relays.has(from) ? this.relayedNode(hostname) : this.sendingNode(from, port);
    return node ? (this.matches.get(node) as SenderMatch) : UNKNOWN;
  }

  private sendingNode(from: string, port: number | undefined): InventoryNode | null | undefined {
    const byPort = this.byAddressPort.size > 0 ? this.byAddressPort.get(`${from}:${port}`) : undefined;
    return byPort ?? this.byAddress.get(from);
  }

  private relayedNode(hostname: string | null): InventoryNode | null | undefined {
    if (hostname === null) return null;
    const seen = this.byRelayedHostname.get(hostname);
    if (seen !== undefined) return seen;
    const node = this.byHostname.get(hostname.toLowerCase()) ?? null;
    if (hostname.length > HOSTNAME_KEPT_LENGTH) return node;
    if (this.byRelayedHostname.size >= HOSTNAMES_KEPT) this.byRelayedHostname.clear();
    this.byRelayedHostname.set(ownCopy(hostname), node);
    return node;
  }
}

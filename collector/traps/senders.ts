/**
 * Who sent a trap, from what the network says and nothing the trap says about itself: the UDP
 * source address and port matched to the simulator manifest's agent address:port (simulated agents
 * send their traps from their own port), or the source address matched to one inventory node's
 * management address; for SNMPv3, the authenticated USM user when exactly one node uses it.
 * Varbinds (sysName.0, snmpTrapAddress.0) and the v1 agent-addr field are never trusted.
 */
import type { AgentEndpoint, Inventory, NodeId, SnmpCredentials } from '../../domain';
import { digestCommunity, type CommunityDigest } from './community';

type V3Credentials = Extract<SnmpCredentials, { version: '3' }>;

/** What a node may sign or label its traps with. */
export interface NodeTrapCredentials {
  communities: CommunityDigest[];
  users: Set<string>;
}

export class SenderDirectory {
  private readonly byAddressPort = new Map<string, NodeId>();
  /** null: an address several nodes share (all simulated agents live on 127.0.0.1) identifies none. */
  private readonly byAddress = new Map<string, NodeId | null>();
  private readonly byUser = new Map<string, NodeId | null>();
  private readonly credentials = new Map<NodeId, NodeTrapCredentials>();
  /** Every v3 user the receiver must know to check signatures, by user name. */
  readonly v3Users = new Map<string, V3Credentials>();
  /** Every accepted community in plain text: the decoder needs them after the gate has checked. */
  readonly communities = new Set<string>();

  constructor(
    inventory: Inventory,
    manifest: readonly AgentEndpoint[] = [],
    globalCommunities: readonly string[] = [],
  ) {
    const known = new Set<string>(inventory.nodes.map((n) => n.id));
    const entries = manifest.filter((m) => known.has(m.id));
    const addAddress = (address: string, id: NodeId) => {
      const seen = this.byAddress.get(address);
      this.byAddress.set(address, seen === undefined || seen === id ? id : null);
    };
    for (const entry of entries) {
      const id = entry.id as NodeId;
      this.byAddressPort.set(`${entry.host}:${entry.port}`, id);
      addAddress(entry.host, id);
      if (entry.community !== undefined) this.allow(id, { community: entry.community });
      if (entry.v3) this.allow(id, { v3: { name: `manifest:${id}`, version: '3', ...entry.v3 } });
    }
    for (const node of inventory.nodes) {
      addAddress(node.address, node.id);
      const c = inventory.credentials.get(node.credentials);
      if (c?.version === '3') this.allow(node.id, { v3: c });
      else if (c) this.allow(node.id, { community: c.community });
      for (const community of globalCommunities) this.allow(node.id, { community });
    }
  }

  private allow(id: NodeId, what: { community: string } | { v3: V3Credentials }): void {
    let entry = this.credentials.get(id);
    if (!entry) this.credentials.set(id, (entry = { communities: [], users: new Set() }));
    if ('community' in what) {
      entry.communities.push(digestCommunity(what.community));
      this.communities.add(what.community);
      return;
    }
    const user = what.v3.user;
    entry.users.add(user);
    this.v3Users.set(user, what.v3);
    const seen = this.byUser.get(user);
    this.byUser.set(user, seen === undefined || seen === id ? id : null);
  }

  /** The node behind a UDP source, or null when the source matches none (or several). */
  fromNetwork(address: string, port: number): NodeId | null {
    return this.byAddressPort.get(`${address}:${port}`) ?? this.byAddress.get(address) ?? null;
  }

  /** The only node using this (already authenticated) v3 user, or null. */
  fromUser(user: string): NodeId | null {
    return this.byUser.get(user) ?? null;
  }

  credentialsOf(id: NodeId): NodeTrapCredentials {
    return this.credentials.get(id) ?? { communities: [], users: new Set() };
  }
}

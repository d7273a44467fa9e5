import type { Inventory, InventoryNode, Link, NodeId, VideoLink, Zone } from '../domain';
import { isolationProblem } from './zones';

/**
 * The network as a tree of nodes (each with one uplink parent) plus the links between interfaces.
 * Built once from the inventory; every part asks it the same questions.
 */
export class Topology {
  private readonly byId = new Map<NodeId, InventoryNode>();
  private readonly childrenOf = new Map<NodeId, NodeId[]>();
  private readonly linksByNode = new Map<NodeId, Link[]>();
  private bySystemName: Map<string, InventoryNode> | null = null;
  readonly roots: NodeId[] = [];

  constructor(readonly inventory: Inventory) {
    for (const node of inventory.nodes) {
      this.byId.set(node.id, node);
      this.childrenOf.set(node.id, []);
      this.linksByNode.set(node.id, []);
    }
    for (const node of inventory.nodes) {
      if (node.parent === null) this.roots.push(node.id);
      else this.childrenOf.get(node.parent)?.push(node.id);
    }
    for (const link of inventory.links) {
      this.linksByNode.get(link.a.node)?.push(link);
      if (link.b.node !== link.a.node) this.linksByNode.get(link.b.node)?.push(link);
    }
  }

  get network() {
    return this.inventory.network;
  }
  get nodes(): readonly InventoryNode[] {
    return this.inventory.nodes;
  }
  get links(): readonly Link[] {
    return this.inventory.links;
  }
  get videoLinks(): readonly VideoLink[] {
    return this.inventory.videoLinks;
  }
  get size(): number {
    return this.byId.size;
  }

  has(id: string): id is NodeId {
    return this.byId.has(id as NodeId);
  }

  /** The node, or undefined for an id the inventory does not know. */
  find(id: string): InventoryNode | undefined {
    return this.byId.get(id as NodeId);
  }

  /** The node; throws for an unknown id, which is a bug in the caller (ids come from the inventory). */
  node(id: NodeId): InventoryNode {
    const node = this.byId.get(id);
    if (!node) throw new Error(`unknown node id "${id}"`);
    return node;
  }

  parentOf(id: NodeId): InventoryNode | null {
    const parent = this.node(id).parent;
    return parent === null ? null : this.node(parent);
  }

  children(id: NodeId): readonly NodeId[] {
    return this.childrenOf.get(id) ?? [];
  }

  /** Ancestors from the nearest (parent) up to the root. */
  ancestors(id: NodeId): NodeId[] {
    const out: NodeId[] = [];
    for (let current = this.node(id).parent; current !== null; current = this.node(current).parent)
      out.push(current);
    return out;
  }

  /** Every node below id (not id itself), breadth first. */
  descendants(id: NodeId): NodeId[] {
    const out: NodeId[] = [];
    const queue = [...this.children(id)];
    for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
      out.push(next);
      queue.push(...this.children(next));
    }
    return out;
  }

  /** True when id is root itself or lies below it. */
  isInSubtree(id: NodeId, root: NodeId): boolean {
    if (id === root) return true;
    for (
      let current = this.byId.get(id)?.parent ?? null;
      current !== null;
      current = this.byId.get(current)?.parent ?? null
    )
      if (current === root) return true;
    return false;
  }

  depth(id: NodeId): number {
    return this.ancestors(id).length;
  }

  /** Display path from the root down to the node, e.g. ["南阳市网管中心", "淅川县政府", "淅川县核心交换机"]. */
  pathNames(id: NodeId): string[] {
    return [...this.ancestors(id).reverse(), id].map((nodeId) => this.node(nodeId).name);
  }

  linksOf(id: NodeId): readonly Link[] {
    return this.linksByNode.get(id) ?? [];
  }

  /** The link between a node and its parent: the one whose failure cuts the node's subtree off. */
  uplinkOf(id: NodeId): Link | null {
    const parent = this.node(id).parent;
    if (parent === null) return null;
    return (
      this.linksOf(id).find(
        (link) =>
          (link.a.node === parent && link.b.node === id) || (link.b.node === parent && link.a.node === id),
      ) ?? null
    );
  }

  /** The link attached to a node's interface, if any. */
  linkAt(id: NodeId, ifName: string): Link | null {
    return (
      this.linksOf(id).find(
        (link) =>
          (link.a.node === id && link.a.interface === ifName) ||
          (link.b.node === id && link.b.interface === ifName),
      ) ?? null
    );
  }

  nodesInZone(zone: Zone): InventoryNode[] {
    return this.inventory.nodes.filter((node) => node.zone === zone);
  }

  /**
   * The node an LLDP/SNMP system name designates: its id, its id as the first label of a DNS name,
   * one of its DNS names, or its display name. undefined when none does.
   */
  findBySystemName(sysName: string): InventoryNode | undefined {
    if (this.bySystemName === null) {
      const index = new Map<string, InventoryNode>();
      for (const node of this.inventory.nodes)
        for (const name of [node.name, ...node.dnsNames, node.id]) index.set(name, node);
      this.bySystemName = index;
    }
    return this.bySystemName.get(sysName) ?? this.bySystemName.get(sysName.split('.')[0] ?? sysName);
  }

  /** Why a direct connection between two nodes would break the zone isolation, or null (see zones.ts). */
  isolationProblem(a: NodeId, b: NodeId): string | null {
    return isolationProblem(this.node(a), this.node(b), (id) => this.find(id));
  }

  videoLinksOf(id: NodeId): VideoLink[] {
    return this.inventory.videoLinks.filter((link) => link.a === id || link.b === id);
  }
}

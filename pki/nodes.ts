/**
 * What the PKI needs to know about the network: a node's names and management address, and its
 * ancestors (to find the branch CA whose subtree holds it). Built from the inventory's Topology.
 */

export interface PkiNode {
  id: string;
  name: string;
  /** Management IPv4 address. */
  address: string;
  dnsNames: string[];
}

export interface NodeDirectory {
  node(id: string): PkiNode | undefined;
  /** Ids of the node's ancestors, nearest first. */
  ancestorIds(id: string): string[];
}

/** A directory over plain node records with `parent` links (tests, small tools). */
export function directoryFromNodes(nodes: (PkiNode & { parent: string | null })[]): NodeDirectory {
  const byId = new Map(nodes.map((node) => [node.id, node]));
  return {
    node: (id) => byId.get(id),
    ancestorIds(id) {
      const ids: string[] = [];
      const seen = new Set<string>([id]);
      let parent = byId.get(id)?.parent ?? null;
      while (parent !== null && !seen.has(parent)) {
        ids.push(parent);
        seen.add(parent);
        parent = byId.get(parent)?.parent ?? null;
      }
      return ids;
    },
  };
}

/** The subset of the inventory's Topology the PKI reads. */
export interface TopologyLike {
  find(id: string): { id: string; name: string; address: string; dnsNames: string[] } | undefined;
  ancestors(id: never): string[];
}

/** A directory over the inventory's Topology (the normal case). */
export function directoryFromTopology(topology: TopologyLike): NodeDirectory {
  return {
    node(id) {
      const node = topology.find(id);
      return node
        ? { id: node.id, name: node.name, address: node.address, dnsNames: node.dnsNames }
        : undefined;
    },
    ancestorIds: (id) => (topology.find(id) ? topology.ancestors(id as never) : []),
  };
}

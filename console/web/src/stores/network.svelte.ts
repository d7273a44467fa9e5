import {
  pathNamesOf,
  type LinkLiveState,
  type LinkView,
  type LiveStateResponse,
  type NodeLiveState,
  type TopologyNodeView,
  type TopologyResponse,
} from '../../../shared';
import { api } from '../lib/api';
import { networkTime } from '../lib/network-time.svelte';

/** The caller's subtree of the network (static, from GET /api/topology) and its live state (from the stream). */
class Network {
  topology = $state.raw<TopologyResponse | null>(null);
  loadError = $state<string | null>(null);
  /** Bumped on every live-state change; views that draw from the maps below depend on it. */
  version = $state(0);
  nodeById = new Map<string, TopologyNodeView>();
  childrenOf = new Map<string, TopologyNodeView[]>();
  /** Link between a node and its parent, keyed by the child's id. */
  uplinkOf = new Map<string, LinkView>();
  nodeState = new Map<string, NodeLiveState>();
  linkState = new Map<string, LinkLiveState>();
  lastUpdateMs = $state<number | null>(null);
  staleCount = $state(0);

  async load(): Promise<void> {
    try {
      const topology = await api.get<TopologyResponse>('/api/topology');
      this.index(topology);
      networkTime.utcOffsetMin = topology.utcOffsetMin;
      this.topology = topology;
      this.loadError = null;
    } catch (error) {
      this.loadError = error instanceof Error ? error.message : String(error);
      throw error;
    }
  }

  /** Fallback when the stream is down: poll the REST state so the map is not frozen silently. */
  async refreshState(): Promise<void> {
    const state = await api.get<LiveStateResponse>('/api/state');
    this.replaceState(state.nodes, state.links);
  }

  private index(topology: TopologyResponse): void {
    this.nodeById = new Map(topology.nodes.map((n) => [n.id, n]));
    this.childrenOf = new Map();
    for (const node of topology.nodes) {
      if (node.parent === null) continue;
      const siblings = this.childrenOf.get(node.parent);
      if (siblings === undefined) this.childrenOf.set(node.parent, [node]);
      else siblings.push(node);
    }
    this.uplinkOf = new Map();
    for (const link of topology.links) {
      const a = this.nodeById.get(link.a.node);
      const b = this.nodeById.get(link.b.node);
      if (b !== undefined && b.parent === link.a.node) this.uplinkOf.set(b.id, link);
      else if (a !== undefined && a.parent === link.b.node) this.uplinkOf.set(a.id, link);
    }
  }

  /** Display path from the top of the visible tree down to the node. */
  pathOf(id: string): string[] {
    return pathNamesOf(id, this.nodeById);
  }

  replaceState(nodes: NodeLiveState[], links: LinkLiveState[]): void {
    this.nodeState = new Map(nodes.map((n) => [n.id, n]));
    this.linkState = new Map(links.map((l) => [l.id, l]));
    this.touch();
  }

  updateNode(node: NodeLiveState): void {
    const before = this.nodeState.get(node.id);
    this.nodeState.set(node.id, node);
    this.staleCount += Number(node.stale) - Number(before?.stale ?? false);
    this.touch(false);
  }

  updateLink(link: LinkLiveState): void {
    this.linkState.set(link.id, link);
    this.touch(false);
  }

  private touch(recount = true): void {
    if (recount) {
      let stale = 0;
      for (const s of this.nodeState.values()) if (s.stale) stale++;
      this.staleCount = stale;
    }
    this.lastUpdateMs = Date.now();
    this.version++;
  }

  clear(): void {
    this.topology = null;
    this.nodeById = new Map();
    this.childrenOf = new Map();
    this.uplinkOf = new Map();
    this.nodeState = new Map();
    this.linkState = new Map();
    this.version++;
  }
}

export const network = new Network();

import type { Topology } from '../inventory';
import type { NodeId } from '../domain';
import { nodeLabels } from './summary';

/** Labels, path and poll interval of a node; labels and path never change for the engine's life, so computed once. */
export class NodeInfo {
  private readonly labelCache = new Map<NodeId, Record<string, string>>();
  private readonly pathCache = new Map<NodeId, string[]>();

  constructor(
    private readonly topology: Topology,
    /** The collector's poll interval when it overrides the inventory's per-node intervals. */
    private readonly pollIntervalOverrideS: number | undefined,
  ) {}

  labelsOf(node: NodeId): Record<string, string> {
    let labels = this.labelCache.get(node);
    if (!labels) {
      labels = nodeLabels(this.topology, node);
      this.labelCache.set(node, labels);
    }
    return labels;
  }

  pathOf(node: NodeId): string[] {
    let path = this.pathCache.get(node);
    if (!path) {
      path = this.topology.pathNames(node);
      this.pathCache.set(node, path);
    }
    return path;
  }

  nameOf(node: NodeId): string {
    return this.topology.node(node).name;
  }

  /** How often the collector polls the node: its own override when it runs with one, else the inventory's. */
  pollIntervalS(node: NodeId): number {
    return this.pollIntervalOverrideS ?? this.topology.node(node).pollIntervalS;
  }
}

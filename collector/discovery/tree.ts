/**
 * Parents from LLDP and tier rules. LLDP gives undirected adjacency; the tree hangs it from a root
 * (a seed, else the existing inventory's root, else the best-ranked device: routers above firewalls
 * above switches above hosts, then the most neighbours). Each device's parent is a neighbour one hop
 * nearer the root; when several are, the existing inventory's choice wins, then the tier rule (core
 * above aggregation above access), then the one with more neighbours. Pure.
 */
import type { DeviceRole } from '../../domain';
import { roleRank } from './classify';

export interface TreeDevice {
  address: string;
  role: DeviceRole;
  sysName: string;
  neighbours: ReadonlyArray<{
    localPort: string;
    remoteSysName: string;
    remotePort: string;
    remoteAddress: string | null;
  }>;
}

export interface TreeLink {
  a: { address: string; port: string };
  b: { address: string; port: string };
}

export interface Tree {
  /** address → parent address (null for a root). */
  parentOf: Map<string, string | null>;
  /** Addresses in the order a tree is read: each root, then breadth first. */
  order: string[];
  links: TreeLink[];
  /** Roots beyond the first: parts of the network LLDP did not join to the rest. */
  extraRoots: string[];
}

export interface TreeOptions {
  /** Preferred roots, best first (seeds, then the inventory's root). */
  rootHints: readonly string[];
  /** The existing inventory's parent of a device, if it has one. */
  knownParent?: (address: string) => string | null;
}

function adjacency(devices: readonly TreeDevice[]) {
  const byAddress = new Map(devices.map((d) => [d.address, d]));
  const byName = new Map<string, string>();
  for (const d of devices) if (d.sysName && !byName.has(d.sysName)) byName.set(d.sysName, d.address);
  const resolve = (n: TreeDevice['neighbours'][number]): string | null => {
    if (n.remoteAddress && byAddress.has(n.remoteAddress)) return n.remoteAddress;
    return byName.get(n.remoteSysName) ?? byName.get(n.remoteSysName.split('.')[0] ?? '') ?? null;
  };
  const adjacent = new Map<string, Set<string>>(devices.map((d) => [d.address, new Set<string>()]));
  const links = new Map<string, TreeLink>();
  for (const d of devices)
    for (const n of d.neighbours) {
      const peer = resolve(n);
      if (!peer || peer === d.address) continue;
      adjacent.get(d.address)?.add(peer);
      adjacent.get(peer)?.add(d.address);
      const ends = [
        { address: d.address, port: n.localPort },
        { address: peer, port: n.remotePort },
      ].sort((x, y) => (`${x.address}:${x.port}` < `${y.address}:${y.port}` ? -1 : 1));
      const key = ends.map((e) => `${e.address}:${e.port}`).join('|');
      if (!links.has(key)) links.set(key, { a: ends[0] as TreeLink['a'], b: ends[1] as TreeLink['b'] });
    }
  return { byAddress, adjacent, links: [...links.values()] };
}

export function buildTree(devices: readonly TreeDevice[], options: TreeOptions): Tree {
  const { byAddress, adjacent, links } = adjacency(devices);
  const degree = (a: string) => adjacent.get(a)?.size ?? 0;
  const rank = (a: string) => roleRank(byAddress.get(a)?.role ?? 'server');
  const better = (x: string, y: string) =>
    rank(x) - rank(y) || degree(y) - degree(x) || compareAddresses(x, y);
  const parentOf = new Map<string, string | null>();
  const order: string[] = [];
  const roots: string[] = [];
  const hints = options.rootHints.filter((a) => byAddress.has(a));
  const unplaced = () => [...byAddress.keys()].filter((a) => !parentOf.has(a)).sort(better);

  for (let next = hints[0] ?? unplaced()[0]; next !== undefined; next = unplaced()[0]) {
    roots.push(next);
    hang(next);
  }

  function hang(root: string): void {
    const depth = new Map<string, number>([[root, 0]]);
    let layer = [root];
    parentOf.set(root, null);
    order.push(root);
    while (layer.length > 0) {
      const children = new Map<string, string[]>();
      for (const a of layer)
        for (const b of adjacent.get(a) ?? [])
          if (!depth.has(b) && !parentOf.has(b)) children.set(b, [...(children.get(b) ?? []), a]);
      const placed = [...children.keys()].sort(compareAddresses);
      for (const child of placed) {
        const candidates = (children.get(child) ?? []).sort(better);
        const known = options.knownParent?.(child);
        parentOf.set(child, known && candidates.includes(known) ? known : (candidates[0] as string));
        depth.set(child, (depth.get(parentOf.get(child) as string) ?? 0) + 1);
        order.push(child);
      }
      layer = placed;
    }
  }

  return { parentOf, order, links, extraRoots: roots.slice(1) };
}

export function compareAddresses(x: string, y: string): number {
  const a = x.split('.').map(Number);
  const b = y.split('.').map(Number);
  for (let i = 0; i < 4; i++) if (a[i] !== b[i]) return (a[i] ?? 0) - (b[i] ?? 0);
  return 0;
}

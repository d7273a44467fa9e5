/**
 * A proposal against an existing inventory: nodes added and removed, nodes whose address, parent,
 * role, vendor, model or credentials differ, and links added and removed. Vendor and model are
 * compared only where the device reported them. Pure; the lines are what `discover --diff` prints.
 */
import type { Inventory } from '../../domain';
import { linkKey, type Proposal } from './proposal';

export interface InventoryDiff {
  added: Array<{ id: string; address: string; summary: string }>;
  removed: Array<{ id: string; address: string }>;
  changed: Array<{ id: string; field: string; from: string; to: string }>;
  linksAdded: string[];
  linksRemoved: string[];
}

const FIELDS = ['address', 'parent', 'role', 'vendor', 'model', 'credentials'] as const;

export function diffInventory(proposal: Proposal, existing: Inventory): InventoryDiff {
  const before = new Map(existing.nodes.map((n) => [n.id as string, n]));
  const after = new Map(proposal.nodes.map((n) => [n.id, n]));
  const diff: InventoryDiff = { added: [], removed: [], changed: [], linksAdded: [], linksRemoved: [] };
  for (const node of proposal.nodes) {
    const old = before.get(node.id);
    if (!old) {
      diff.added.push({
        id: node.id,
        address: node.address,
        summary: `${node.vendor} ${node.model} ${node.role}, parent ${node.parent ?? '(none)'}`,
      });
      continue;
    }
    for (const field of FIELDS) {
      if (field === 'vendor' && !node.discovered.vendor) continue;
      if (field === 'model' && !node.discovered.model) continue;
      const from = String(old[field] ?? '(none)');
      const to = String(node[field] ?? '(none)');
      if (from !== to) diff.changed.push({ id: node.id, field, from, to });
    }
  }
  for (const node of existing.nodes)
    if (!after.has(node.id)) diff.removed.push({ id: node.id, address: node.address });
  const oldLinks = new Set(existing.links.map((l) => linkKey(l.a, l.b)));
  const newLinks = new Set(proposal.links.map((l) => linkKey(splitEnd(l.a), splitEnd(l.b))));
  diff.linksAdded = [...newLinks].filter((k) => !oldLinks.has(k));
  diff.linksRemoved = [...oldLinks].filter((k) => !newLinks.has(k));
  return diff;
}

function splitEnd(end: string): { node: string; interface: string } {
  const colon = end.indexOf(':');
  return { node: end.slice(0, colon), interface: end.slice(colon + 1) };
}

export function diffIsEmpty(diff: InventoryDiff): boolean {
  return (
    diff.added.length +
      diff.removed.length +
      diff.changed.length +
      diff.linksAdded.length +
      diff.linksRemoved.length ===
    0
  );
}

/** One line per difference: `+ node`, `- node`, `~ node id field: from → to`, `+ link`, `- link`. */
export function formatDiff(diff: InventoryDiff): string[] {
  return [
    ...diff.added.map((n) => `+ node ${n.id} ${n.address} (${n.summary})`),
    ...diff.removed.map((n) => `- node ${n.id} ${n.address} (not found: no answer, or not reached)`),
    ...diff.changed.map((c) => `~ node ${c.id} ${c.field}: ${c.from} → ${c.to}`),
    ...diff.linksAdded.map((k) => `+ link ${k}`),
    ...diff.linksRemoved.map((k) => `- link ${k}`),
  ];
}

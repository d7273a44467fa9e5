import type { InventoryNode, Link } from '../domain';
import { isolationProblem } from './zones';

type Problem = { path: PropertyKey[]; message: string };

/**
 * The isolation checks of `inventory check`: a gatekeeper declares the zones it bridges (its own
 * among them), only a gatekeeper declares any, and no parent or link joins isolated zones except
 * through one. Links are given with their index in the file, for the line number.
 */
export function checkZones(
  nodes: readonly InventoryNode[],
  links: ReadonlyArray<{ index: number; link: Link }>,
): Problem[] {
  const problems: Problem[] = [];
  const byId = new Map(nodes.map((node) => [node.id as string, node]));
  const nodeOf = (id: string) => byId.get(id);
  nodes.forEach((node, i) => {
    const declared = checkBridges(node);
    if (declared) problems.push({ path: ['nodes', i, declared.field], message: declared.message });
  });
  nodes.forEach((node, i) => {
    const parent = node.parent === null ? undefined : byId.get(node.parent);
    if (!parent) return;
    const problem = isolationProblem(node, parent, nodeOf);
    if (problem) problems.push({ path: ['nodes', i, 'parent'], message: problem });
  });
  for (const { index, link } of links) {
    const a = byId.get(link.a.node);
    const b = byId.get(link.b.node);
    if (!a || !b) continue;
    const problem = isolationProblem(a, b, nodeOf);
    if (problem)
      problems.push({
        path: ['links', index],
        message: `link ${link.a.node}:${link.a.interface} — ${link.b.node}:${link.b.interface}: ${problem}`,
      });
  }
  return problems;
}

function checkBridges(node: InventoryNode): { field: string; message: string } | null {
  if (node.role !== 'gatekeeper')
    return node.bridges
      ? {
          field: 'bridges',
          message: `only a gatekeeper (网闸) bridges zones; "${node.id}" is a ${node.role}`,
        }
      : null;
  if (!node.bridges)
    return {
      field: 'role',
      message: `gatekeeper "${node.id}" must declare the zones it bridges, e.g. bridges: [internal, external]`,
    };
  if (!node.bridges.includes(node.zone))
    return {
      field: 'bridges',
      message: `gatekeeper "${node.id}" is in zone ${node.zone}, so its bridges must include ${node.zone}`,
    };
  if (new Set(node.bridges).size !== node.bridges.length)
    return { field: 'bridges', message: `gatekeeper "${node.id}" lists a zone twice in bridges` };
  return null;
}

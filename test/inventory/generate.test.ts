import { describe, expect, it } from 'vitest';
import { loadInventoryText, type Topology } from '../../inventory';
import { generateInventoryYaml } from '../../inventory/generate';
import { isolationProblem } from '../../inventory/zones';
import type { InventoryNode } from '../../domain';

function generated(options: Parameters<typeof generateInventoryYaml>[0] = {}): Topology {
  const result = loadInventoryText('province.yaml', generateInventoryYaml(options));
  if (!result.ok)
    throw new Error(result.errors.map((e) => `${e.file}:${e.line} ${e.field}: ${e.message}`).join('\n'));
  return result.topology;
}

/** The first node up the parent chain that is not in `node`'s zone (null: the chain stays in it). */
function firstAncestorOutside(topology: Topology, node: InventoryNode): InventoryNode | null {
  for (let at = node.parent; at !== null;) {
    const ancestor = topology.node(at);
    if (ancestor.zone !== node.zone) return ancestor;
    at = ancestor.parent;
  }
  return null;
}

describe('inventory generate: the 政务内网 and 政务外网 of a generated province', () => {
  it('has both zones: departments on the internal network, townships and gateways on the external one', () => {
    const topology = generated();
    const byZone = (zone: string) => topology.nodes.filter((node) => node.zone === zone);
    expect(byZone('internal').length).toBeGreaterThan(1000);
    expect(byZone('external').length).toBeGreaterThan(1000);
    const departments = topology.nodes.filter((node) => node.tier === 'department');
    expect(departments.length).toBeGreaterThan(0);
    expect(departments.every((node) => node.zone === 'internal')).toBe(true);
    const townships = topology.nodes.filter((node) => node.tier === 'township');
    expect(townships.every((node) => node.zone === 'external')).toBe(true);
    expect(topology.roots).toEqual(['prov-core']);
  });

  it('joins the zones only through a gatekeeper (网闸) that bridges both, so inventory check accepts it', () => {
    const topology = generated({ cities: 3, countiesPerCity: 4, nodesPerCounty: 10 });
    const lookup = (id: string) => topology.find(id);
    const internal = topology.nodes.filter((node) => node.zone === 'internal');
    expect(internal.length).toBeGreaterThan(0);
    for (const node of internal) {
      const boundary = firstAncestorOutside(topology, node);
      expect(boundary?.role, `${node.id} leaves the internal zone through ${boundary?.id}`).toBe(
        'gatekeeper',
      );
      expect(boundary?.bridges).toEqual(expect.arrayContaining(['internal', 'external']));
    }
    for (const link of topology.links) {
      const problem = isolationProblem(topology.node(link.a.node), topology.node(link.b.node), lookup);
      expect(problem, link.id).toBeNull();
    }
    const gatekeepers = topology.nodes.filter((node) => node.role === 'gatekeeper');
    expect(gatekeepers.map((node) => node.id)).toEqual(['c01-gap', 'c02-gap', 'c03-gap']);
  });

  it('a county too small for departments gets no internal router, and stays valid', () => {
    const topology = generated({ cities: 1, countiesPerCity: 2, nodesPerCounty: 3 });
    expect(topology.nodes.some((node) => node.id.endsWith('-in') && node.tier === 'county')).toBe(false);
    expect(topology.nodes.filter((node) => node.tier === 'department')).toHaveLength(0);
  });
});

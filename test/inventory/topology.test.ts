import { describe, expect, it } from 'vitest';
import { loadInventory, loadInventoryText, type Topology } from '../../inventory';
import { asNodeId } from '../../domain';
import { generateInventory, generateInventoryYaml } from '../../inventory/generate';

function load(path: string): Topology {
  const result = loadInventory(path);
  if (!result.ok)
    throw new Error(result.errors.map((e) => `${e.file}:${e.line} ${e.field}: ${e.message}`).join('\n'));
  return result.topology;
}

describe('example inventories', () => {
  it('Nanyang is a tree of 83 nodes: city center, 13 counties/districts, departments, video MCUs', () => {
    const topology = load('configs/examples/nanyang.yaml');
    expect(topology.size).toBe(83);
    expect(topology.roots).toEqual(['ny-core']);
    const counties = topology.nodes.filter(
      (n) => (n.tier === 'county' || n.tier === 'district') && n.role === 'router',
    );
    expect(counties).toHaveLength(13);
    // every county MCU has a video link to the city MCU
    const countyMcus = topology.nodes.filter((n) => n.role === 'mcu' && n.tier !== 'city');
    expect(countyMcus).toHaveLength(13);
    for (const mcu of countyMcus)
      expect(topology.videoLinksOf(mcu.id).some((l) => l.a === 'ny-mcu')).toBe(true);
    // uplinks over HFC and fiber
    const media = new Set(counties.map((c) => topology.uplinkOf(c.id)?.medium));
    expect([...media].sort()).toEqual(['fiber', 'hfc']);
    // some nodes are polled with SNMPv3
    expect(topology.inventory.credentials.get(topology.node(asNodeId('ny-core')).credentials)?.version).toBe(
      '3',
    );
  });

  it('Zhaoqing has 6 counties and 2 districts in both internal and external zones, with a province uplink', () => {
    const topology = load('configs/examples/zhaoqing.yaml');
    const external = topology.nodes.filter(
      (n) => ['county', 'district'].includes(n.tier) && n.zone === 'external' && n.role === 'router',
    );
    const internal = topology.nodes.filter(
      (n) => ['county', 'district'].includes(n.tier) && n.zone === 'internal',
    );
    expect(external.map((n) => n.tier).filter((t) => t === 'district')).toHaveLength(2);
    expect(external).toHaveLength(8);
    expect(internal).toHaveLength(8);
    expect(topology.parentOf(asNodeId('zq-ex-core'))?.tier).toBe('province');
    expect(topology.videoLinks.some((l) => l.a === 'gd-prov-mcu' && l.b === 'zq-mcu')).toBe(true);
  });
});

describe('topology queries', () => {
  const topology = load('configs/examples/nanyang.yaml');
  const xichuanGw = asNodeId('xichuan-gw');

  it('walks ancestors nearest first and descendants breadth first', () => {
    expect(topology.ancestors(asNodeId('xichuan-mcu'))).toEqual(['xichuan-sw', 'xichuan-gw', 'ny-core']);
    expect(topology.descendants(xichuanGw)).toEqual(['xichuan-sw', 'xichuan-mcu']);
    expect(topology.descendants(asNodeId('ny-core'))).toHaveLength(82);
  });

  it('answers subtree membership, paths and uplinks', () => {
    expect(topology.isInSubtree(asNodeId('xichuan-mcu'), xichuanGw)).toBe(true);
    expect(topology.isInSubtree(asNodeId('xixia-mcu'), xichuanGw)).toBe(false);
    expect(topology.pathNames(asNodeId('xichuan-sw'))).toEqual([
      '南阳市电子政务内网核心路由器',
      '淅川县政府内网路由器',
      '淅川县网络中心核心交换机',
    ]);
    const uplink = topology.uplinkOf(xichuanGw);
    expect(uplink?.a).toEqual({ node: 'ny-core', interface: 'GE0/0/8' });
    expect(topology.linkAt(asNodeId('ny-core'), 'GE0/0/8')).toBe(uplink);
    expect(topology.uplinkOf(asNodeId('ny-core'))).toBeNull();
  });
});

describe('province generator', () => {
  it('is deterministic from its seed and makes ~5,000 valid nodes', () => {
    expect(generateInventoryYaml({ seed: 7, cities: 2 })).toBe(generateInventoryYaml({ seed: 7, cities: 2 }));
    expect(generateInventoryYaml({ seed: 7, cities: 2 })).not.toBe(
      generateInventoryYaml({ seed: 8, cities: 2 }),
    );
    const result = loadInventoryText('province.yaml', generateInventoryYaml());
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.topology.size).toBeGreaterThanOrEqual(5000);
    expect(result.topology.roots).toEqual(['prov-core']);
    expect(generateInventory().nodes.filter((n) => n.credentials === 'sim-v3').length).toBeGreaterThan(100);
  });
});

import { describe, expect, it } from 'vitest';
import { loadInventoryText, type InventoryError } from '../../inventory';
import { asNodeId } from '../../domain';

/**
 * The zone boundary (三网隔离) in `inventory check`: a parent or link between 政务内网 (internal) and
 * 政务外网 (external) or the public network is refused with file:line and both nodes, unless one end
 * is a gatekeeper (网闸) that declares both zones.
 */
const HEADER = `network: { id: t, name: 测试市, domain: t.gov.cn }
credentials:
  ro: { version: 2c, community: public }
nodes:
`;

type NodeSpec = { id: string; zone: string; role?: string; parent?: string; bridges?: string };

function node(spec: NodeSpec, index: number): string {
  const extra = [
    spec.parent ? `, parent: ${spec.parent}` : '',
    spec.bridges ? `, bridges: ${spec.bridges}` : '',
  ].join('');
  return `  - { id: ${spec.id}, name: ${spec.id}, tier: city, zone: ${spec.zone}, role: ${spec.role ?? 'router'}, vendor: huawei, model: X, address: 10.0.0.${index + 1}, credentials: ro${extra} }\n`;
}

function inventory(nodes: NodeSpec[], links: string[] = []): string {
  return (
    HEADER +
    nodes.map(node).join('') +
    (links.length > 0 ? `links:\n${links.map((l) => `  - ${l}\n`).join('')}` : '')
  );
}

function errorsOf(text: string): InventoryError[] {
  const result = loadInventoryText('net.yaml', text);
  return result.ok ? [] : result.errors;
}

function lineOf(text: string, needle: string): number {
  return text.split('\n').findIndex((line) => line.includes(needle)) + 1;
}

const EX_CORE: NodeSpec = { id: 'ex-core', zone: 'external' };

describe('inventory check: zone isolation', () => {
  it('refuses an internal node whose parent is external, at the parent line, naming both nodes', () => {
    const text = inventory([EX_CORE, { id: 'in-gw', zone: 'internal', parent: 'ex-core' }]);
    const errors = errorsOf(text);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({
      file: 'net.yaml',
      line: lineOf(text, 'id: in-gw'),
      field: 'nodes[1].parent',
    });
    expect(errors[0]?.message).toMatch(/"in-gw" \(internal\).*"ex-core" \(external\).*isolation boundary/);
    expect(errors[0]?.message).toContain('gatekeeper');
  });

  it('refuses a cabled link between internal and external or public, at the link line', () => {
    const text = inventory(
      [EX_CORE, { id: 'in-core', zone: 'internal' }, { id: 'portal', zone: 'public', role: 'server' }],
      [
        '{ a: "ex-core:GE0/0/1", b: "in-core:GE0/0/1", capacityMbps: 1000, medium: fiber }',
        '{ a: "in-core:GE0/0/2", b: "portal:eth0", capacityMbps: 1000, medium: fiber }',
      ],
    );
    const errors = errorsOf(text);
    expect(errors.map((e) => [e.line, e.field])).toEqual([
      [lineOf(text, 'ex-core:GE0/0/1'), 'links[0]'],
      [lineOf(text, 'portal:eth0'), 'links[1]'],
    ]);
    expect(errors[0]?.message).toMatch(/ex-core:GE0\/0\/1 — in-core:GE0\/0\/1/);
    expect(errors[1]?.message).toMatch(/"in-core" \(internal\) and "portal" \(public\)/);
  });

  it('accepts the same zones joined through a gatekeeper that bridges both', () => {
    const text = inventory(
      [
        EX_CORE,
        {
          id: 'gap',
          zone: 'external',
          role: 'gatekeeper',
          parent: 'ex-core',
          bridges: '[external, internal]',
        },
        { id: 'in-core', zone: 'internal', parent: 'gap' },
      ],
      [
        '{ a: "ex-core:GE0/0/1", b: "gap:outer-eth0", capacityMbps: 1000, medium: fiber }',
        '{ a: "gap:inner-eth0", b: "in-core:GE0/0/1", capacityMbps: 1000, medium: fiber }',
      ],
    );
    const result = loadInventoryText('net.yaml', text);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const gap = result.topology.node(asNodeId('gap'));
    expect(gap.interfaces.map((i) => i.name)).toEqual([
      'inner-eth0',
      'inner-eth1',
      'outer-eth0',
      'outer-eth1',
    ]);
    expect(gap.pollIntervalS).toBe(30);
    expect(gap.bridges).toEqual(['external', 'internal']);
  });

  it('refuses a zone the gatekeeper does not bridge', () => {
    const text = inventory([
      { id: 'in-core', zone: 'internal' },
      { id: 'gap', zone: 'internal', role: 'gatekeeper', parent: 'in-core', bridges: '[internal, public]' },
      { id: 'ex-gw', zone: 'external', parent: 'gap' },
    ]);
    const errors = errorsOf(text);
    expect(errors).toHaveLength(1);
    expect(errors[0]?.line).toBe(lineOf(text, 'id: ex-gw'));
    expect(errors[0]?.message).toMatch(
      /"ex-gw" \(external\) is attached to gatekeeper "gap", which bridges only internal and public/,
    );
  });

  it('checks a video node on the network it hangs off', () => {
    const text = inventory(
      [
        { id: 'in-sw', zone: 'internal', role: 'switch' },
        { id: 'mcu', zone: 'video', role: 'mcu', parent: 'in-sw' },
        EX_CORE,
      ],
      ['{ a: "mcu:LAN2", b: "ex-core:GE0/0/1", capacityMbps: 1000, medium: fiber }'],
    );
    const errors = errorsOf(text);
    expect(errors).toHaveLength(1);
    expect(errors[0]?.field).toBe('links[0]');
    expect(errors[0]?.message).toMatch(/"mcu" \(video, on the internal network\) and "ex-core" \(external\)/);
  });

  it('leaves external ↔ public (firewalled) and video on either network alone', () => {
    const text = inventory([
      EX_CORE,
      { id: 'portal', zone: 'public', role: 'server', parent: 'ex-core' },
      { id: 'ex-mcu', zone: 'video', role: 'mcu', parent: 'ex-core' },
      { id: 'in-core', zone: 'internal' },
      { id: 'in-mcu', zone: 'video', role: 'mcu', parent: 'in-core' },
    ]);
    expect(errorsOf(text)).toEqual([]);
  });

  it('refuses bridges on anything but a gatekeeper, and a gatekeeper without them or outside them', () => {
    const text = inventory([
      { id: 'r1', zone: 'internal', bridges: '[internal, external]' },
      { id: 'gap1', zone: 'internal', role: 'gatekeeper' },
      { id: 'gap2', zone: 'internal', role: 'gatekeeper', bridges: '[external, public]' },
    ]);
    const errors = errorsOf(text);
    expect(errors.map((e) => [e.line, e.field])).toEqual([
      [lineOf(text, 'id: r1'), 'nodes[0].bridges'],
      [lineOf(text, 'id: gap1'), 'nodes[1].role'],
      [lineOf(text, 'id: gap2'), 'nodes[2].bridges'],
    ]);
    expect(errors[0]?.message).toContain('only a gatekeeper');
    expect(errors[1]?.message).toContain('must declare the zones it bridges');
    expect(errors[2]?.message).toContain('must include internal');
  });
});

describe('topology: system names and isolation', () => {
  const text = inventory([
    EX_CORE,
    { id: 'gap', zone: 'external', role: 'gatekeeper', parent: 'ex-core', bridges: '[external, internal]' },
    { id: 'in-core', zone: 'internal', parent: 'gap' },
  ]);
  const result = loadInventoryText('net.yaml', text);
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  const topology = result.topology;

  it('finds a node by id, DNS name, short name or display name', () => {
    expect(topology.findBySystemName('in-core')?.id).toBe('in-core');
    expect(topology.findBySystemName('in-core.t.gov.cn')?.id).toBe('in-core');
    expect(topology.findBySystemName('in-core.elsewhere.example')?.id).toBe('in-core');
    expect(topology.findBySystemName('nobody')).toBeUndefined();
  });

  it('says whether a direct connection would cross the boundary', () => {
    expect(topology.isolationProblem(asNodeId('in-core'), asNodeId('ex-core'))).toMatch(/isolation boundary/);
    expect(topology.isolationProblem(asNodeId('in-core'), asNodeId('gap'))).toBeNull();
    expect(topology.isolationProblem(asNodeId('ex-core'), asNodeId('gap'))).toBeNull();
  });
});

describe('example inventories', () => {
  it('Zhaoqing joins its internal and external zones only through the province gatekeeper', async () => {
    const { loadInventory } = await import('../../inventory');
    const loaded = loadInventory('configs/examples/zhaoqing.yaml');
    expect(loaded.ok).toBe(true);
    if (!loaded.ok) return;
    const gap = loaded.topology.node(asNodeId('gd-prov-gap'));
    expect(gap.role).toBe('gatekeeper');
    expect(loaded.topology.parentOf(asNodeId('gd-prov-in'))?.id).toBe('gd-prov-gap');
  });
});

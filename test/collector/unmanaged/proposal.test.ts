import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { proposeEntry } from '../../../collector/unmanaged/proposal';
import { asNodeId } from '../../../domain';
import { loadInventory } from '../../../inventory';

const loaded = loadInventory('configs/examples/nanyang.yaml');
if (!loaded.ok) throw new Error('example inventory must load');
const { inventory } = loaded;

describe('proposeEntry', () => {
  it('proposes an LLDP neighbour under the node that saw it, with the link, guesses marked', () => {
    const yaml = proposeEntry(inventory, {
      source: 'lldp',
      address: '10.41.3.99',
      name: 'rogue-ap.nanzhao.example',
      chassisId: 'aa:bb:cc:dd:ee:ff',
      seenBy: { node: asNodeId('nanzhao-sw'), ifName: 'GigabitEthernet1/0/9', remotePort: 'eth0' },
    });
    const parsed = parse(yaml) as {
      nodes: Array<Record<string, unknown>>;
      links: Array<Record<string, unknown>>;
    };
    expect(parsed.nodes).toHaveLength(1);
    expect(parsed.nodes[0]).toMatchObject({
      id: 'rogue-ap',
      address: '10.41.3.99',
      parent: 'nanzhao-sw',
      tier: 'county',
      zone: 'internal',
      credentials: 'ny-v2c',
    });
    expect(parsed.links[0]).toMatchObject({ a: 'nanzhao-sw:GigabitEthernet1/0/9', b: 'rogue-ap:eth0' });
    expect(yaml).toMatch(/# guessed: tier, zone, name, role, credentials/);
    expect(yaml).toMatch(/not reported by the device: vendor, model/);
  });

  it('proposes a syslog or trap sender with no parent, named from its address when nameless', () => {
    const yaml = proposeEntry(inventory, {
      source: 'trap',
      address: '127.0.0.77',
      name: null,
      chassisId: null,
      seenBy: null,
    });
    const parsed = parse(yaml) as { nodes: Array<Record<string, unknown>>; links?: unknown };
    expect(parsed.nodes[0]).toMatchObject({ id: 'node-127-0-0-77', address: '127.0.0.77' });
    expect(parsed.nodes[0]).not.toHaveProperty('parent');
    expect(parsed.links).toBeUndefined();
  });

  it('leaves the address empty and guessed when LLDP advertised none', () => {
    const yaml = proposeEntry(inventory, {
      source: 'lldp',
      address: null,
      name: 'mystery',
      chassisId: 'mystery',
      seenBy: { node: asNodeId('ny-core'), ifName: 'GE0/0/15', remotePort: '' },
    });
    expect(yaml).toContain('address: ""');
    expect(yaml).toMatch(/guessed: [^\n]*address/);
  });
});

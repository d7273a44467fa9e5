import { describe, expect, it } from 'vitest';
import { buildTree, type TreeDevice } from '../../../collector/discovery/tree';

const n = (remoteSysName: string, localPort = 'p', remotePort = 'q') => ({
  localPort,
  remoteSysName,
  remotePort,
  remoteAddress: null,
});

/** core — agg1, agg2; agg1 and agg2 both see acc (a redundant uplink); host under acc. */
const devices: TreeDevice[] = [
  {
    address: '10.0.0.1',
    role: 'router',
    sysName: 'core',
    neighbours: [n('agg1', 'c1', 'u'), n('agg2', 'c2', 'u')],
  },
  {
    address: '10.0.1.1',
    role: 'switch',
    sysName: 'agg1',
    neighbours: [n('core', 'u', 'c1'), n('acc', 'd1', 'u1')],
  },
  {
    address: '10.0.2.1',
    role: 'router',
    sysName: 'agg2',
    neighbours: [n('core', 'u', 'c2'), n('acc', 'd1', 'u2')],
  },
  {
    address: '10.0.3.1',
    role: 'switch',
    sysName: 'acc',
    neighbours: [n('agg1', 'u1', 'd1'), n('agg2', 'u2', 'd1'), n('host', 'd', 'eth0')],
  },
  { address: '10.0.3.2', role: 'server', sysName: 'host', neighbours: [n('acc', 'eth0', 'd')] },
  { address: '10.9.9.9', role: 'switch', sysName: 'island', neighbours: [] },
];

describe('buildTree', () => {
  it('hangs the tree from the best-ranked device; of two equal uplinks the tier rule picks the router', () => {
    const tree = buildTree(devices, { rootHints: [] });
    expect(tree.parentOf.get('10.0.0.1')).toBeNull();
    expect(tree.parentOf.get('10.0.1.1')).toBe('10.0.0.1');
    expect(tree.parentOf.get('10.0.3.1')).toBe('10.0.2.1');
    expect(tree.parentOf.get('10.0.3.2')).toBe('10.0.3.1');
    expect(tree.extraRoots).toEqual(['10.9.9.9']);
    // one link per adjacency, seen from both ends
    expect(tree.links).toHaveLength(5);
  });

  it("keeps the existing inventory's parent when LLDP allows it, and starts from a seed", () => {
    const tree = buildTree(devices, {
      rootHints: ['10.0.0.1'],
      knownParent: (address) => (address === '10.0.3.1' ? '10.0.1.1' : null),
    });
    expect(tree.parentOf.get('10.0.3.1')).toBe('10.0.1.1');
    expect(tree.order[0]).toBe('10.0.0.1');
  });
});

import { describe, expect, it } from 'vitest';
import { SupersededStates } from '../../bus/superseded-states';
import { asNodeId, type BusEvent } from '../../domain';

const nodeState = (node: string, timeMs: number, state: 'reachable' | 'unreachable'): BusEvent => ({
  type: 'node.state',
  node: asNodeId(node),
  timeMs,
  state,
  reason: 'test',
});
const ifState = (ifIndex: number, timeMs: number): BusEvent => ({
  type: 'interface.state',
  node: asNodeId('a'),
  timeMs,
  ifIndex,
  ifName: `GE0/0/${ifIndex}`,
  state: 'down',
  source: 'poll',
});

describe('SupersededStates', () => {
  it('recognises a state older than one already delivered for the same node or interface only', () => {
    const states = new SupersededStates();
    const seen = (event: BusEvent) => states.isSuperseded(event);
    expect(seen(nodeState('a', 2000, 'reachable'))).toBe(false);
    expect(seen(nodeState('a', 1000, 'unreachable'))).toBe(true);
    expect(seen(nodeState('b', 1000, 'unreachable'))).toBe(false);
    expect(seen(nodeState('a', 2000, 'reachable'))).toBe(false);
    expect(seen(ifState(1, 3000))).toBe(false);
    expect(seen(ifState(2, 1000))).toBe(false);
    expect(seen(ifState(1, 2500))).toBe(true);
  });

  it('never holds back other events, however old', () => {
    const states = new SupersededStates();
    const sample: BusEvent = { type: 'samples', node: asNodeId('a'), timeMs: 1, points: [] };
    expect(states.isSuperseded(nodeState('a', 5000, 'reachable'))).toBe(false);
    expect(states.isSuperseded(sample)).toBe(false);
  });
});

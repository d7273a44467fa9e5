import { describe, expect, it } from 'vitest';
import { InProcessBus } from '../../bus';
import { asNodeId } from '../../domain';
import { eventBusContract } from './contract';

eventBusContract('in-process', () =>
  Promise.resolve({
    bus: new InProcessBus(),
    settle: () => Promise.resolve(),
    close: () => Promise.resolve(),
  }),
);

describe('InProcessBus', () => {
  it('still delivers to every handler when one throws, then reports the error', () => {
    const bus = new InProcessBus();
    const seen: string[] = [];
    bus.subscribe('node.state', () => {
      throw new Error('broken subscriber');
    });
    bus.subscribe('node.state', (event) => seen.push(event.node));
    const event = {
      type: 'node.state',
      node: asNodeId('a'),
      timeMs: 0,
      state: 'reachable',
      reason: 'answered',
    } as const;
    expect(() => bus.publish(event)).toThrow('broken subscriber');
    expect(seen).toEqual(['a']);
  });
});

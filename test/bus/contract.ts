/** One behaviour for every EventBus: run against the in-process bus and a real NATS server. */
import { describe, expect, it, vi } from 'vitest';
import type { EventBus } from '../../bus';
import { asNodeId, type BusEvent } from '../../domain';
import { waitUntil } from '../support/wait';

const nodeDown = (i: number): BusEvent => ({
  type: 'node.state',
  node: asNodeId(`county-${i}`),
  timeMs: 1_700_000_000_000 + i,
  state: 'unreachable',
  reason: 'timeout after 3 polls',
});
const trap: BusEvent = {
  type: 'trap',
  node: asNodeId('county-1'),
  timeMs: 1_700_000_000_000,
  trap: 'linkDown',
  trapOid: '1.3.6.1.6.3.1.1.5.3',
  ifIndex: 1,
  varbinds: [{ oid: '1.3.6.1.2.1.2.2.1.1.1', value: '1' }],
};

/** Waits until `count` events arrived and returns them. */
async function collect(received: BusEvent[], count: number): Promise<BusEvent[]> {
  await waitUntil(
    () => `${count} events (${received.length} so far)`,
    () => received.length >= count,
  );
  return received;
}

export function eventBusContract(
  name: string,
  open: () => Promise<{ bus: EventBus; settle: () => Promise<void>; close: () => Promise<void> }>,
): void {
  describe(`EventBus contract: ${name}`, () => {
    it('delivers an event to subscribers of its type only, in publish order', async () => {
      const { bus, settle, close } = await open();
      const states: BusEvent[] = [];
      const traps: BusEvent[] = [];
      bus.subscribe('node.state', (event) => states.push(event));
      bus.subscribe('trap', (event) => traps.push(event));
      await settle();
      for (let i = 0; i < 50; i++) bus.publish(nodeDown(i));
      bus.publish(trap);
      await settle();
      expect((await collect(states, 50)).map((e) => (e.type === 'node.state' ? e.node : ''))).toEqual(
        Array.from({ length: 50 }, (_, i) => `county-${i}`),
      );
      expect(await collect(traps, 1)).toEqual([trap]);
      await close();
    });

    it('gives subscribeAll every type, and stops delivering after unsubscribe', async () => {
      const { bus, settle, close } = await open();
      const all: BusEvent[] = [];
      const unsubscribe = bus.subscribeAll((event) => all.push(event));
      await settle();
      bus.publish(nodeDown(1));
      bus.publish(trap);
      await settle();
      expect((await collect(all, 2)).map((e) => e.type)).toEqual(['node.state', 'trap']);
      unsubscribe();
      // A witness still subscribed: once it has the next event, the unsubscribed handler would have too.
      const witness: BusEvent[] = [];
      bus.subscribe('node.state', (event) => witness.push(event));
      await settle();
      bus.publish(nodeDown(2));
      await settle();
      await vi.waitFor(() => expect(witness).toHaveLength(1));
      expect(all).toHaveLength(2);
      await close();
    });
  });
}

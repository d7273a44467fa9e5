import type { BusEvent, BusEventOf, BusEventType } from '../domain';

export type Unsubscribe = () => void;

/**
 * The seam between collector, alert engine and console server. In-process by default; a NATS
 * implementation carries the same events when the parts run on different machines.
 */
export interface EventBus {
  publish(event: BusEvent): void;
  subscribe<T extends BusEventType>(type: T, handler: (event: BusEventOf<T>) => void): Unsubscribe;
  subscribeAll(handler: (event: BusEvent) => void): Unsubscribe;
}

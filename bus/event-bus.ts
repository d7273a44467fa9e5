import type { BusEvent, BusEventOf, BusEventType } from '../domain';
import type { HandledLog } from './handled-log';

export type Unsubscribe = () => void;

/**
 * The seam between collector, alert engine and console server. In-process by default; a NATS
 * implementation carries the same events when the parts run on different machines.
 */
export interface EventBus {
  publish(event: BusEvent): void;
  subscribe<T extends BusEventType>(type: T, handler: (event: BusEventOf<T>) => void): Unsubscribe;
  subscribeAll(handler: (event: BusEvent) => void, options?: SubscribeOptions): Unsubscribe;
}

export interface SubscribeOptions {
  /**
   * Where a durable consumer keeps the ids this subscriber handled, instead of the bus's own log:
   * a subscriber with its own store (the alert engine) commits them with its state, so an event
   * redelivered after a crash is skipped exactly when its effect was kept. Buses that never
   * redeliver (in-process, core NATS) ignore it.
   */
  handled?: HandledLog;
}

import type { EventBus, Unsubscribe } from './event-bus';
import type { BusEvent, BusEventOf, BusEventType } from '../domain';

type Handler = (event: BusEvent) => void;

/**
 * Synchronous fan-out inside one process. A handler that throws is a bug in that handler: the
 * error is rethrown after every other handler has run, so one broken subscriber never starves the rest.
 */
export class InProcessBus implements EventBus {
  private readonly byType = new Map<BusEventType, Set<Handler>>();
  private readonly everything = new Set<Handler>();

  publish(event: BusEvent): void {
    const errors: unknown[] = [];
    const deliver = (handler: Handler) => {
      try {
        handler(event);
      } catch (error) {
        errors.push(error);
      }
    };
    this.byType.get(event.type)?.forEach(deliver);
    this.everything.forEach(deliver);
    if (errors.length > 0) throw errors[0];
  }

  subscribe<T extends BusEventType>(type: T, handler: (event: BusEventOf<T>) => void): Unsubscribe {
    const handlers = this.byType.get(type) ?? new Set<Handler>();
    this.byType.set(type, handlers);
    const untyped = handler as Handler;
    handlers.add(untyped);
    return () => handlers.delete(untyped);
  }

  subscribeAll(handler: (event: BusEvent) => void): Unsubscribe {
    this.everything.add(handler);
    return () => this.everything.delete(handler);
  }
}

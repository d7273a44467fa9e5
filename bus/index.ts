import type { EventBus } from './event-bus';
import { InProcessBus } from './in-process-bus';
import { openEventBus as openWith } from './nats-bus';

export type { EventBus, Unsubscribe } from './event-bus';
export { InProcessBus } from './in-process-bus';
export { NatsBus } from './nats-bus';

/** `memory` (default) or `nats://host:port`. */
export function openEventBus(spec?: string): Promise<EventBus> {
  return openWith(spec, () => new InProcessBus());
}

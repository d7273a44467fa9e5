import type { EventBus } from './event-bus';
import { InProcessBus } from './in-process-bus';
import { openEventBus as openWith, type NatsAccount } from './nats-bus';

export type { EventBus, Unsubscribe } from './event-bus';
export { InProcessBus } from './in-process-bus';
export { NatsBus, type NatsAccount } from './nats-bus';

/** `memory` (default) or `nats://host:port`, with the NATS account the CLI read from its environment. */
export function openEventBus(spec?: string, account: NatsAccount = {}): Promise<EventBus> {
  return openWith(spec, () => new InProcessBus(), account);
}

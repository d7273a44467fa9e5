import type { EventBus } from './event-bus';
import { InProcessBus } from './in-process-bus';
import { openEventBus as openWith, type NatsBusOptions } from './nats-bus';

export type { EventBus, SubscribeOptions, Unsubscribe } from './event-bus';
export { InProcessBus } from './in-process-bus';
export { NatsBus, type JetStreamOptions, type NatsBusOptions, type NatsBusStats } from './nats-bus';
export { redactNatsUrl, type NatsAccount, type NatsTls } from './nats-connection';
export { DEFAULT_STREAM_LIMITS, type EventStreamLimits } from './event-stream';
export { RecentIds, SqliteHandledLog, type HandledLog } from './handled-log';
export type { KeyValueEntry, KeyValueTable } from './key-value-table';

/** `memory` (default) or `nats://host:port`, with the account, TLS and JetStream settings the CLI read. */
export function openEventBus(spec?: string, options: NatsBusOptions = {}): Promise<EventBus> {
  return openWith(spec, () => new InProcessBus(), options);
}

import { DiscardPolicy, nanos, RetentionPolicy, StorageType, type JetStreamManager } from 'nats';
import { DURABLE_TYPES } from './durable-events';

/** Where the events that must not be lost are kept, and for how long (both bounds apply). */
export interface EventStreamLimits {
  /** The stream's name (default EGOV_EVENTS). */
  stream: string;
  /** Events older than this are dropped. */
  maxAgeS: number;
  /** The stream never holds more; the oldest events go first. */
  maxBytes: number;
}

export const DEFAULT_STREAM_LIMITS: EventStreamLimits = {
  stream: 'EGOV_EVENTS',
  maxAgeS: 24 * 3600,
  maxBytes: 1024 * 1024 * 1024,
};

/** The window within which a re-published event id is recognised and stored once (JetStream dedup). */
const DUPLICATE_WINDOW_MS = 2 * 60_000;

/**
 * Create the stream, or bring an existing one to these limits (a restart with new flags applies
 * them). A stream that already holds these subjects under another name is that stream: its name
 * is returned, and the consumers read from it.
 */
export async function ensureEventStream(
  manager: JetStreamManager,
  prefix: string,
  limits: EventStreamLimits,
): Promise<string> {
  const settings = {
    subjects: DURABLE_TYPES.map((type) => `${prefix}.${type}`),
    max_age: nanos(limits.maxAgeS * 1000),
    max_bytes: limits.maxBytes,
    discard: DiscardPolicy.Old,
    duplicate_window: nanos(Math.min(DUPLICATE_WINDOW_MS, limits.maxAgeS * 1000)),
  };
  const holder = await manager.streams.find(`${prefix}.${DURABLE_TYPES[0] ?? 'samples'}`).catch(() => null);
  const name = holder ?? limits.stream;
  const existing = await manager.streams.info(name).catch(() => null);
  if (existing === null)
    await manager.streams.add({
      name,
      retention: RetentionPolicy.Limits,
      storage: StorageType.File,
      ...settings,
    });
  else await manager.streams.update(name, settings);
  return name;
}

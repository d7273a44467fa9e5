import {
  AckPolicy,
  DeliverPolicy,
  JSONCodec,
  nanos,
  type ConsumerMessages,
  type JetStreamClient,
  type JetStreamManager,
  type JsMsg,
} from 'nats';
import type { BusEvent } from '../domain';
import type { HandledLog } from './handled-log';
import { SupersededStates } from './superseded-states';

const codec = JSONCodec<BusEvent>();

export interface DurableSubscription {
  stream: string;
  /** The durable consumer's name: the same name after a restart resumes where it stopped. */
  name: string;
  subject: string;
  ackWaitS: number;
  /** A consumer idle this long is removed by the server: the stream no longer holds what it missed. */
  inactiveAfterS: number;
  handled: HandledLog;
  handler: (event: BusEvent) => void;
  onError: (error: Error) => void;
}

export interface ConsumerCounts {
  handled: number;
  /** Redelivered events already handled: acknowledged, handlers not run again. */
  duplicates: number;
  /** Messages that were not an event (not JSON): dropped for good, never redelivered. */
  malformed: number;
  /** State changes older than one already handled for the same node (reordered by retries). */
  superseded: number;
}

/** The publisher's event id; a message without one is known by its place in the stream. */
const eventIdOf = (stream: string, message: JsMsg): string =>
  message.headers?.get('Nats-Msg-Id') || `${stream}:${message.seq}`;

async function ensureConsumer(manager: JetStreamManager, s: DurableSubscription): Promise<void> {
  const config = {
    ack_policy: AckPolicy.Explicit,
    ack_wait: nanos(s.ackWaitS * 1000),
    max_ack_pending: 1000,
    filter_subject: s.subject,
    inactive_threshold: nanos(s.inactiveAfterS * 1000),
  };
  const existing = await manager.consumers.info(s.stream, s.name).catch(() => null);
  if (existing === null)
    // A new consumer starts with what is published from now on, not the stream's whole history.
    await manager.consumers.add(s.stream, {
      durable_name: s.name,
      deliver_policy: DeliverPolicy.New,
      ...config,
    });
  else await manager.consumers.update(s.stream, s.name, config);
}

/**
 * Deliver one durable consumer's events to a handler, at least once: acknowledged after the handler
 * ran, so a crash mid-handler redelivers; an id already in the handled log is acknowledged without
 * running the handler again.
 */
export async function consumeDurable(
  js: JetStreamClient,
  manager: JetStreamManager,
  s: DurableSubscription,
  counts: ConsumerCounts,
): Promise<ConsumerMessages> {
  await ensureConsumer(manager, s);
  const consumer = await js.consumers.get(s.stream, s.name);
  const states = new SupersededStates();
  const acknowledge = (message: JsMsg) => {
    try {
      message.ack();
    } catch {
      // The connection closed between the commit and the ack (a shutdown): the server redelivers
      // the event and the handled log, which has its id, acknowledges it without handling it again.
    }
  };
  const deliver = (message: JsMsg) => {
    const id = `${s.name}/${eventIdOf(s.stream, message)}`;
    if (s.handled.has(id)) {
      counts.duplicates++;
      message.ack();
      return;
    }
    let event: BusEvent;
    try {
      event = codec.decode(message.data);
    } catch {
      counts.malformed++;
      message.term();
      return;
    }
    if (states.isSuperseded(event)) {
      counts.superseded++;
      message.ack();
      return;
    }
    try {
      s.handled.handleOnce(
        id,
        Date.now(),
        () => s.handler(event),
        () => acknowledge(message),
      );
    } catch (error) {
      // Not acknowledged: redelivered after ack_wait. A throwing handler is a bug (STYLE.md).
      s.onError(error instanceof Error ? error : new Error(String(error)));
      return;
    }
    counts.handled++;
  };
  return consumer.consume({ max_messages: 256, callback: deliver });
}

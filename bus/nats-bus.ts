import {
  JSONCodec,
  nuid,
  type ConsumerMessages,
  type JetStreamClient,
  type JetStreamManager,
  type NatsConnection,
  type Subscription,
} from 'nats';
import type { BusEvent, BusEventOf, BusEventType } from '../domain';
import { consumeDurable, type ConsumerCounts } from './durable-consumer';
import { DURABLE_TYPES, isDurable } from './durable-events';
import type { EventBus, SubscribeOptions, Unsubscribe } from './event-bus';
import { DEFAULT_STREAM_LIMITS, ensureEventStream, type EventStreamLimits } from './event-stream';
import { RecentIds, type HandledLog } from './handled-log';
import { JetStreamOutbox, type OutboxStats } from './jetstream-outbox';
import { connectNats, type NatsConnectOptions } from './nats-connection';
import { findKeyValueTable, openKeyValueTable, type KeyValueTable } from './key-value-table';

const codec = JSONCodec<BusEvent>();

/**
 * JetStream for the events that must not be lost. `auto`: when the server has JetStream enabled
 * (nats-server -js), else core NATS; `on`: refuse a server without it.
 */
export interface JetStreamOptions extends Partial<EventStreamLimits> {
  mode: 'auto' | 'on';
  /**
   * This process's consumer name (e.g. "console"): its subscriptions are durable consumers that
   * resume after a restart where they stopped. Absent: subscriptions are live only (core NATS).
   */
  consumer?: string;
  /** Seconds an event may stay unacknowledged before it is redelivered (default 10). */
  ackWaitS?: number;
  /** Ids of handled events (default: in memory); a SQLite log also catches redeliveries after a crash. */
  handledLog?: HandledLog;
}

export interface NatsBusOptions extends NatsConnectOptions {
  prefix?: string;
  onError?: (error: Error) => void;
  jetstream?: JetStreamOptions;
}

interface JetStreamSide {
  js: JetStreamClient;
  manager: JetStreamManager;
  limits: EventStreamLimits;
  outbox: JetStreamOutbox;
  consumer: string | undefined;
  ackWaitS: number;
  handled: HandledLog;
  /** Every log ids are kept in: the bus's own and those subscribers brought (pruned together). */
  logs: Set<HandledLog>;
  pruneTimer: NodeJS.Timeout;
}

export interface NatsBusStats {
  durability: 'jetstream' | 'core';
  outbox: OutboxStats | null;
  consumed: ConsumerCounts;
}

/**
 * The same events over NATS, for when a county or city collector, the alert engine and the console
 * servers run on different machines. Subjects are `<prefix>.<event type>` (e.g. egov.node.state).
 * Core NATS: at most once. With JetStream, the events `durable-events.ts` names are stored in a
 * bounded stream, published until acknowledged under an event id (Nats-Msg-Id: the server stores a
 * retry once), and a process with a consumer name reads them through durable consumers, at least
 * once, skipping ids it has handled. Live subscribers (no consumer name) see every event as before.
 */
export class NatsBus implements EventBus {
  private readonly subscriptions = new Set<Subscription>();
  private readonly durables = new Set<Promise<ConsumerMessages | null>>();
  private readonly durableNames = new Map<string, number>();
  private readonly consumed: ConsumerCounts = { handled: 0, duplicates: 0, malformed: 0, superseded: 0 };
  private readonly publisherId = nuid.next();
  private sequence = 0;

  private constructor(
    private readonly connection: NatsConnection,
    private readonly prefix: string,
    private readonly onError: (error: Error) => void,
    private readonly jetstream: JetStreamSide | null,
  ) {}

  /** Connect to nats://host:port; the account and TLS come from the CLI (environment.ts), never from the environment here. */
  static async connect(url: string, options: NatsBusOptions = {}): Promise<NatsBus> {
    const connection = await connectNats(url, options);
    const onError =
      options.onError ??
      ((error: Error) => {
        // A handler that throws is a bug: crash so a supervisor restarts the process (STYLE.md).
        throw error;
      });
    const prefix = options.prefix ?? 'egov';
    try {
      const jetstream = options.jetstream ? await openJetStream(connection, prefix, options.jetstream) : null;
      return new NatsBus(connection, prefix, onError, jetstream);
    } catch (error) {
      await connection.close();
      throw error;
    }
  }

  /** `jetstream` when the events that must not be lost are stored and acknowledged. */
  get durability(): 'jetstream' | 'core' {
    return this.jetstream ? 'jetstream' : 'core';
  }

  publish(event: BusEvent): void {
    const subject = `${this.prefix}.${event.type}`;
    if (this.jetstream && isDurable(event.type))
      this.jetstream.outbox.enqueue(subject, codec.encode(event), `${this.publisherId}-${++this.sequence}`);
    else this.connection.publish(subject, codec.encode(event));
  }

  subscribe<T extends BusEventType>(type: T, handler: (event: BusEventOf<T>) => void): Unsubscribe {
    const untyped = (event: BusEvent) => handler(event as BusEventOf<T>);
    if (this.jetstream?.consumer !== undefined && isDurable(type))
      return this.durable(`${this.prefix}.${type}`, type, untyped);
    return this.listen(`${this.prefix}.${type}`, untyped);
  }

  subscribeAll(handler: (event: BusEvent) => void, options: SubscribeOptions = {}): Unsubscribe {
    if (this.jetstream?.consumer === undefined) return this.listen(`${this.prefix}.>`, handler);
    const live = (this.allTypes().filter((type) => !isDurable(type)) as string[]).map((type) =>
      this.listen(`${this.prefix}.${type}`, handler),
    );
    const stored = this.durable(`${this.prefix}.>`, 'all', handler, options.handled);
    return () => {
      live.forEach((unsubscribe) => unsubscribe());
      stored();
    };
  }

  stats(): NatsBusStats {
    return {
      durability: this.durability,
      outbox: this.jetstream?.outbox.stats() ?? null,
      consumed: { ...this.consumed },
    };
  }

  /** A JetStream key-value bucket whose entries expire `ttlMs` after their last write (collector leases). */
  async keyValueTable(bucket: string, ttlMs: number): Promise<KeyValueTable> {
    if (!this.jetstream) throw new Error('leases need JetStream: start nats-server with -js');
    return openKeyValueTable(this.connection, bucket, ttlMs);
  }

  /** The bucket if it exists (readers that must not create one); null when it does not. */
  findKeyValueTable(bucket: string): Promise<KeyValueTable | null> {
    return findKeyValueTable(this.connection, bucket);
  }

  /**
   * Wait until everything published so far has reached the server (stored and acknowledged, for
   * JetStream events) and every durable subscription is consuming (tests, clean shutdown).
   */
  async flush(): Promise<void> {
    await Promise.all([...this.durables]);
    await this.jetstream?.outbox.settled();
    await this.connection.flush();
  }

  /** Stop: events not acknowledged within `graceMs` (a server away) are dropped and counted in stats(). */
  async close(graceMs = 5000): Promise<void> {
    await this.jetstream?.outbox.stop(graceMs);
    if (this.jetstream) clearInterval(this.jetstream.pruneTimer);
    for (const subscription of this.subscriptions) subscription.unsubscribe();
    this.subscriptions.clear();
    for (const messages of await Promise.all([...this.durables])) await messages?.close();
    this.durables.clear();
    await this.connection.drain();
    this.jetstream?.handled.close();
  }

  private allTypes(): BusEventType[] {
    return [...DURABLE_TYPES, 'collector.health', 'alert'];
  }

  /** The n-th subscription of this kind in this process keeps its name across restarts. */
  private durableName(kind: string): string {
    const base = `${this.jetstream?.consumer ?? ''}_${kind}`.replace(/[^A-Za-z0-9_-]/g, '_');
    const n = this.durableNames.get(base) ?? 0;
    this.durableNames.set(base, n + 1);
    return n === 0 ? base : `${base}_${n}`;
  }

  private durable(
    subject: string,
    kind: string,
    handler: (event: BusEvent) => void,
    ownLog?: HandledLog,
  ): Unsubscribe {
    const side = this.jetstream;
    if (!side) throw new Error('durable subscription without JetStream');
    // A subscriber's own log is pruned with the bus's (its owner closes it).
    if (ownLog) side.logs.add(ownLog);
    const started = consumeDurable(
      side.js,
      side.manager,
      {
        stream: side.limits.stream,
        name: this.durableName(kind),
        subject,
        ackWaitS: side.ackWaitS,
        inactiveAfterS: side.limits.maxAgeS,
        handled: ownLog ?? side.handled,
        handler,
        onError: this.onError,
      },
      this.consumed,
    ).catch((error: unknown) => {
      this.onError(error instanceof Error ? error : new Error(String(error)));
      return null;
    });
    this.durables.add(started);
    return () => {
      // The durable consumer stays on the server: a later subscription of that name resumes it.
      if (ownLog) side.logs.delete(ownLog);
      this.durables.delete(started);
      void started.then((messages) => messages?.close());
    };
  }

  private listen(subject: string, handler: (event: BusEvent) => void): Unsubscribe {
    const subscription = this.connection.subscribe(subject, {
      callback: (error, message) => {
        if (error) return this.onError(error);
        try {
          handler(codec.decode(message.data));
        } catch (handlerError) {
          this.onError(handlerError instanceof Error ? handlerError : new Error(String(handlerError)));
        }
      },
    });
    this.subscriptions.add(subscription);
    return () => {
      subscription.unsubscribe();
      this.subscriptions.delete(subscription);
    };
  }
}

async function jetStreamManagerOf(connection: NatsConnection, mode: 'auto' | 'on') {
  try {
    return await connection.jetstreamManager();
  } catch (error) {
    if (mode === 'auto') return null;
    throw new Error(
      `JetStream is not enabled on the NATS server (start nats-server with -js): ${(error as Error).message}`,
    );
  }
}

async function openJetStream(
  connection: NatsConnection,
  prefix: string,
  options: JetStreamOptions,
): Promise<JetStreamSide | null> {
  const manager = await jetStreamManagerOf(connection, options.mode);
  if (manager === null) return null;
  const wanted: EventStreamLimits = {
    stream: options.stream ?? DEFAULT_STREAM_LIMITS.stream,
    maxAgeS: options.maxAgeS ?? DEFAULT_STREAM_LIMITS.maxAgeS,
    maxBytes: options.maxBytes ?? DEFAULT_STREAM_LIMITS.maxBytes,
  };
  const limits = { ...wanted, stream: await ensureEventStream(manager, prefix, wanted) };
  const js = connection.jetstream();
  const handled = options.handledLog ?? new RecentIds();
  const logs = new Set<HandledLog>([handled]);
  // An id older than the stream's max age cannot be redelivered: forget it.
  const pruneTimer = setInterval(() => {
    for (const log of logs) log.forgetBefore(Date.now() - limits.maxAgeS * 1000);
  }, 60_000);
  pruneTimer.unref();
  return {
    js,
    manager,
    limits,
    outbox: new JetStreamOutbox(js),
    consumer: options.consumer,
    ackWaitS: options.ackWaitS ?? 10,
    handled,
    logs,
    pruneTimer,
  };
}

/** An EventBus from a spec: `memory` (default, in-process) or `nats://host:port`. */
export async function openEventBus(
  spec: string | undefined,
  inProcess: () => EventBus,
  options: NatsBusOptions = {},
): Promise<EventBus> {
  if (spec === undefined || spec === '' || spec === 'memory') return inProcess();
  if (/^(nats|tls):\/\//.test(spec)) return NatsBus.connect(spec, options);
  throw new Error(`unknown event bus "${spec}": use "memory" or nats://host:port`);
}

import { connect, JSONCodec, type NatsConnection, type Subscription } from 'nats';
import type { EventBus, Unsubscribe } from './event-bus';
import type { BusEvent, BusEventOf, BusEventType } from '../domain';

const codec = JSONCodec<BusEvent>();

/** A NATS account for servers that require one; either field may be absent. */
export interface NatsAccount {
  user?: string;
  pass?: string;
}

/**
 * The same events over NATS, for when a county or city collector, the alert engine and the console
 * servers run on different machines. Subjects are `<prefix>.<event type>` (e.g. egov.node.state),
 * so a subscriber can take one type or all (`egov.>`). Delivery is asynchronous, at most once,
 * in publish order per publisher (NATS core semantics); the alert engine's own state is durable.
 */
export class NatsBus implements EventBus {
  private readonly subscriptions = new Set<Subscription>();

  private constructor(
    private readonly connection: NatsConnection,
    private readonly prefix: string,
    private readonly onError: (error: Error) => void,
  ) {}

  /** Connect to nats://host:port; credentials, if any, come from the URL or `account` (the CLI's NATS_USER/NATS_PASSWORD). */
  static async connect(
    url: string,
    options: {
      prefix?: string;
      name?: string;
      onError?: (error: Error) => void;
      account?: NatsAccount;
    } = {},
  ): Promise<NatsBus> {
    const connection = await connect({
      servers: url,
      name: options.name ?? 'egov-noc',
      ...(options.account ?? {}),
      maxReconnectAttempts: -1,
      reconnectTimeWait: 1000,
    });
    const onError =
      options.onError ??
      ((error: Error) => {
        // A handler that throws is a bug: crash so a supervisor restarts the process (STYLE.md).
        throw error;
      });
    return new NatsBus(connection, options.prefix ?? 'egov', onError);
  }

  publish(event: BusEvent): void {
    this.connection.publish(`${this.prefix}.${event.type}`, codec.encode(event));
  }

  subscribe<T extends BusEventType>(type: T, handler: (event: BusEventOf<T>) => void): Unsubscribe {
    return this.listen(`${this.prefix}.${type}`, (event) => handler(event as BusEventOf<T>));
  }

  subscribeAll(handler: (event: BusEvent) => void): Unsubscribe {
    return this.listen(`${this.prefix}.>`, handler);
  }

  /** Wait until everything published so far has reached the server (tests, clean shutdown). */
  async flush(): Promise<void> {
    await this.connection.flush();
  }

  async close(): Promise<void> {
    for (const subscription of this.subscriptions) subscription.unsubscribe();
    this.subscriptions.clear();
    await this.connection.drain();
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

/** An EventBus from a spec: `memory` (default, in-process) or `nats://host:port`. */
export async function openEventBus(
  spec: string | undefined,
  inProcess: () => EventBus,
  account: NatsAccount = {},
): Promise<EventBus> {
  if (spec === undefined || spec === '' || spec === 'memory') return inProcess();
  if (/^nats:\/\//.test(spec)) return NatsBus.connect(spec, { account });
  throw new Error(`unknown event bus "${spec}": use "memory" or nats://host:port`);
}

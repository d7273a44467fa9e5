import type { EventBus, NatsBusOptions } from '../../bus';
import type { NatsEnvironment } from '../environment';

/** A process that reads the bus through durable consumers: its name and where it keeps handled ids. */
export interface BusConsumer {
  name: string;
  handledLogPath: string;
}

/** NATS settings from the environment; with a consumer, a SQLite handled log that outlives a crash. */
export async function natsBusOptions(nats: NatsEnvironment, consumer?: BusConsumer): Promise<NatsBusOptions> {
  const handledLog = consumer
    ? new (await import('../../bus')).SqliteHandledLog(consumer.handledLogPath)
    : undefined;
  return {
    ...nats.account,
    ...(nats.tls === undefined ? {} : { tls: nats.tls }),
    ...(nats.jetstream === 'off'
      ? {}
      : {
          jetstream: {
            mode: nats.jetstream,
            ...(nats.maxAgeS === undefined ? {} : { maxAgeS: nats.maxAgeS }),
            ...(nats.maxBytes === undefined ? {} : { maxBytes: nats.maxBytes }),
            ...(consumer === undefined ? {} : { consumer: consumer.name }),
            ...(handledLog === undefined ? {} : { handledLog }),
          },
        }),
  };
}

const isNats = (spec: string | undefined) => spec !== undefined && /^(nats|tls):\/\//.test(spec);

/** The event bus a spec names (memory, or NATS with the environment's account, TLS and JetStream). */
export async function openBus(
  spec: string | undefined,
  nats: NatsEnvironment,
  consumer?: BusConsumer,
): Promise<EventBus> {
  const { openEventBus } = await import('../../bus');
  if (!isNats(spec)) return openEventBus(spec);
  return openEventBus(spec, await natsBusOptions(nats, consumer));
}

/** What the operator reads: where events go, without the account, and whether they are kept. */
export async function describeBus(spec: string, bus: EventBus): Promise<string> {
  const { NatsBus, redactNatsUrl } = await import('../../bus');
  if (!(bus instanceof NatsBus)) return spec;
  return bus.durability === 'jetstream'
    ? `${redactNatsUrl(spec)} (JetStream: state changes, samples, traps and security events kept until acknowledged)`
    : `${redactNatsUrl(spec)} (core NATS: at most once; start nats-server with -js to keep events)`;
}

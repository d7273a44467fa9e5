/**
 * The syslog side of `egov-noc collect`: settings from the flags and the config's `syslog:` section,
 * checked once; then the receiver, each event on the bus as `security.event`, counted per node and
 * category into the MetricsStore and, with a log store, kept there. Loaded only when syslog is on.
 */
import type { EventBus } from '../../bus';
import type { Sighting, SightingGate } from '../../collector';
import type { Logger } from '../../common';
import type { AgentEndpoint, Inventory, MetricPoint, SecurityEvent, Zone } from '../../domain';
import {
  describeLogStoreSpec,
  openLogStore,
  parseLogStoreSpec,
  startRetentionSchedule,
  startSecurityCounts,
  startSyslogReceiver,
  type LogStore,
  type LogStoreHealth,
  type SyslogReceiver,
} from '../../logs';
import {
  DEFAULT_MAX_BUFFERED_BYTES,
  DEFAULT_MAX_BUFFERED_EVENTS,
  formatBufferBytes,
} from '../../logs/store/buffer-bounds';
import { fail } from '../fail';
import type { CollectConfig } from './collect-files';

export interface SyslogFlags {
  syslogPort?: number;
  syslogAddress?: string;
  syslogTlsPort?: number;
  syslogTlsCert?: string;
  syslogTlsKey?: string;
  syslogTlsCa?: string;
  syslogRequireClientCert?: boolean;
  syslogRelays?: string[];
  logStore?: string;
  logDeadLetter?: string;
  logRetentionDays?: number;
  logBufferEvents?: number;
  logBufferBytes?: number;
}

export interface SyslogSettings {
  port?: number;
  address: string;
  tls?: { port: number; certFile: string; keyFile: string; caFile?: string; requireClientCert: boolean };
  relays: string[];
  logStore?: string;
  deadLetterPath?: string;
  retention: { retentionDays?: number; allowBelowLegalMinimum?: boolean };
  /** The log store buffer's bounds; absent: the store's defaults. */
  buffer: { maxBufferedEvents?: number; maxBufferedBytes?: number };
}

const IPV4 = /^(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)$/;

/** Settings that only mean something to a log store: [flag, collect.yaml key, value given]. */
function logStoreOnlySettings(
  flags: SyslogFlags,
  config: Partial<CollectConfig>,
): Array<[flag: string, key: string, value: unknown]> {
  return [
    ['--log-dead-letter', 'logDeadLetter', flags.logDeadLetter ?? config.logDeadLetter],
    ['--log-retention-days', 'logRetentionDays', flags.logRetentionDays ?? config.logRetentionDays],
    ['--log-buffer-events', 'logBufferEvents', flags.logBufferEvents ?? config.logBufferEvents],
    ['--log-buffer-bytes', 'logBufferBytes', flags.logBufferBytes ?? config.logBufferBytes],
  ];
}

/** A log-store setting given without a log store is refused, naming what to add. */
function requireLogStoreFor(flags: SyslogFlags, config: Partial<CollectConfig>): void {
  if ((flags.logStore ?? config.logStore) !== undefined) return;
  const given = logStoreOnlySettings(flags, config).find(([, , value]) => value !== undefined);
  if (given)
    fail(
      `${given[0]} (${given[1]}: in collect.yaml) is a setting of the log store: it needs --log-store sqlite:PATH or postgres://HOST:PORT/DB (logStore: in collect.yaml)`,
    );
}

/** The buffer bounds, a flag winning over its key (each checked already: by its flag parser or the config's schema). */
function bufferSettings(flags: SyslogFlags, config: Partial<CollectConfig>): SyslogSettings['buffer'] {
  const maxBufferedEvents = flags.logBufferEvents ?? config.logBufferEvents;
  const maxBufferedBytes = flags.logBufferBytes ?? config.logBufferBytes;
  return {
    ...(maxBufferedEvents === undefined ? {} : { maxBufferedEvents }),
    ...(maxBufferedBytes === undefined ? {} : { maxBufferedBytes }),
  };
}

/** The settings, or null when syslog is off; an inconsistent combination fails with what to add. */
export function syslogSettings(flags: SyslogFlags, config: Partial<CollectConfig>): SyslogSettings | null {
  const section = config.syslog ?? {};
  const port = flags.syslogPort ?? section.port;
  const tlsPort = flags.syslogTlsPort ?? section.tlsPort;
  requireLogStoreFor(flags, config);
  if (port === undefined && tlsPort === undefined) {
    if (flags.logStore ?? config.logStore)
      fail('--log-store keeps received syslog: it needs --syslog-port or --syslog-tls-port');
    return null;
  }
  const address = flags.syslogAddress ?? section.address ?? '127.0.0.1';
  if (!IPV4.test(address)) fail(`--syslog-address must be an IPv4 address, got "${address}"`);
  const relays = flags.syslogRelays ?? section.relays ?? [];
  const badRelay = relays.find((r) => !IPV4.test(r));
  if (badRelay !== undefined) fail(`--syslog-relays takes IPv4 addresses, got "${badRelay}"`);
  const certFile = flags.syslogTlsCert ?? section.tlsCert;
  const keyFile = flags.syslogTlsKey ?? section.tlsKey;
  const caFile = flags.syslogTlsCa ?? section.tlsCa;
  const requireClientCert = flags.syslogRequireClientCert ?? section.requireClientCert ?? false;
  if (tlsPort !== undefined && (!certFile || !keyFile))
    fail(
      '--syslog-tls-port needs --syslog-tls-cert FILE and --syslog-tls-key FILE (egov-noc ca issue --profile server)',
    );
  if (requireClientCert && !caFile)
    fail(
      '--syslog-require-client-cert needs --syslog-tls-ca FILE: the CA bundle that issues sender certificates',
    );
  const logStore = flags.logStore ?? config.logStore;
  if (logStore !== undefined) {
    try {
      parseLogStoreSpec(logStore);
    } catch (error) {
      fail((error as Error).message);
    }
  }
  const deadLetterPath = flags.logDeadLetter ?? config.logDeadLetter;
  const retentionDays = flags.logRetentionDays ?? config.logRetentionDays;
  const allowBelowLegalMinimum = config.logRetentionBelowLegalMinimum;
  return {
    retention: {
      ...(retentionDays === undefined ? {} : { retentionDays }),
      ...(allowBelowLegalMinimum === undefined ? {} : { allowBelowLegalMinimum }),
    },
    buffer: bufferSettings(flags, config),
    ...(port === undefined ? {} : { port }),
    address,
    ...(tlsPort === undefined || !certFile || !keyFile
      ? {}
      : { tls: { port: tlsPort, certFile, keyFile, ...(caFile ? { caFile } : {}), requireClientCert } }),
    relays,
    ...(logStore === undefined ? {} : { logStore }),
    ...(deadLetterPath === undefined ? {} : { deadLetterPath }),
  };
}

export function describeSyslog(s: SyslogSettings): string {
  const listeners = [
    ...(s.port === undefined ? [] : [`udp+tcp/${s.port}`]),
    ...(s.tls
      ? [`tls/${s.tls.port}${s.tls.requireClientCert ? ' (client certificates required)' : ''}`]
      : []),
  ];
  return (
    `; syslog ${listeners.join(', ')} on ${s.address}` +
    (s.relays.length > 0 ? ` relays ${s.relays.join(',')}` : '') +
    (s.logStore
      ? `; log store ${describeLogStoreSpec(parseLogStoreSpec(s.logStore))}${describeBuffer(s)}`
      : '')
  );
}

/** ` (buffer 100000 events, 32 MiB)`: the bounds in force, defaults included. */
function describeBuffer(s: SyslogSettings): string {
  const events = s.buffer.maxBufferedEvents ?? DEFAULT_MAX_BUFFERED_EVENTS;
  const bytes = s.buffer.maxBufferedBytes ?? DEFAULT_MAX_BUFFERED_BYTES;
  return ` (buffer ${events} events, ${formatBufferBytes(bytes)})`;
}

export interface RunningSyslog {
  receiver: SyslogReceiver;
  /** The log store's health (its buffer, bounds and drops), or null without a log store. */
  logStoreHealth(): LogStoreHealth | null;
  /** The log store's readiness probe (LogStore.ping), or null without a log store. */
  pingLogStore: (() => Promise<void>) | null;
  /** ` syslog=… ` for the status line. */
  status(): string;
  /** ` on udp/P tcp/P tls/P`: the ports bound (the ones chosen, for port 0). */
  listening(): string;
  stop(): Promise<void>;
}

export interface SyslogDeps {
  inventory: Inventory;
  /** The simulator's agents: their syslog comes from their own port on 127.0.0.1. */
  manifest?: readonly AgentEndpoint[];
  bus: EventBus;
  writeMetrics: (points: MetricPoint[]) => void;
  logger: Logger;
  /** The PostgreSQL account from the environment (EGOV_NOC_LOGSTORE_USER / _PASSWORD). */
  logStoreAccount?: { user?: string; password?: string };
  /** A collector confined to one zone (`--zone`): other zones' lines are kept but not acted on. */
  zone?: Zone;
  /** Senders that are no inventory node go here (the console's "not in the inventory" list). */
  sightings?: SightingGate;
}

async function openStore(
  settings: SyslogSettings & { logStore: string },
  deps: SyslogDeps,
): Promise<LogStore> {
  const store = openLogStore(settings.logStore, {
    ...settings.retention,
    ...settings.buffer,
    ...(settings.deadLetterPath === undefined ? {} : { deadLetterPath: settings.deadLetterPath }),
    logger: deps.logger.child({ part: 'log-store' }),
    credentials: {
      ...(deps.logStoreAccount?.user === undefined ? {} : { user: deps.logStoreAccount.user }),
      ...(deps.logStoreAccount?.password === undefined ? {} : { password: deps.logStoreAccount.password }),
    },
  });
  await store.init();
  return store;
}

/** An unknown sender as the console lists it: its address and the HOSTNAME it gave (untrusted). */
function syslogSighting(event: SecurityEvent): Sighting {
  return {
    source: 'syslog',
    address: event.senderAddress,
    name: event.hostname,
    chassisId: null,
    seenBy: null,
  };
}

export async function startSyslog(settings: SyslogSettings, deps: SyslogDeps): Promise<RunningSyslog> {
  let logStore: LogStore | null = null;
  if (settings.logStore) {
    try {
      logStore = await openStore({ ...settings, logStore: settings.logStore }, deps);
    } catch (error) {
      fail(
        `log store ${describeLogStoreSpec(parseLogStoreSpec(settings.logStore))}: ${(error as Error).message}`,
      );
    }
  }
  const counts = startSecurityCounts(deps.writeMetrics);
  const store = logStore;
  const stopRetention = store
    ? startRetentionSchedule(store, { logger: deps.logger.child({ part: 'log-store' }) })
    : () => undefined;
  // A zone-confined collector keeps another zone's lines (the law wants every log kept) but neither
  // publishes nor counts them: its alert engine and console are for its own zone. Counted and warned,
  // since a line from across the boundary reaching this collector is itself worth a look.
  let outOfZone = 0;
  const outsideZone = (event: SecurityEvent): boolean => {
    if (deps.zone === undefined || event.zone === null || event.zone === deps.zone) return false;
    if (outOfZone++ === 0)
      deps.logger.warn(
        { node: event.node, zone: event.zone, confinedTo: deps.zone },
        'syslog from a node of another zone: kept, not acted on',
      );
    return true;
  };
  let receiver: SyslogReceiver;
  try {
    receiver = await startSyslogReceiver({
      ...(settings.port === undefined ? {} : { port: settings.port }),
      address: settings.address,
      ...(settings.tls ? { tls: settings.tls } : {}),
      inventory: deps.inventory,
      ...(deps.manifest ? { manifest: deps.manifest } : {}),
      relays: settings.relays,
      logger: deps.logger.child({ part: 'syslog' }),
      onEvent: (event) => {
        store?.write([event]);
        if (outsideZone(event)) return;
        deps.bus.publish({ type: 'security.event', timeMs: event.receivedAtMs, event });
        counts.count(event);
        if (event.node === null) deps.sightings?.note(syslogSighting(event));
      },
    });
  } catch (error) {
    counts.stop();
    stopRetention();
    await store?.close();
    throw new Error(`syslog receiver: ${(error as Error).message}`);
  }
  return {
    receiver,
    logStoreHealth: () => store?.health() ?? null,
    pingLogStore: store ? () => store.ping() : null,
    listening: () =>
      ` on ${settings.address}:` +
      [
        receiver.udpPort === null ? '' : ` udp/${receiver.udpPort}`,
        receiver.tcpPort === null ? '' : ` tcp/${receiver.tcpPort}`,
        receiver.tlsPort === null ? '' : ` tls/${receiver.tlsPort}`,
      ].join(''),
    status() {
      const s = receiver.stats();
      const kept = store
        ? ` logstore pending=${store.health().pendingEvents} dropped=${store.health().droppedEvents} deadLettered=${store.health().deadLetteredEvents}`
        : '';
      const zone = deps.zone === undefined ? '' : ` outOfZone=${outOfZone}`;
      const kernel = s.kernelDropped === null ? '' : ` kernelDropped=${s.kernelDropped}`;
      return ` syslog=${s.received} parsed=${s.parsed} unknown=${s.unknownSenders} oversized=${s.oversized} malformed=${s.malformed} dropped=${s.dropped}${kernel}${zone}${kept}`;
    },
    async stop() {
      await receiver.close();
      counts.stop();
      stopRetention();
      await store?.close();
    },
  };
}

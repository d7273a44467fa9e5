import type { Command } from 'commander';
import type { EventBus } from '../../bus';
import type { CollectorStatus } from '../../collector';
import type { ConfigError } from '../../common';
import { ZONES, type Zone } from '../../domain';
import { readEnvironment } from '../environment';
import {
  DEFAULT_MAX_BUFFERED_BYTES,
  DEFAULT_MAX_BUFFERED_EVENTS,
  formatBufferBytes,
  MIN_BUFFERED_BYTES,
  parseByteSize,
} from '../../logs/store/buffer-bounds';
import { fail } from '../fail';
import type { CollectConfig, CollectConfigResult } from './collect-files';
import type { RunningSyslog, SyslogFlags } from './collect-syslog';
import type { SharingFlags } from './collect-sharing';
import { METRICS_TOKEN_ENV, parseOpsListen, type OpsListen } from './ops-flags';

interface CollectFlags extends SyslogFlags, SharingFlags {
  config?: string;
  inventory?: string;
  store?: string;
  manifest?: string;
  interval?: number;
  trapPort?: number;
  trapAddress?: string;
  concurrency?: number;
  statusPeriod?: number;
  bus?: string;
  zone?: Zone;
  opsListen?: OpsListen;
  checks?: string;
  stateDir?: string;
}

/** The collector's state directory unless --state-dir or the config's stateDir names one. */
const DEFAULT_STATE_DIR = '.data/collector';

const positive = (what: string) => (value: string) => {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) fail(`${what} must be a positive number, got "${value}"`);
  return n;
};
const zone = (value: string): Zone => {
  const found = ZONES.find((z) => z === value);
  return found ?? fail(`--zone must be one of ${ZONES.join(', ')}, got "${value}"`);
};
const portFor = (flag: string) => (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) fail(`${flag} must be a port (0–65535), got "${value}"`);
  return n;
};
const port = portFor('--trap-port');
/** A whole number of at least `min` (`unit` names what it counts in the error). */
const wholeAtLeast =
  (flag: string, min: number, unit: string, why = '') =>
  (value: string) => {
    const n = Number(value);
    if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < min)
      fail(`${flag} must be a whole number of ${unit}, at least ${min}${why}, got "${value}"`);
    return n;
  };
const bufferEvents = wholeAtLeast('--log-buffer-events', 1, 'events');
const bufferBytes = (value: string) => {
  const bytes = parseByteSize(value);
  if (bytes === null || bytes < MIN_BUFFERED_BYTES)
    fail(
      `--log-buffer-bytes must be a size such as 64MiB, 512KiB or 33554432 (bytes), at least ${formatBufferBytes(MIN_BUFFERED_BYTES)} (the log store's minimum), got "${value}"`,
    );
  return bytes;
};
const list = (value: string) => value.split(',').map((item) => item.trim());

/** The collect config, or every problem in it (file:line field: message) and exit 2; an unreadable file is one line. */
function configOrFail(
  file: string,
  readConfig: (file: string) => CollectConfigResult,
  format: (error: ConfigError) => string,
): CollectConfig {
  const loaded = readConfig(file);
  if (loaded.ok) return loaded.config;
  const [first] = loaded.errors;
  if (first?.field === '(file)') return fail(`${file}: ${first.message}`);
  for (const error of loaded.errors) process.stderr.write(`${format(error)}\n`);
  return fail(`${loaded.errors.length} problem(s) in ${file}`, 2);
}

/** One line per status period: what an operator glances at. */
export function formatStatusLine(s: CollectorStatus): string {
  const { snapshot: p, store } = s;
  const traps = s.traps
    ? ` traps=${s.traps.published} unknown=${s.traps.unknownSenders} rejected=${s.traps.rejected}`
    : '';
  return (
    `${new Date(s.timeMs).toISOString()} polls/s=${p.pollsPs.toFixed(1)} p50=${p.pollP50Ms.toFixed(0)}ms ` +
    `p95=${p.pollP95Ms.toFixed(0)}ms timeouts/s=${p.timeoutsPs.toFixed(2)} lag=${p.queueLagMs.toFixed(0)}ms ` +
    `values/s=${p.valuesPs.toFixed(0)} reachable=${s.reachable}/${s.nodes} unreachable=${s.unreachable} ` +
    `store=${store.backendUp ? 'up' : 'DOWN'} pending=${store.pendingPoints} spool=${store.spooledPoints} dropped=${store.droppedPoints}${traps}`
  );
}

export function registerCollectCommand(program: Command): void {
  program
    .command('collect')
    .description('poll every inventory node by SNMP, store metrics, receive traps (Ctrl-C stops and flushes)')
    .option(
      '--config <file>',
      'YAML with inventory, store, manifest, intervalS, trapPort, trapAddress, trapCommunities, concurrency, …',
    )
    .option('--inventory <file>', 'inventory YAML')
    .option('--store <spec>', 'influx://HOST:PORT/DB, or a SQLite file path')
    .option('--manifest <file>', "the simulator's manifest: poll its agents with its credentials")
    .option(
      '--interval <s>',
      'poll every node every S seconds (default: the inventory intervals)',
      positive('--interval'),
    )
    .option('--trap-port <port>', 'receive SNMP traps on this UDP port', port)
    .option('--trap-address <ipv4>', 'address the trap receiver binds (default 127.0.0.1: this host only)')
    .option(
      '--syslog-port <port>',
      'receive device logs (syslog) on this UDP and TCP port',
      portFor('--syslog-port'),
    )
    .option(
      '--syslog-address <ipv4>',
      'address the syslog receiver binds (default 127.0.0.1: this host only)',
    )
    .option(
      '--syslog-tls-port <port>',
      'receive syslog over TLS (RFC 5425) on this port',
      portFor('--syslog-tls-port'),
    )
    .option('--syslog-tls-cert <file>', 'TLS certificate (PEM) from egov-noc ca issue --profile server')
    .option('--syslog-tls-key <file>', 'its private key (PEM)')
    .option('--syslog-tls-ca <file>', 'our CA bundle: the issuer of sender certificates')
    .option(
      '--syslog-require-client-cert',
      'hear only TLS senders holding a certificate from --syslog-tls-ca',
    )
    .option('--syslog-relays <ipv4,…>', 'relays (rsyslog) whose lines name their node in HOSTNAME', list)
    .option('--log-store <spec>', 'keep received security events: sqlite:PATH or postgres://HOST:PORT/DB')
    .option(
      '--log-dead-letter <file>',
      'JSON-lines file (0600) for events the log store refuses (default: beside an SQLite store)',
    )
    .option(
      '--log-retention-days <n>',
      'days the log store keeps events (default and legal minimum 180)',
      positive('--log-retention-days'),
    )
    .option(
      '--log-buffer-events <n>',
      `events the log store's buffer holds while its backend is slow or down; beyond, dropped and counted (default ${DEFAULT_MAX_BUFFERED_EVENTS})`,
      bufferEvents,
    )
    .option(
      '--log-buffer-bytes <n>',
      `memory for that buffer, off the V8 heap: bytes, or with KiB/MiB/GiB (default ${formatBufferBytes(DEFAULT_MAX_BUFFERED_BYTES)}; at least ${formatBufferBytes(MIN_BUFFERED_BYTES)})`,
      bufferBytes,
    )
    .option(
      '--checks <file>',
      'service checks (HTTP(S), TLS, DNS, TCP, ICMP via fping) on inventory nodes, YAML; see collector/README.md',
    )
    .option(
      '--state-dir <dir>',
      "the collector's state (0700): content baselines of defacement checks (default .data/collector)",
    )
    .option('--concurrency <n>', 'polls in flight at once (default 100)', positive('--concurrency'))
    .option('--status-period <s>', 'seconds between status lines (default 10)', positive('--status-period'))
    .option(
      '--zone <zone>',
      `poll only the nodes of this zone (${ZONES.join(', ')}) and refuse every other, traps included`,
      zone,
    )
    .option(
      '--bus <spec>',
      'event bus: memory (default) or nats://HOST:PORT, where the console server listens',
    )
    .option(
      '--share <mode>',
      'divide the inventory with the other collectors on this bus (JetStream leases): even, subtree or zone',
    )
    .option('--collector-id <id>', 'this collector among those sharing (default HOST-PID)')
    .option(
      '--lease-ttl <s>',
      "seconds a lease lives unrenewed: a dead collector's nodes move after it (default half the poll interval)",
      positive('--lease-ttl'),
    )
    .option(
      '--ops-listen <ipv4:port>',
      `serve /healthz, /readyz and /metrics here (e.g. 127.0.0.1:9464; default off; /metrics to loopback peers, or with ${METRICS_TOKEN_ENV} set to whoever sends it)`,
      parseOpsListen,
    )
    .action(async (flags: CollectFlags) => {
      const { readConfig, readManifest } = await import('./collect-files');
      const { NatsBus } = await import('../../bus');
      const { describeBus, openBus } = await import('./bus-options');
      const { createCollectorMetrics, proposeEntry, SightingGate, startCollector, startCollectorOps } =
        await import('../../collector');
      const { createLogger, formatConfigError } = await import('../../common');
      const { formatInventoryError, loadInventory } = await import('../../inventory');
      const { describeMetricsSpec, openMetricsStore, parseMetricsSpec } = await import('../../metrics');
      const environment = readEnvironment();
      const config: Partial<CollectConfig> = flags.config
        ? configOrFail(flags.config, readConfig, formatConfigError)
        : {};
      const inventoryFile = flags.inventory ?? config.inventory;
      const storeSpec = flags.store ?? config.store;
      if (!inventoryFile) fail('collect needs --inventory FILE (or --config FILE naming one)');
      if (!storeSpec)
        fail('collect needs --store influx://HOST:PORT/DB or a file path (or --config FILE naming one)');
      try {
        parseMetricsSpec(storeSpec);
      } catch (error) {
        fail((error as Error).message);
      }
      const loaded = loadInventory(inventoryFile);
      if (!loaded.ok) {
        for (const error of loaded.errors) process.stderr.write(`${formatInventoryError(error)}\n`);
        fail(`${loaded.errors.length} error(s) in ${inventoryFile}`, 2);
      }
      const checksFile = flags.checks ?? config.checks;
      const checkSources = [
        ...(loaded.inventory.serviceCheckCount > 0 ? [{ file: inventoryFile, inInventory: true }] : []),
        ...(checksFile ? [{ file: checksFile, inInventory: false }] : []),
      ];
      const serviceChecks =
        checkSources.length > 0
          ? await import('./collect-checks').then(({ readChecks }) =>
              readChecks(checkSources, loaded.topology, flags.zone ?? config.zone),
            )
          : null;
      const manifestFile = flags.manifest ?? config.manifest;
      const manifest = manifestFile ? readManifest(manifestFile) : undefined;
      const unknown = manifest?.filter((m) => !loaded.topology.has(m.id)) ?? [];
      if (unknown.length > 0)
        fail(
          `manifest names ${unknown.length} node(s) the inventory lacks, e.g. "${unknown[0]?.id}": wrong inventory?`,
        );

      const logger = createLogger({ level: environment.logLevel ?? 'info' });
      const store = openMetricsStore(storeSpec, {
        logger: logger.child({ part: 'metrics' }),
        ...(environment.influxCredentials ? { credentials: environment.influxCredentials } : {}),
      });
      try {
        await store.init();
      } catch (error) {
        fail(
          `metrics store ${describeMetricsSpec(parseMetricsSpec(storeSpec))}: ${(error as Error).message}`,
        );
      }
      const intervalS = flags.interval ?? config.intervalS;
      const trapPort = flags.trapPort ?? config.trapPort;
      const trapAddress = flags.trapAddress ?? config.trapAddress ?? '127.0.0.1';
      if (!/^\d{1,3}(\.\d{1,3}){3}$/.test(trapAddress))
        fail(`--trap-address must be an IPv4 address, got "${trapAddress}"`);
      const concurrency = flags.concurrency ?? config.concurrency;
      const statusPeriodS = flags.statusPeriod ?? config.statusPeriodS;
      const { inventory, topology } = loaded;
      const wantsSyslog = [
        flags.syslogPort,
        flags.syslogTlsPort,
        flags.logStore,
        flags.logDeadLetter,
        flags.logRetentionDays,
        flags.logBufferEvents,
        flags.logBufferBytes,
        config.syslog,
        config.logStore,
        config.logDeadLetter,
        config.logRetentionDays,
        config.logBufferEvents,
        config.logBufferBytes,
      ];
      const syslogModule = wantsSyslog.some((v) => v !== undefined) ? await import('./collect-syslog') : null;
      const syslog = syslogModule?.syslogSettings(flags, config) ?? null;
      const confinedTo = flags.zone ?? config.zone;

      const intervals = new Map<number, number>();
      for (const node of inventory.nodes) {
        const s = intervalS ?? node.pollIntervalS;
        intervals.set(s, (intervals.get(s) ?? 0) + 1);
      }
      const inManifest = manifest
        ? inventory.nodes.filter((n) => manifest.some((m) => m.id === n.id)).length
        : 0;
      console.log(
        `egov-noc collect: ${topology.network.name} (${topology.network.id}) — ${inventory.nodes.length} nodes` +
          (manifest ? ` (${inManifest} at simulated agents from ${manifestFile})` : '') +
          `; intervals ${[...intervals]
            .sort((a, b) => a[0] - b[0])
            .map(([s, n]) => `${s}s×${n}`)
            .join(', ')}` +
          `; store ${describeMetricsSpec(parseMetricsSpec(storeSpec))}` +
          `; traps ${trapPort === undefined ? 'off' : `udp/${trapPort} on ${trapAddress}`}; concurrency ${concurrency ?? 100}` +
          (confinedTo === undefined
            ? ''
            : `; zone ${confinedTo} only: ${inventory.nodes.filter((n) => n.zone !== confinedTo).length} node(s) of other zones refused`) +
          (syslogModule && syslog ? syslogModule.describeSyslog(syslog) : ''),
      );

      const busSpec = flags.bus ?? config.bus ?? environment.bus;
      let bus: EventBus;
      try {
        bus = await openBus(busSpec, environment.nats);
      } catch (error) {
        await store.close();
        const { redactNatsUrl } = await import('../../bus');
        fail(`event bus ${redactNatsUrl(busSpec ?? 'memory')}: ${(error as Error).message}`);
      }
      if (busSpec && busSpec !== 'memory')
        console.log(`egov-noc collect: events go to ${await describeBus(busSpec, bus)}`);
      const { sharingSettings, startSharing } = await import('./collect-sharing');
      const leases = await startSharing(sharingSettings(flags, config.share), {
        bus,
        topology,
        nodes:
          confinedTo === undefined ? inventory.nodes : inventory.nodes.filter((n) => n.zone === confinedTo),
        intervalS,
        zone: confinedTo,
        logger,
      });

      let logs: RunningSyslog | null = null;
      let collector: Awaited<ReturnType<typeof startCollector>>;
      let ops: Awaited<ReturnType<typeof startCollectorOps>> | null = null;
      let checks: Awaited<ReturnType<typeof import('./collect-checks').startChecks>> | null = null;
      const opsMetrics = createCollectorMetrics();
      // Devices seen but not in the inventory (LLDP, traps, syslog), bounded, to the console.
      const sightings = new SightingGate({
        publish: (event) => bus.publish(event),
        propose: (sighting) => proposeEntry(inventory, sighting),
      });
      sightings.start();
      try {
        if (syslogModule && syslog)
          logs = await syslogModule.startSyslog(syslog, {
            inventory,
            ...(manifest === undefined ? {} : { manifest }),
            bus,
            writeMetrics: (points) => store.write(points),
            logger,
            logStoreAccount: environment.logStore,
            ...(confinedTo === undefined ? {} : { zone: confinedTo }),
            sightings,
          });
        if (logs) console.log(`egov-noc collect: syslog listening${logs.listening()}`);
        collector = await startCollector({
          topology,
          inventory,
          ...(leases ? { assignment: leases } : {}),
          ...(manifest === undefined ? {} : { manifest }),
          store,
          bus,
          logger: logger.child({ part: 'collector' }),
          ...(intervalS === undefined ? {} : { intervalS }),
          ...(trapPort === undefined ? {} : { trapPort, trapAddress }),
          ...(config.trapCommunities === undefined ? {} : { trapCommunities: config.trapCommunities }),
          ...(confinedTo === undefined ? {} : { zone: confinedTo }),
          ...(concurrency === undefined ? {} : { concurrency }),
          ...(statusPeriodS === undefined ? {} : { statusPeriodS }),
          ...(config.timeoutMs === undefined && config.retries === undefined
            ? {}
            : {
                timing: {
                  ...(config.timeoutMs === undefined ? {} : { timeoutMs: config.timeoutMs }),
                  ...(config.retries === undefined ? {} : { retries: config.retries }),
                },
              }),
          onStatus: (status) => {
            opsMetrics.observeStatus(status);
            console.log(
              formatStatusLine(status) +
                (logs?.status() ?? '') +
                (leases ? ` leased=${leases.held().length}/${status.nodes}` : ''),
            );
          },
          onPoll: (durationMs, outcome) => opsMetrics.observePoll(durationMs, outcome),
          sightings,
        });
        if (serviceChecks) {
          const { startChecks } = await import('./collect-checks');
          checks = await startChecks({
            checks: serviceChecks,
            store,
            bus,
            logger: logger.child({ part: 'checks' }),
            stateDir: flags.stateDir ?? config.stateDir ?? DEFAULT_STATE_DIR,
            ...(leases ? { owns: (node) => leases.owns(node) } : {}),
          });
        }
        if (leases) {
          const { pollWhenAcquired } = await import('./collect-sharing');
          const shortestMs = Math.min(...intervals.keys()) * 1000;
          pollWhenAcquired(leases, (node) => collector.pollNow(node), shortestMs / 4);
        }
        const running = logs;
        opsMetrics.attach({
          collector,
          store,
          ...(running ? { syslog: () => running.receiver.stats() } : {}),
          ...(running?.logStoreHealth() ? { logStore: () => running.logStoreHealth() } : {}),
        });
        const opsListen =
          flags.opsListen ?? (config.opsListen ? parseOpsListen(config.opsListen) : undefined);
        if (opsListen) {
          ops = await startCollectorOps({
            ...opsListen,
            store,
            bus,
            metrics: opsMetrics,
            metricsAccess: { token: environment.named[METRICS_TOKEN_ENV] ?? null },
            log: logger.child({ part: 'ops' }),
            ...(running?.pingLogStore ? { pingLogStore: running.pingLogStore } : {}),
          });
          console.log(`egov-noc collect: /healthz /readyz /metrics on ${ops.url}`);
        }
      } catch (error) {
        sightings.close();
        await logs?.stop();
        await store.close();
        fail((error as Error).message);
      }

      await new Promise<void>((resolveStop) => {
        const stop = (signal: string) => {
          console.log(`egov-noc collect: ${signal}, stopping — flushing the store`);
          process.off('SIGINT', onInt);
          process.off('SIGTERM', onTerm);
          void collector
            .stop()
            .then(() => checks?.stop())
            .then(() => leases?.stop())
            .then(() => ops?.stop())
            .then(() => logs?.stop())
            .then(() => sightings.close())
            .then(() => store.close())
            .then(() => (bus instanceof NatsBus ? bus.close() : undefined))
            .then(() => {
              const s = collector.stats();
              console.log(
                `egov-noc collect: stopped after ${s.polls} polls, ${s.values} values; store pending=${s.store.pendingPoints} dropped=${s.store.droppedPoints}`,
              );
              resolveStop();
            });
        };
        const onInt = () => stop('SIGINT');
        const onTerm = () => stop('SIGTERM');
        process.on('SIGINT', onInt);
        process.on('SIGTERM', onTerm);
      });
    });
}

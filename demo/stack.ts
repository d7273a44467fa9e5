import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startAlertEngine, type AlertEngine } from '../alerts';
import { InProcessBus } from '../bus';
import { startCollector, startServiceChecks, type RunningCollector } from '../collector';
import {
  startConsoleServer,
  ensureFirstAdmin,
  ensureSeparatedAdmins,
  type ConsoleServer,
} from '../console/server';
import { createLogger, ensurePrivateDir, writePrivateFile, type Logger } from '../common';
import { formatInventoryError, loadInventory, type Topology } from '../inventory';
import { openMetricsStore, type InfluxCredentials, type MetricsStore } from '../metrics';
import { createPkiHttpApp } from '../pki';
import {
  openLogStore,
  startSecurityCounts,
  startSyslogReceiver,
  type LogStore,
  type SyslogReceiver,
} from '../logs';
import { startSimulator, type Simulator } from '../simulator';
import { startDemoPki, type DemoPki } from './pki-setup';
import { startDemoPortal } from './portal';
import { DEFAULT_SCENARIO, scheduleDemoMeeting, startScenario, type ScenarioOptions } from './scenario';

/**
 * The whole product in one process: simulated network → collector → metrics store + bus →
 * alert engine → console server (with the PKI mounted). Used by `egov-noc demo` and the browser tests.
 */
export interface StackOptions {
  inventoryPath: string;
  /** Where users, alerts, metrics and the demo CA live; a fresh temporary folder when absent. */
  stateDir?: string;
  /** Collector poll interval for every node (the demo polls faster than production's 60 s). */
  pollIntervalS?: number;
  consolePort?: number;
  /** Address the console listens on (default 127.0.0.1; 0.0.0.0 inside a container). */
  consoleHost?: string;
  /** influx://host:port/db for InfluxDB; default the embedded SQLite store in the state dir. */
  metrics?: string;
  /** The InfluxDB account for `metrics` (the CLI reads INFLUX_USERNAME / INFLUX_PASSWORD). */
  metricsCredentials?: InfluxCredentials;
  /** Protects the demo CA's keys (the CLI reads EGOV_CA_PASSPHRASE); default one generated into the state dir. */
  caPassphrase?: string;
  /** Run the scripted fault scenario (timings overridable, e.g. faster in tests). */
  scenario?: false | Partial<Omit<ScenarioOptions, 'say'>>;
  say?: (line: string) => void;
  /** Every part logs through it (with its `part` name); default warnings and errors on stderr. */
  log?: Logger;
}

export interface Stack {
  url: string;
  stateDir: string;
  /** Printed once: the generated admin login of a fresh state dir (null when users already existed). */
  admin: { username: string; password: string } | null;
  /** Printed once too: the security and audit administrators of a fresh state dir (三权分立). */
  otherAdmins: Array<{ username: string; role: string; password: string }>;
  topology: Topology;
  simulator: Simulator;
  collector: RunningCollector;
  alerts: AlertEngine;
  console: ConsoleServer;
  pki: DemoPki;
  metrics: MetricsStore;
  /** Receives the simulated devices' syslog (UDP and TCP on loopback). */
  syslog: SyslogReceiver;
  /** Where the received security events are kept (the console searches it). */
  logStore: LogStore;
  stop(): Promise<void>;
}

/**
 * A UDP port free right now on loopback for the trap receiver the simulator sends to, chosen below
 * Linux's ephemeral range so the simulator's agents (bound to ephemeral ports) cannot take it first.
 */
async function freeUdpPort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const candidate = 20_000 + Math.floor(Math.random() * 12_000);
    const socket = createSocket('udp4');
    const free = await new Promise<boolean>((resolve) => {
      socket.once('error', () => resolve(false));
      socket.bind(candidate, '127.0.0.1', () => resolve(true));
    });
    await new Promise<void>((resolve) => socket.close(() => resolve()));
    if (free) return candidate;
  }
  throw new Error('no free UDP port for the trap receiver in 20000–31999');
}

/** A TCP port free right now on loopback: the console's URL must be known before the CA names it. */
async function freeTcpPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('could not find a free TCP port');
  return address.port;
}

export async function startStack(options: StackOptions): Promise<Stack> {
  const say = options.say ?? (() => undefined);
  const log = options.log ?? createLogger({ level: 'warn' });
  const loaded = loadInventory(options.inventoryPath);
  if (!loaded.ok) throw new Error(loaded.errors.map(formatInventoryError).join('\n'));
  const { topology, inventory } = loaded;
  const stateDir = options.stateDir ?? mkdtempSync(join(tmpdir(), 'egov-noc-demo-'));
  ensurePrivateDir(stateDir);
  const cleanups: Array<() => Promise<void> | void> = [];
  const stopAll = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  };

  try {
    if (options.scenario !== false) scheduleDemoMeeting(topology, Date.now());
    const bus = new InProcessBus();
    const metrics = openMetricsStore(options.metrics ?? join(stateDir, 'metrics.sqlite'), {
      logger: log.child({ part: 'metrics' }),
      ...(options.metricsCredentials ? { credentials: options.metricsCredentials } : {}),
    });
    await metrics.init();
    cleanups.push(() => metrics.close());

    // All simulated devices send from 127.0.0.1, so the receiver treats it as a relay and maps each
    // line to its node by HOSTNAME (the simulator sends the node id there).
    const securityCounts = startSecurityCounts((points) => metrics.write(points));
    cleanups.push(() => securityCounts.stop());
    // The receiving side keeps the events; the console only searches this same store.
    const logStore = openLogStore(`sqlite:${join(stateDir, 'logs.sqlite')}`, {
      logger: log.child({ part: 'log-store' }),
    });
    await logStore.init();
    cleanups.push(() => logStore.close());
    const syslog = await startSyslogReceiver({
      port: 0,
      inventory,
      relays: ['127.0.0.1'],
      logger: log.child({ part: 'syslog' }),
      onEvent: (event) => {
        bus.publish({ type: 'security.event', timeMs: event.receivedAtMs, event });
        securityCounts.count(event);
        logStore.write([event]);
      },
    });
    cleanups.push(() => syslog.close());

    const trapPort = await freeUdpPort();
    const simulator = await startSimulator({
      topology,
      trapTarget: { host: '127.0.0.1', port: trapPort },
      syslogTarget: { host: '127.0.0.1', port: syslog.udpPort as number },
    });
    cleanups.push(() => simulator.stop());
    const controlFile = join(stateDir, 'simulator-control.json');
    writePrivateFile(
      controlFile,
      JSON.stringify({ url: simulator.controlUrl, token: simulator.controlToken }),
    );
    say(
      `simulated network: ${simulator.manifest.length} SNMP agents on 127.0.0.1 (egov-noc fault … --control-file ${controlFile}), syslog to udp/${syslog.udpPort}`,
    );

    const pollIntervalS = options.pollIntervalS ?? 10;
    const alerts = await startAlertEngine({
      topology,
      bus,
      dbPath: join(stateDir, 'alerts.sqlite'),
      pollIntervalS,
      log: log.child({ part: 'alerts' }),
    });
    cleanups.push(() => alerts.stop());

    const port = options.consolePort || (await freeTcpPort());
    const pki = startDemoPki(
      topology,
      bus,
      stateDir,
      `http://127.0.0.1:${port}/pki`,
      log.child({ part: 'pki' }),
      options.caPassphrase,
    );
    cleanups.push(() => {
      pki.stopSchedule();
      pki.service.close();
    });

    const collector = await startCollector({
      topology,
      inventory,
      manifest: simulator.manifest,
      store: metrics,
      bus,
      intervalS: pollIntervalS,
      trapPort,
      hostHealth: true,
      logger: log.child({ part: 'collector' }),
    });
    cleanups.push(() => collector.stop());
    const portal = await startDemoPortal(topology, port, pollIntervalS);
    cleanups.push(() => portal.stop());
    const checks = startServiceChecks({
      checks: portal.checks,
      store: metrics,
      bus,
      logger: log.child({ part: 'checks' }),
    });
    cleanups.push(() => checks.stop());
    say(`service checks: ${portal.checks.length} (portal ${portal.url}, console port, fping)`);

    const admin = await ensureFirstAdmin(stateDir);
    const otherAdmins = admin ? await ensureSeparatedAdmins(stateDir) : [];
    const console = await startConsoleServer({
      topology,
      bus,
      alerts,
      pki: pki.service,
      pkiHttp: createPkiHttpApp(pki.service),
      metrics,
      securityEvents: logStore,
      stateDir,
      port,
      ...(options.consoleHost ? { host: options.consoleHost } : {}),
      log: log.child({ part: 'console' }),
    });
    cleanups.push(() => console.stop());

    if (options.scenario !== false) {
      const stopScenario = startScenario(
        topology,
        {
          inject: (fault) => simulator.inject(fault),
          clear: (id) => void simulator.clear(id),
        },
        { ...DEFAULT_SCENARIO, ...options.scenario, say },
      );
      cleanups.push(stopScenario);
    }

    return {
      url: console.url,
      stateDir,
      admin,
      otherAdmins,
      topology,
      simulator,
      collector,
      alerts,
      console,
      pki,
      metrics,
      syslog,
      logStore,
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

/**
 * The whole product on loopback for browser tests and the console benchmark: the simulated network
 * (real SNMP agents), the collector polling it into an embedded metrics store, the alert engine, the
 * demo CA, and the console server serving the built web app.
 *
 *   const stack = await startStack({ inventoryPath: 'configs/examples/nanyang.yaml', stateDir, pollIntervalS: 2 });
 *   stack.url, stack.adminUser, stack.adminPassword, stack.simulator.inject({ kind: 'node-down', node: 'x' })
 */
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { pino } from 'pino';
import { startAlertEngine } from '../../../alerts';
import { InProcessBus } from '../../../bus';
import { startCollector, memoryCollectorLogger } from '../../../collector';
import { ensureFirstAdmin, startConsoleServer, type ConsoleServer } from '../../../console/server';
import { startDemoPki } from '../../../demo/pki-setup';
import { loadInventory, type Topology } from '../../../inventory';
import { memoryLogger, openMetricsStore } from '../../../metrics';
import { createPkiHttpApp } from '../../../pki/http';
import { startSimulator, type Simulator } from '../../../simulator';

export interface StackOptions {
  inventoryPath: string;
  stateDir: string;
  pollIntervalS: number;
  consolePort?: number;
  /** Run the CA (certificates page); default true when the inventory has a pki section. */
  pki?: boolean;
}

export interface RunningStack {
  url: string;
  adminUser: string;
  adminPassword: string;
  topology: Topology;
  simulator: Simulator;
  server: ConsoleServer;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

export async function startStack(options: StackOptions): Promise<RunningStack> {
  mkdirSync(options.stateDir, { recursive: true });
  const loaded = loadInventory(options.inventoryPath);
  if (!loaded.ok)
    throw new Error(`cannot load ${options.inventoryPath}: ${JSON.stringify(loaded.errors).slice(0, 500)}`);
  const topology = loaded.topology;
  const bus = new InProcessBus();
  const stops: Array<() => Promise<void> | void> = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop();
  };
  try {
    const simulator = await startSimulator({ topology });
    stops.push(() => simulator.stop());

    const metrics = openMetricsStore(join(options.stateDir, 'metrics.sqlite'), { logger: memoryLogger() });
    await metrics.init();
    stops.push(() => metrics.close());

    const alerts = await startAlertEngine({
      topology,
      bus,
      dbPath: join(options.stateDir, 'alerts.sqlite'),
      correlationWindowMs: 1000,
      log: { info() {}, warn() {}, error() {} },
    });
    stops.push(() => alerts.stop());

    const collector = await startCollector({
      topology,
      inventory: topology.inventory,
      manifest: simulator.manifest,
      store: metrics,
      bus,
      intervalS: options.pollIntervalS,
      missesBeforeUnreachable: 1,
      timing: { timeoutMs: 800, retries: 0 },
      logger: memoryCollectorLogger(),
    });
    stops.push(() => collector.stop());

    const port = options.consolePort ?? (await freePort());
    const url = `http://127.0.0.1:${port}`;
    const withPki = options.pki ?? topology.inventory.pki !== null;
    const pki = withPki ? startDemoPki(topology, bus, options.stateDir, `${url}/pki`) : null;
    if (pki !== null) stops.push(() => pki.stopSchedule());

    const first = await ensureFirstAdmin(options.stateDir);
    if (first === null)
      throw new Error(`${options.stateDir} already has users: start the stack on a fresh state dir`);
    const server = await startConsoleServer({
      topology,
      bus,
      alerts,
      pki: pki?.service ?? null,
      pkiHttp: pki === null ? null : createPkiHttpApp(pki.service),
      metrics,
      stateDir: options.stateDir,
      port,
      liveFlushMs: 250,
      log: pino(
        { level: 'warn' },
        pino.destination({ dest: join(options.stateDir, 'console.log'), sync: false }),
      ),
    });
    stops.push(() => server.stop());
    return {
      url,
      adminUser: first.username,
      adminPassword: first.password,
      topology,
      simulator,
      server,
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

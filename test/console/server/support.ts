/**
 * A real console stack for tests: the Nanyang inventory, the in-process bus, the real alert engine
 * (SQLite in a temp folder), optionally the real PKI, and the console server on a loopback port, its
 * pino log written to a file the tests can search for secrets.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import WebSocket from 'ws';
import { startAlertEngine, type AlertEngine } from '../../../alerts';
import { InProcessBus } from '../../../bus';
import { loadInventory, type Topology } from '../../../inventory';
import { directoryFromTopology, initCa, openCa, type PkiService } from '../../../pki';
import { createPkiHttpApp } from '../../../pki/http';
import type { MetricsStore, RangeQuery, Series } from '../../../metrics/types';
import type { MetricPoint } from '../../../domain';
import { startConsoleServer, type ConsoleServer, type ConsoleServerOptions } from '../../../console/server';
import type { ServerMessage, SessionResponse, UserRole } from '../../../console/shared';
import { silentLogger } from '../../../common';
import { waitUntil } from '../../support/wait';

export const INVENTORY = 'configs/examples/nanyang.yaml';

export function loadNanyang(): Topology {
  const loaded = loadInventory(INVENTORY);
  if (!loaded.ok) throw new Error(`cannot load ${INVENTORY}`);
  return loaded.topology;
}

/** A MetricsStore that remembers the queries it was asked (to check scope enforcement). */
export class RecordingMetricsStore implements MetricsStore {
  readonly kind = 'embedded' as const;
  readonly queries: RangeQuery[] = [];
  init(): Promise<void> {
    return Promise.resolve();
  }
  write(_points: MetricPoint[]): void {}
  flush(): Promise<void> {
    return Promise.resolve();
  }
  query(q: RangeQuery): Promise<Series[]> {
    this.queries.push(q);
    return Promise.resolve([{ tags: { node: q.where?.node ?? '' }, points: [[q.startMs, 1]] }]);
  }
  latest(): Promise<MetricPoint[]> {
    return Promise.resolve([]);
  }
  health() {
    return { pendingPoints: 0, spooledPoints: 0, droppedPoints: 0, backendUp: true, lastError: null };
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
}

export const CA_PASSPHRASE = 'test-ca-passphrase-Q7x!';

/** A real CA hierarchy (root → Nanyang branch) from the inventory's pki section, in `dir`. */
export function makeCa(topology: Topology, dir: string): PkiService {
  const pki = topology.inventory.pki;
  if (!pki) throw new Error('the test inventory has no pki section');
  const made = initCa(dir, {
    pki: { ...pki, branches: pki.branches.map((branch) => ({ ...branch, subtrees: [...branch.subtrees] })) },
    passphrase: CA_PASSPHRASE,
    keyType: 'p256',
    actor: 'test:init',
  });
  if (!made.ok) throw new Error(made.reason);
  const opened = openCa(dir, CA_PASSPHRASE, { nodes: directoryFromTopology(topology) });
  if (!opened.ok) throw new Error(opened.reason);
  return opened.value;
}

/** Poll until `read` returns a value (not undefined), or fail after timeoutMs (a deadline, not a pause). */
export async function eventually<T>(read: () => T | undefined, timeoutMs = 15_000): Promise<T> {
  const found = await waitUntil(
    'a condition',
    () => {
      const value = read();
      return value === undefined ? undefined : { value };
    },
    { timeoutMs },
  );
  return found.value;
}

export interface Stack {
  dir: string;
  topology: Topology;
  bus: InProcessBus;
  engine: AlertEngine;
  metrics: RecordingMetricsStore;
  pki: PkiService | null;
  server: ConsoleServer;
  logFile: string;
  /** Stop the server only (state stays in dir) and start a new one on the same folder. */
  restartServer(): Promise<void>;
  stop(): Promise<void>;
  log(): string;
}

export async function startStack(
  extra: Partial<ConsoleServerOptions> & { withPki?: boolean } = {},
  dir = mkdtempSync(join(tmpdir(), 'console-')),
): Promise<Stack> {
  const { withPki, ...overrides } = extra;
  const topology = loadNanyang();
  const pki = withPki ? makeCa(topology, join(dir, 'ca')) : null;
  const bus = new InProcessBus();
  const engine = await startAlertEngine({
    topology,
    bus,
    dbPath: join(dir, 'alerts.sqlite'),
    correlationWindowMs: 50,
    tickMs: 25,
    log: silentLogger(),
  });
  const metrics = new RecordingMetricsStore();
  const logFile = join(dir, 'console.log');
  const log = pino({ level: 'debug' }, pino.destination({ dest: logFile, sync: true }));
  const options: ConsoleServerOptions = {
    topology,
    bus,
    alerts: engine,
    metrics,
    stateDir: dir,
    log,
    webDist: null,
    pki,
    pkiHttp: pki ? createPkiHttpApp(pki) : null,
    ...overrides,
  };
  const stack: Stack = {
    dir,
    topology,
    bus,
    engine,
    metrics,
    pki,
    logFile,
    server: await startConsoleServer(options),
    async restartServer() {
      await stack.server.stop();
      stack.server = await startConsoleServer(options);
    },
    async stop() {
      await stack.server.stop();
      await engine.stop();
      pki?.close();
      rmSync(dir, { recursive: true, force: true });
    },
    log: () => readFileSync(logFile, 'utf8'),
  };
  return stack;
}

export const PASSWORD = 'correct-horse-battery-9';

export async function addUser(
  stack: Stack,
  username: string,
  role: UserRole,
  scope: string | null,
  password = PASSWORD,
): Promise<void> {
  const created = await stack.server.users.create(
    { username, displayName: username, role, scope, password },
    { actor: 'test', from: 'local' },
  );
  if (!created.ok) throw new Error(created.message);
}

export interface Client {
  cookie: string;
  csrf: string;
  session: SessionResponse;
  /** fetch under /api with the session cookie and CSRF token. */
  api(path: string, init?: { method?: string; body?: unknown; csrf?: boolean }): Promise<Response>;
}

export async function login(url: string, username: string, password = PASSWORD): Promise<Client> {
  const response = await fetch(`${url}/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (response.status !== 200)
    throw new Error(`login ${username}: ${response.status} ${await response.text()}`);
  const cookie = (response.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  const session = (await response.json()) as SessionResponse;
  return clientFor(url, cookie, session);
}

export function clientFor(url: string, cookie: string, session: SessionResponse): Client {
  return {
    cookie,
    csrf: session.csrfToken,
    session,
    api: (path, init = {}) =>
      fetch(`${url}${path}`, {
        method: init.method ?? 'GET',
        headers: {
          cookie,
          ...(init.csrf === false ? {} : { 'x-csrf-token': session.csrfToken }),
          ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
      }),
  };
}

/** A stream connection that records every message. */
export class StreamClient {
  readonly messages: ServerMessage[] = [];
  constructor(readonly ws: WebSocket) {
    ws.on('message', (data: Buffer) => {
      this.messages.push(JSON.parse(data.toString()) as ServerMessage);
    });
  }

  static async open(url: string, cookie: string): Promise<StreamClient> {
    const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/api/stream`, { headers: { cookie } });
    const client = new StreamClient(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
      ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
    });
    return client;
  }

  send(message: unknown): void {
    this.ws.send(JSON.stringify(message));
  }

  /** Resolves with the first recorded message (from index `from`) matching; timeoutMs is a deadline. */
  async waitFor<T extends ServerMessage>(
    match: (message: ServerMessage) => message is T,
    timeoutMs = 15_000,
    from = 0,
  ): Promise<T> {
    return waitUntil(
      () => `a matching message; got ${this.messages.map((m) => m.type).join(', ')}`,
      () => this.messages.slice(from).find(match),
      { timeoutMs, intervalMs: 5 },
    );
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      if (this.ws.readyState === WebSocket.CLOSED) return resolve();
      this.ws.once('close', () => resolve());
      this.ws.close();
    });
  }
}

export const isType =
  <K extends ServerMessage['type']>(type: K) =>
  (message: ServerMessage): message is Extract<ServerMessage, { type: K }> =>
    message.type === type;

/** Make the alert engine open a node-unreachable alert for a node (a real bus event). */
export function takeDown(stack: Stack, node: string): void {
  stack.bus.publish({
    type: 'node.state',
    node: node as never,
    timeMs: Date.now(),
    state: 'unreachable',
    reason: 'timeout after 3 polls',
  });
}

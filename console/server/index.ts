/**
 * egov-noc console server: the one HTTP(S) + WebSocket surface. Public face of console/server.
 *
 *   const server = await startConsoleServer({ topology, bus, alerts, pki, metrics, stateDir });
 *   server.url  // http://127.0.0.1:PORT
 *   await server.stop();
 */
import { existsSync } from 'node:fs';
import { createServer as createHttpsServer } from 'node:https';
import type { IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { createAdaptorServer } from '@hono/node-server';
import { WebSocketServer } from 'ws';
import type { EventBus } from '../../bus';
import { createLogger, type Logger, type MetricsAccess } from '../../common';
import type { Topology } from '../../inventory';
import type { MetricsStore } from '../../metrics';
import { buildApp } from './app';
import { AssetRegister } from './assets/register';
import { scopeCache, type ServerContext } from './context';
import { hostPolicy, hostProblem } from './http/host-check';
import { bearerToken, identifyHeaders } from './http/route';
import { decoyHash, LoginRateLimiter, openIdentity, type Identity, type UserAdmin } from './identity';
import { LiveState } from './live-state';
import { createConsoleMetrics } from './ops/console-metrics';
import { consoleReadinessChecks } from './ops/console-readiness';
import type { AlertsPort, PkiHttpApp, PkiPort, SecurityEventsPort } from './ports';
import { streamAccess } from './stream/access';
import { StreamHub, type HubOptions } from './stream/hub';

export { ensureFirstAdmin, ensureSeparatedAdmins, openIdentity, type Identity } from './identity';
export { operatorCaBundle } from './tls';
export type { UserAdmin, UserRecord } from './identity';
export type { AlertsPort, PkiPort, PkiHttpApp, SecurityEventsPort, SilenceInput } from './ports';
export { apiRoutes } from './app';
export type { HubOptions } from './stream/hub';
export { startPkiSchedule, DEFAULT_PKI_SCHEDULE_INTERVAL_MS } from './pki-schedule';
export type { PkiScheduleOptions } from './pki-schedule';

/** 网络安全法 §21: network logs are kept at least six months. */
const DEFAULT_AUDIT_RETENTION_DAYS = 180;

export const DEFAULT_WEB_DIST = fileURLToPath(new URL('../web/dist', import.meta.url));

export interface ConsoleServerOptions {
  topology: Topology;
  bus: EventBus;
  alerts: AlertsPort;
  pki?: PkiPort | null;
  /** CRL and OCSP endpoints (pki's createPkiHttpApp), mounted at /pki. */
  pkiHttp?: PkiHttpApp | null;
  metrics: MetricsStore;
  /**
   * The log store to search security events in (a LogStore); null or absent: the security-event
   * routes answer 404. Read only: the part that receives the syslog writes the events.
   */
  securityEvents?: SecurityEventsPort | null;
  /** Folder for console.sqlite (users, sessions, tokens, audit) and assets.sqlite (the asset register). */
  stateDir: string;
  host?: string;
  /**
   * DNS names browsers may use to reach the console besides localhost and `host` (IP addresses are
   * always accepted): its public name(s). A request naming any other host gets 421.
   */
  allowedHosts?: string[];
  port?: number;
  /**
   * HTTPS. `clientCaPem`: our CA's certificates; the server then asks browsers for a client
   * certificate (optional in the handshake) so operators can sign in with their certificate.
   */
  tls?: { certPem: string; keyPem: string; clientCaPem?: string };
  /** Days the console audit is kept (default 180; the serve config refuses less without an override). */
  auditRetentionDays?: number;
  sessionTtlMs?: number;
  /** The key file sealing TOTP seeds (default `<stateDir>/secret.key`, beside the database). */
  secretKeyFile?: string;
  /** Default: warnings and errors to stderr at level info. */
  log?: Logger;
  /** Built web app; default console/web/dist when it exists; null = API only. */
  webDist?: string | null;
  stream?: Partial<HubOptions>;
  /** How often coalesced node/link state changes go out on the stream (default 250 ms). */
  liveFlushMs?: number;
  loginRateLimit?: { maxAttempts: number; windowMs: number };
  /** Who may read /metrics: default this host's loopback peers only (no token). */
  metricsAccess?: MetricsAccess;
}

export interface ConsoleServer {
  url: string;
  port: number;
  users: UserAdmin;
  /** For tests and benchmarks: connected stream clients, current seq. */
  hub: StreamHub;
  stop(): Promise<void>;
}

function rejectUpgrade(socket: Duplex, status: number, text: string): void {
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

/** A browser's Origin must name this host (no Origin: not a browser, allowed). */
function sameOrigin(origin: string | undefined, host: string | undefined): boolean {
  if (origin === undefined) return true;
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}

/**
 * Refuse to start when sealed TOTP seeds have lost their key (every enrolled user would be locked
 * out silently); seal seeds an older version stored plain.
 */
function sealTotpSeeds(identity: Identity, log: Logger): void {
  const { sealed, keyPresent } = identity.totp.sealedState();
  if (sealed > 0 && !keyPresent) {
    identity.close();
    throw new Error(
      `${sealed} TOTP seed(s) are sealed with a key file that is missing: restore it or point EGOV_NOC_SECRET_KEY_FILE at it (or reset those users' second factor with egov-noc user)`,
    );
  }
  const newlySealed = identity.totp.sealPlainSecrets();
  if (newlySealed > 0)
    log.info({ users: newlySealed }, 'TOTP seeds stored plain by an older version are now sealed');
}

export async function startConsoleServer(options: ConsoleServerOptions): Promise<ConsoleServer> {
  const log = options.log ?? createLogger({ level: 'info' });
  const { topology, bus, alerts } = options;
  const identity = openIdentity(options.stateDir, {
    topology,
    ...(options.sessionTtlMs !== undefined ? { sessionTtlMs: options.sessionTtlMs } : {}),
    ...(options.secretKeyFile !== undefined ? { secretKeyFile: options.secretKeyFile } : {}),
  });
  sealTotpSeeds(identity, log);
  // Made before the first login, so the first unknown name costs no more time than a known one.
  await decoyHash();
  const live = new LiveState(topology);
  live.seedAlerts(
    alerts.list({ status: ['firing', 'acknowledged'], includeSuppressed: true, limit: 100_000 }),
  );
  const hub = new StreamHub(topology, live, alerts, log, options.stream);
  const assets = new AssetRegister(options.stateDir, topology, bus, log.child({ part: 'assets' }));
  const ctx: ServerContext = {
    topology,
    identity,
    alerts,
    pki: options.pki ?? null,
    securityEvents: options.securityEvents ?? null,
    metrics: options.metrics,
    assets,
    live,
    hub,
    log,
    secure: options.tls !== undefined,
    clientCertificates: options.tls?.clientCaPem !== undefined,
    auditRetentionDays: options.auditRetentionDays ?? DEFAULT_AUDIT_RETENTION_DAYS,
    loginLimiter: new LoginRateLimiter(options.loginRateLimit?.maxAttempts, options.loginRateLimit?.windowMs),
    scopeOf: scopeCache(topology),
    collectorHealth: () => live.collectorHealth(),
  };

  const unsubscribe = bus.subscribeAll((event) => {
    live.apply(event);
    if (event.type === 'samples') assets.observe(event);
    else if (event.type === 'unmanaged.sighting') assets.unmanaged.observe(event);
    if (event.type === 'alert') hub.publishAlert(event.change, event.alert);
    else if (event.type === 'security.event') hub.publishSecurityEvent(event.event);
  });
  const flushTimer = setInterval(() => {
    for (const change of live.flush()) {
      if (change.kind === 'node') hub.publishNode(change.node);
      else hub.publishLink(change.link);
    }
  }, options.liveFlushMs ?? 250);
  flushTimer.unref();
  for (const note of identity.migrationNotes) log.warn({ note }, 'console users migrated');
  const purge = () => {
    identity.sessions.purgeExpired();
    identity.users.purgeLoginFailures();
    identity.audit.purgeOlderThan(ctx.auditRetentionDays);
  };
  purge();
  const purgeTimer = setInterval(purge, 3600_000);
  purgeTimer.unref();

  const webDist =
    options.webDist === undefined
      ? existsSync(DEFAULT_WEB_DIST)
        ? DEFAULT_WEB_DIST
        : null
      : options.webDist;
  const hosts = hostPolicy(options.host ?? '127.0.0.1', options.allowedHosts ?? []);
  const ops = {
    metrics: createConsoleMetrics({
      alerts,
      metrics: options.metrics,
      webSocketClients: () => hub.clientCount,
    }),
    readiness: consoleReadinessChecks({
      metrics: options.metrics,
      alerts,
      securityEvents: ctx.securityEvents,
      bus,
    }),
    metricsAccess: options.metricsAccess ?? { token: null },
    log,
  };
  const app = buildApp(ctx, { webDist, pkiHttp: options.pkiHttp ?? null, hosts, ops });
  const server = (
    options.tls
      ? createAdaptorServer({
          fetch: app.fetch,
          createServer: createHttpsServer,
          serverOptions: {
            cert: options.tls.certPem,
            key: options.tls.keyPem,
            // Asked, not required: password sign-in still works; the route checks what was presented.
            ...(options.tls.clientCaPem
              ? { ca: options.tls.clientCaPem, requestCert: true, rejectUnauthorized: false }
              : {}),
          },
        })
      : createAdaptorServer({ fetch: app.fetch })
  ) as Server;

  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  const upgradeToStream = (request: IncomingMessage, socket: Duplex, head: Buffer): void => {
    if (hostProblem(request.headers.host, hosts) !== null)
      return rejectUpgrade(socket, 421, 'Misdirected Request');
    const path = (request.url ?? '/').split('?')[0];
    if (path !== '/api/stream') return rejectUpgrade(socket, 404, 'Not Found');
    if (!sameOrigin(request.headers.origin, request.headers.host))
      return rejectUpgrade(socket, 403, 'Forbidden');
    const credentials = { authorization: request.headers.authorization, cookie: request.headers.cookie };
    const who = identifyHeaders(credentials, ctx);
    if (!who) return rejectUpgrade(socket, 401, 'Unauthorized');
    // A session that must first change its password or enrol TOTP sees no live data either.
    if (identity.users.restrictionOf(who.user) !== null) return rejectUpgrade(socket, 403, 'Forbidden');
    wss.handleUpgrade(request, socket, head, (ws) => {
      hub.attach(ws, {
        username: who.user.username,
        scope: who.scope,
        // A stream lives only as long as its session or token, and only with the scope it was opened
        // with: sign-out, expiry, a password change, a lock, a removed user, a revoked token or a
        // changed scope ends it (the client reconnects and signs in again).
        access: streamAccess(who, bearerToken(request.headers.authorization), ctx),
      });
    });
  };
  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    try {
      upgradeToStream(request, socket, head);
    } catch (error) {
      log.error({ err: error, path: request.url }, 'stream upgrade failed');
      rejectUpgrade(socket, 500, 'Internal Server Error');
    }
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `${options.tls ? 'https' : 'http'}://${host}:${address.port}`;
  log.info({ url, webApp: webDist !== null, pki: ctx.pki !== null }, 'console server listening');

  let stopped = false;
  return {
    url,
    port: address.port,
    users: identity.users,
    hub,
    async stop() {
      if (stopped) return;
      stopped = true;
      clearInterval(flushTimer);
      clearInterval(purgeTimer);
      unsubscribe();
      hub.close();
      wss.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      identity.close();
      assets.close();
    },
  };
}

import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import type { ActiveFault, ClearResult, Fault, InjectResult } from './faults';
import { logFaultSchemas } from './syslog/log-faults';
import type { AgentEndpoint } from '../domain';

/**
 * The simulator's control endpoint: HTTP + JSON on 127.0.0.1 only (never another interface), so
 * `egov-noc fault …`, tests and the demo can inject and clear faults in a running simulator.
 * Every route but GET /health needs `Authorization: Bearer <token>` (a random token made at start,
 * handed to whoever started the simulator); the Host header must name loopback (no DNS rebinding);
 * bodies are bounded. It never serves credentials: GET /manifest lists agents' addresses only.
 */

const linkRef = {
  link: z.string().min(1).optional(),
  a: z.string().min(1).optional(),
  b: z.string().min(1).optional(),
};
export const faultSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('node-down'), node: z.string().min(1) }).strict(),
  z.object({ kind: z.literal('link-down'), ...linkRef }).strict(),
  z.object({ kind: z.literal('link-saturated'), ...linkRef }).strict(),
  z
    .object({
      kind: z.literal('video-degraded'),
      videoLink: z.string().min(1),
      lossPct: z.number().min(0).max(100),
      jitterMs: z.number().min(0).max(10_000),
    })
    .strict(),
  z.object({ kind: z.literal('reboot'), node: z.string().min(1) }).strict(),
  z.object({ kind: z.literal('counter-wrap'), node: z.string().min(1) }).strict(),
  z.object({ kind: z.literal('zone-bridge'), a: z.string().min(1), b: z.string().min(1) }).strict(),
  z.object({ kind: z.literal('fan-fail'), node: z.string().min(1) }).strict(),
  z.object({ kind: z.literal('psu-fail'), node: z.string().min(1) }).strict(),
  z.object({ kind: z.literal('overheat'), node: z.string().min(1) }).strict(),
  z
    .object({
      kind: z.literal('optic-degraded'),
      node: z.string().min(1),
      interface: z.string().min(1).optional(),
    })
    .strict(),
  z
    .object({
      kind: z.literal('module-swap'),
      node: z.string().min(1),
      slot: z.string().min(1).max(64).optional(),
    })
    .strict(),
  z.object({ kind: z.literal('firmware-upgrade'), node: z.string().min(1) }).strict(),
  z
    .object({ kind: z.literal('module-remove'), node: z.string().min(1), slot: z.string().min(1).max(64) })
    .strict(),
  z
    .object({
      kind: z.literal('module-insert'),
      node: z.string().min(1),
      slot: z.string().min(1).max(64).optional(),
    })
    .strict(),
  ...logFaultSchemas,
]);

export interface ControlTarget {
  inject(fault: Fault): InjectResult;
  clear(id: string): ClearResult;
  faults(): ActiveFault[];
  manifest: AgentEndpoint[];
}

/** What GET /manifest shows: where each agent listens and which SNMP version it speaks, no secret. */
export interface PublicManifestEntry {
  id: string;
  host: string;
  port: number;
  snmp: 'v2c' | 'v3';
}

const MAX_BODY_BYTES = 16 * 1024;

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export function newControlToken(): string {
  return randomBytes(32).toString('base64url');
}

const digest = (text: string) => createHash('sha256').update(text).digest();

function bearerMatches(req: IncomingMessage, token: string): boolean {
  const match = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '');
  return match !== null && timingSafeEqual(digest(match[1] as string), digest(token));
}

function hostIsLoopback(req: IncomingMessage, port: number): boolean {
  const host = req.headers.host ?? '';
  return [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`].includes(host.toLowerCase());
}

function publicManifest(manifest: readonly AgentEndpoint[]): PublicManifestEntry[] {
  return manifest.map((m) => ({ id: m.id, host: m.host, port: m.port, snmp: m.v3 ? 'v3' : 'v2c' }));
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

function readBody(req: IncomingMessage): Promise<string> {
  const tooLarge = () => new HttpError(413, `body larger than ${MAX_BODY_BYTES} bytes`);
  if (Number(req.headers['content-length'] ?? 0) > MAX_BODY_BYTES) return Promise.reject(tooLarge());
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(tooLarge());
        req.pause();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const text = await readBody(req);
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new HttpError(400, `body is not JSON: ${(error as Error).message}`);
  }
}

interface Guard {
  token: string;
  port: number;
}

async function route(
  target: ControlTarget,
  guard: Guard,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  if (!hostIsLoopback(req, guard.port))
    return send(res, 421, { error: `Host must be 127.0.0.1:${guard.port} or localhost:${guard.port}` });
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const path = url.pathname.replace(/\/+$/, '') || '/';
  if (req.method === 'GET' && path === '/health')
    return send(res, 200, { ok: true, agents: target.manifest.length });
  if (!bearerMatches(req, guard.token)) {
    res.setHeader('www-authenticate', 'Bearer');
    return send(res, 401, {
      error: 'missing or wrong bearer token: use the token egov-noc simulate wrote to its control file',
    });
  }
  if (req.method === 'GET' && path === '/manifest') return send(res, 200, publicManifest(target.manifest));
  if (req.method === 'GET' && path === '/faults') return send(res, 200, target.faults());
  if (req.method === 'POST' && path === '/faults') {
    const json = await readJson(req);
    const parsed = faultSchema.safeParse(json);
    if (!parsed.success) {
      const detail = parsed.error.issues
        .map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`)
        .join('; ');
      return send(res, 400, { error: `invalid fault: ${detail}` });
    }
    const result = target.inject(parsed.data);
    return result.ok ? send(res, 201, { id: result.id }) : send(res, 400, { error: result.reason });
  }
  if (req.method === 'DELETE' && path === '/faults') {
    const result = target.clear('all');
    return send(res, 200, result.ok ? { cleared: result.cleared } : { error: result.reason });
  }
  const match = /^\/faults\/([A-Za-z0-9_-]+)$/.exec(path);
  if (req.method === 'DELETE' && match) {
    const result = target.clear(match[1] as string);
    return result.ok ? send(res, 200, { cleared: result.cleared }) : send(res, 404, { error: result.reason });
  }
  return send(res, 404, {
    error: `no route ${req.method ?? ''} ${path}; try GET /faults, POST /faults, DELETE /faults/:id, GET /manifest`,
  });
}

/** Starts the control server on 127.0.0.1:port (0 = any free port); resolves to its URL. */
export async function startControl(
  target: ControlTarget,
  port: number,
  token: string,
  onFailure: (error: unknown) => void,
): Promise<{ url: string; server: Server }> {
  const guard: Guard = { token, port };
  const server = createServer((req, res) => {
    route(target, guard, req, res).catch((error: unknown) => {
      if (error instanceof HttpError) {
        res.setHeader('connection', 'close');
        return send(res, error.status, { error: error.message });
      }
      onFailure(error);
      send(res, 500, { error: 'control endpoint failed; see the simulator log' });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        new Error(
          error.code === 'EADDRINUSE'
            ? `control port ${port} on 127.0.0.1 is in use: choose another --control-port`
            : error.message,
        ),
      ),
    );
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  guard.port = address.port;
  return { url: `http://127.0.0.1:${address.port}`, server };
}

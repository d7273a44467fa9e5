import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import type { ActiveFault, ClearResult, Fault, InjectResult } from './faults';
import type { ManifestEntry } from './manifest';

/**
 * The simulator's control endpoint: HTTP + JSON on 127.0.0.1 only (never another interface), so
 * `egov-noc fault …`, tests and the demo can inject and clear faults in a running simulator.
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
]);

export interface ControlTarget {
  inject(fault: Fault): InjectResult;
  clear(id: string): ClearResult;
  faults(): ActiveFault[];
  manifest: ManifestEntry[];
}

const MAX_BODY_BYTES = 16 * 1024;

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new Error(`body larger than ${MAX_BODY_BYTES} bytes`));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

async function route(target: ControlTarget, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const path = url.pathname.replace(/\/+$/, '') || '/';
  if (req.method === 'GET' && path === '/health')
    return send(res, 200, { ok: true, agents: target.manifest.length });
  if (req.method === 'GET' && path === '/manifest') return send(res, 200, target.manifest);
  if (req.method === 'GET' && path === '/faults') return send(res, 200, target.faults());
  if (req.method === 'POST' && path === '/faults') {
    let json: unknown;
    try {
      json = JSON.parse(await readBody(req));
    } catch (error) {
      return send(res, 400, { error: `body is not JSON: ${(error as Error).message}` });
    }
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
): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    route(target, req, res).catch((error: unknown) =>
      send(res, 500, { error: `control endpoint failed: ${(error as Error).message}` }),
    );
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
  return { url: `http://127.0.0.1:${address.port}`, server };
}

import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';

/** A real webhook receiver on a loopback port, for notification tests. */

export interface Received {
  headers: IncomingHttpHeaders;
  body: Record<string, unknown>;
}

type Reply =
  { status: number; body: string } | ((request: IncomingMessage, response: ServerResponse) => void);

/** Records each request; answers `reply` (status and body), or lets `reply` answer itself. */
export function receiver(port: number, reply: Reply = { status: 200, body: '{"errcode":0,"errmsg":"ok"}' }) {
  const received: Received[] = [];
  const server: Server = createServer((request, response) => {
    let text = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (text += chunk));
    request.on('end', () => {
      received.push({ headers: request.headers, body: JSON.parse(text) as Record<string, unknown> });
      if (typeof reply === 'function') reply(request, response);
      else response.writeHead(reply.status, { 'content-type': 'application/json' }).end(reply.body);
    });
  });
  return {
    received,
    listen: () =>
      new Promise<void>((resolve, reject) =>
        server.once('error', reject).listen(port, '127.0.0.1', () => resolve()),
      ),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A free loopback port (bound, then released: nothing listens on it afterwards). */
export async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', () => resolve()));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

/** Syslog over TCP (RFC 6587), octet-counted or newline-framed, at most `maxConnections` at once. */
import { createServer, type Socket } from 'node:net';
import type { LogReceiverLimits } from '../limits';
import { closeServer, serveConnection } from './connections';
import type { LogIntake } from './intake';

export interface StreamListener {
  readonly port: number;
  close(): Promise<void>;
}

export function listenTcp(
  port: number,
  address: string,
  limits: LogReceiverLimits,
  intake: LogIntake,
): Promise<StreamListener> {
  const open = new Set<Socket>();
  const server = createServer((socket) =>
    serveConnection(socket, limits.maxFrameBytes, limits.idleTimeoutMs, intake, open),
  );
  server.maxConnections = limits.maxConnections;
  server.on('drop', (peer) => intake.refused(peer?.remoteAddress, 'too many connections'));
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, address, () => {
      server.off('error', reject);
      server.on('error', () => undefined);
      const bound = server.address();
      resolve({
        port: typeof bound === 'object' && bound ? bound.port : port,
        close: () => closeServer(server, open),
      });
    });
  });
}

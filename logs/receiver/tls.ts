/**
 * Syslog over TLS (RFC 5425) with a server certificate from our own CA (`egov-noc ca issue --profile
 * server`). With `requireClientCert`, a sender must present a certificate our CA bundle verifies:
 * the handshake fails otherwise and the connection is counted as refused.
 */
import { readFileSync } from 'node:fs';
import type { Socket } from 'node:net';
import { createServer, type Server as TlsServer } from 'node:tls';
import type { LogReceiverLimits } from '../limits';
import { closeServer, serveConnection } from './connections';
import type { LogIntake } from './intake';
import type { StreamListener } from './tcp';

export interface TlsSettings {
  port: number;
  address: string;
  certFile: string;
  keyFile: string;
  /** Our CA bundle: the only issuer of client certificates accepted. */
  caFile?: string;
  requireClientCert?: boolean;
}

/** Reads the files first, so a missing or unreadable one is an error naming the file (never its content). */
function readPem(file: string, what: string): Buffer {
  try {
    return readFileSync(file);
  } catch (error) {
    throw new Error(`syslog TLS ${what} ${file}: ${(error as NodeJS.ErrnoException).code ?? 'unreadable'}`);
  }
}

export async function listenTls(
  settings: TlsSettings,
  limits: LogReceiverLimits,
  intake: LogIntake,
): Promise<StreamListener> {
  if (settings.requireClientCert && !settings.caFile)
    throw new Error(
      'syslog TLS: requireClientCert needs the CA bundle (tlsCa) that issues sender certificates',
    );
  const open = new Set<Socket>();
  let server: TlsServer;
  try {
    server = createServer(
      {
        cert: readPem(settings.certFile, 'certificate'),
        key: readPem(settings.keyFile, 'key'),
        ...(settings.caFile ? { ca: readPem(settings.caFile, 'CA bundle') } : {}),
        requestCert: settings.requireClientCert === true,
        rejectUnauthorized: settings.requireClientCert === true,
        minVersion: 'TLSv1.2',
        handshakeTimeout: limits.handshakeTimeoutMs,
      },
      (socket) => serveConnection(socket, limits.maxFrameBytes, limits.idleTimeoutMs, intake, open),
    );
  } catch (error) {
    const message = (error as Error).message;
    // Node's own message for a bad key or certificate never quotes the PEM; ours names the file.
    throw new Error(message.startsWith('syslog TLS') ? message : `syslog TLS certificate/key: ${message}`);
  }
  server.maxConnections = limits.maxConnections;
  server.on('drop', (peer?: { remoteAddress?: string }) =>
    intake.refused(peer?.remoteAddress, 'too many connections'),
  );
  server.on('tlsClientError', (error, socket) => {
    intake.refused(socket.remoteAddress, error.message.slice(0, 200));
    socket.destroy();
  });
  const tls = server;
  return new Promise((resolve, reject) => {
    tls.once('error', reject);
    tls.listen(settings.port, settings.address, () => {
      tls.off('error', reject);
      tls.on('error', () => undefined);
      const bound = tls.address();
      resolve({
        port: typeof bound === 'object' && bound ? bound.port : settings.port,
        close: () => closeServer(tls, open),
      });
    });
  });
}

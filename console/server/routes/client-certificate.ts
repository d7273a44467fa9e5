/** The client certificate of the TLS connection a request came on (Node's socket, via @hono/node-server). */
import type { IncomingMessage } from 'node:http';
import { TLSSocket } from 'node:tls';
import type { Context } from 'hono';
import type { PresentedCertificate } from '../identity/certificate-sign-in';

const NONE: PresentedCertificate = {
  raw: Buffer.alloc(0),
  serialHex: '',
  authorized: false,
  authorizationError: null,
};

export function presentedCertificate(c: Context): PresentedCertificate {
  const socket = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming?.socket;
  if (!(socket instanceof TLSSocket)) return NONE;
  const peer = socket.getPeerCertificate();
  if (!peer.raw || peer.raw.length === 0) return NONE;
  const error = socket.authorizationError as Error | string | null | undefined;
  return {
    raw: peer.raw,
    serialHex: peer.serialNumber,
    authorized: socket.authorized,
    authorizationError:
      error === null || error === undefined ? null : String((error as Error).message ?? error),
  };
}

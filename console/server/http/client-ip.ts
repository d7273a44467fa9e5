import type { Context } from 'hono';
import type { IncomingMessage } from 'node:http';

/** The peer address of the TCP connection (the console is not meant to sit behind a proxy). */
export function clientIp(c: Context): string {
  const env = c.env as { incoming?: IncomingMessage } | undefined;
  return env?.incoming?.socket.remoteAddress ?? 'unknown';
}

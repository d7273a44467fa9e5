/**
 * Who may read `/metrics` (console and collector alike): with a token configured, whoever sends it
 * as `Authorization: Bearer …`; without one, only this host (loopback peers). The counters say how
 * busy the network centre is and which routes are called: not for every caller on the LAN.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

export interface MetricsAccess {
  /** The bearer token scrapers must send; null: loopback peers only, no token. */
  token: string | null;
}

export interface MetricsRefusal {
  status: 401 | 403;
  message: string;
}

export function isLoopbackAddress(address: string | undefined): boolean {
  if (address === undefined) return false;
  const v4 = address.startsWith('::ffff:') ? address.slice('::ffff:'.length) : address;
  return v4.startsWith('127.') || address === '::1';
}

function sameSecret(given: string, expected: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

/** Null when the request may read the metrics, else the status and reason to answer. */
export function metricsRefusal(
  access: MetricsAccess,
  request: { remoteAddress: string | undefined; authorization: string | undefined },
): MetricsRefusal | null {
  if (access.token === null) {
    return isLoopbackAddress(request.remoteAddress)
      ? null
      : {
          status: 403,
          message: 'metrics are served to this host only (set a metrics token to scrape from elsewhere)',
        };
  }
  const match = /^Bearer (\S+)$/i.exec(request.authorization ?? '');
  if (!match?.[1]) return { status: 401, message: 'send the metrics token as Authorization: Bearer TOKEN' };
  return sameSecret(match[1], access.token) ? null : { status: 401, message: 'wrong metrics token' };
}

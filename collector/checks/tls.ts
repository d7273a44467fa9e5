/**
 * TLS probe: handshake, then the server's certificate judged here rather than by the handshake
 * (rejectUnauthorized off) so an expired or misissued certificate is reported with its dates and
 * the reason, not as a bare failure: chain to `ca` (our CA) or the system's roots, host name, expiry.
 */
import { isIP } from 'node:net';
import tls from 'node:tls';
import type { ServiceCertificate } from '../../domain';
import { failed, failureOf, type CheckOf, type ProbeResult } from './check';

const DAY_MS = 86_400_000;

export function probeTls(check: CheckOf<'tls'>, nowMs: number): Promise<ProbeResult> {
  const startedMs = performance.now();
  const serverName = check.serverName ?? check.host;
  return new Promise<ProbeResult>((resolvePromise) => {
    let settled = false;
    const settle = (result: ProbeResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolvePromise(result);
    };
    const socket = tls.connect({
      host: check.host,
      port: check.port,
      ...(isIP(serverName) === 0 ? { servername: serverName } : {}),
      ...(check.caPem === null ? {} : { ca: check.caPem }),
      rejectUnauthorized: false,
    });
    const timer = setTimeout(
      () => settle(failed('timeout', `${check.timeoutMs} ms`, check.timeoutMs)),
      check.timeoutMs,
    );
    socket.once('secureConnect', () => {
      const latencyMs = performance.now() - startedMs;
      const peer = socket.getPeerCertificate();
      if (Object.keys(peer).length === 0) {
        settle(failed('no-certificate', null, latencyMs));
        return;
      }
      const certificate = judge(peer, socket.authorized, socket.authorizationError, serverName, nowMs);
      settle({ up: true, reason: null, detail: null, latencyMs, certificate });
    });
    socket.once('error', (error) => {
      const failure = failureOf(error);
      settle(failed(failure.reason, failure.detail, performance.now() - startedMs));
    });
  });
}

function judge(
  peer: tls.PeerCertificate,
  chainOk: boolean,
  chainError: Error | string | null | undefined,
  serverName: string,
  nowMs: number,
): ServiceCertificate {
  const notAfterMs = Date.parse(peer.valid_to);
  const identityError = tls.checkServerIdentity(serverName, peer);
  const error = !chainOk
    ? errorCode(chainError, 'CERT_UNTRUSTED')
    : identityError
      ? errorCode(identityError, 'ERR_TLS_CERT_ALTNAME_INVALID')
      : null;
  const cn = peer.subject.CN;
  return {
    subject: Array.isArray(cn) ? cn.join(',') : (cn ?? ''),
    notAfterMs,
    daysLeft: Math.floor(((notAfterMs - nowMs) / DAY_MS) * 10) / 10,
    valid: error === null && notAfterMs > nowMs,
    error: error ?? (notAfterMs > nowMs ? null : 'CERT_HAS_EXPIRED'),
  };
}

/** The TLS library's code for what failed (language-neutral: the console shows it as is). */
function errorCode(error: Error | string | null | undefined, fallback: string): string {
  if (typeof error === 'string') return error;
  const code: unknown = error ? (error as NodeJS.ErrnoException).code : undefined;
  return typeof code === 'string' ? code : fallback;
}

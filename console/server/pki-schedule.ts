/**
 * The CA's housekeeping while the console runs: CRLs re-signed before their nextUpdate, each OCSP
 * signer replaced before it expires, and certificate-expiry warnings published on the bus (the
 * alert engine's certificate-expiry rule turns them into alerts). `serve` and the demo both call
 * this, so the deployed console does what the demo shows.
 */
import type { EventBus } from '../../bus';
import type { Logger } from '../../common';
import { asNodeId } from '../../domain';
import type { Topology } from '../../inventory';
import { SYSTEM_ACTOR, type ExpiryWarning, type PkiService } from '../../pki';

/** An OCSP signer is replaced this long before its notAfter (as the CA does when it is unlocked). */
export const OCSP_SIGNER_RENEW_BEFORE_MS = 30 * 86_400_000;
export const DEFAULT_PKI_SCHEDULE_INTERVAL_MS = 3_600_000;

export interface PkiScheduleOptions {
  pki: PkiService;
  bus: EventBus;
  topology: Topology;
  /** The CA passphrase: a new OCSP signer's key is stored encrypted under it. */
  passphrase: string;
  log: Logger;
  intervalMs?: number;
  now?: () => number;
}

function publishExpiry(bus: EventBus, topology: Topology, warning: ExpiryWarning, nowMs: number): void {
  bus.publish({
    type: 'certificate.expiry',
    node: warning.nodeId && topology.has(warning.nodeId) ? asNodeId(warning.nodeId) : null,
    timeMs: nowMs,
    serial: warning.serial,
    subject: warning.commonName,
    notAfterMs: Date.parse(warning.notAfter),
    daysLeft: warning.daysLeft,
  });
}

/** Issuers whose newest valid OCSP signer is missing or expires within the renewal window. */
export function issuersNeedingSigner(pki: PkiService, nowMs: number): string[] {
  const newestSignerEnd = new Map<string, number>();
  for (const signer of pki.listCertificates({ profile: 'ocsp-signer', status: 'valid' })) {
    const endMs = Date.parse(signer.notAfter);
    newestSignerEnd.set(signer.issuerId, Math.max(endMs, newestSignerEnd.get(signer.issuerId) ?? 0));
  }
  return pki
    .authorities()
    .map((authority) => authority.id)
    .filter((id) => (newestSignerEnd.get(id) ?? 0) - nowMs < OCSP_SIGNER_RENEW_BEFORE_MS);
}

/** Runs one round now and then every `intervalMs`; returns stop(). */
export function startPkiSchedule(options: PkiScheduleOptions): () => void {
  const { pki, bus, topology, log } = options;
  const now = options.now ?? Date.now;
  const unsubscribe = pki.onExpiryWarning((warning) => publishExpiry(bus, topology, warning, now()));
  const round = () => {
    try {
      for (const issuerId of issuersNeedingSigner(pki, now())) {
        pki.rotateOcspSigner(issuerId, options.passphrase, SYSTEM_ACTOR);
        log.info({ issuer: issuerId }, 'issued a new OCSP signer');
      }
      const refreshed = pki.refreshCrls();
      if (refreshed.length > 0) log.info({ issuers: refreshed }, 're-signed CRLs');
      pki.checkExpiry();
    } catch (error) {
      log.error({ err: error }, 'the CA schedule failed; it runs again at the next interval');
    }
  };
  round();
  const timer = setInterval(round, options.intervalMs ?? DEFAULT_PKI_SCHEDULE_INTERVAL_MS);
  timer.unref();
  return () => {
    clearInterval(timer);
    unsubscribe();
  };
}

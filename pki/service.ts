/**
 * The PKI as a typed service: what the CLI and the console server call. A thin facade over the
 * concept modules, each a set of functions over the unlocked CA (CaContext):
 *   ca-dir.ts (init, unlock, audit check) · issuance.ts · revocation.ts (+ CRLs) ·
 *   ocsp-responder.ts · expiry.ts · offline.ts (branch signing, the offline-root workflow).
 * Every action takes the acting user (`actor`) for the audit log. Expected failures are
 * `{ ok: false, reason }` values.
 */
import { EventEmitter } from 'node:events';
import { verifyAuditLog } from './audit';
import type { AuditVerdict } from './audit';
import { closeCaContext, openCaContext } from './ca-dir';
import type { OpenOptions } from './ca-dir';
import type { AuthorityInfo, CaContext, Result } from './ca-context';
import { audited, authorityInfos, chainPem, normalizeSerial } from './ca-context';
import { toPem } from './der';
import { dueExpiryWarnings, expiring } from './expiry';
import type { ExpiryWarning } from './expiry';
import { paths } from './hierarchy';
import { issueFromCsr, issueWithGeneratedKey, renew } from './issuance';
import type { GeneratedCertificate, IssuedCertificate, RenewRequest } from './issuance';
import type { KeyType } from './key-types/index';
import type { NodeDirectory } from './nodes';
import { certIdIndex, respond, rotateOcspSigner } from './ocsp-responder';
import { signBranchCsr } from './offline';
import type { BranchSigningRequest } from './offline';
import { currentCrl, refreshCrls, regenerateCrl, revoke } from './revocation';
import type { CrlView } from './revocation';
import type { CertificateFilter, CertificateRecord } from './store';

export type { Result, AuthorityInfo } from './ca-context';
export { SYSTEM_ACTOR, normalizeSerial } from './ca-context';
export type { OpenOptions, PkiInitConfig } from './ca-dir';
export { initCa, planCaDir, verifyCaAudit } from './ca-dir';
export type { GeneratedCertificate, IssuedCertificate } from './issuance';
export { EXPIRY_THRESHOLDS_DAYS } from './expiry';
export type { ExpiryWarning } from './expiry';
export type { ProfileName } from './profiles/index';
export { caSubject } from './hierarchy';

/** Unlocks the CA in `dir`; a wrong passphrase or a missing CA is a value, not an exception. */
export function openCa(dir: string, passphrase: string, options: OpenOptions = {}): Result<PkiService> {
  const opened = openCaContext(dir, passphrase, options);
  return opened.ok ? { ok: true, value: new PkiService(opened.value) } : opened;
}

export class PkiService {
  private readonly events = new EventEmitter();
  private readonly byCertIdHash: Map<string, string>;

  constructor(private readonly ctx: CaContext) {
    this.byCertIdHash = certIdIndex(ctx.cas.values());
  }

  get dir(): string {
    return this.ctx.dir;
  }

  /** The base URL certificates name for CRLs and OCSP. */
  get publicBaseUrl(): string {
    return this.ctx.config.publicBaseUrl;
  }

  get inventoryPath(): string | null {
    return this.ctx.config.inventoryPath;
  }

  setNodes(nodes: NodeDirectory | null): void {
    this.ctx.nodes = nodes;
  }

  authorities(): AuthorityInfo[] {
    return authorityInfos(this.ctx);
  }

  listCertificates(filter: CertificateFilter = {}): CertificateRecord[] {
    return this.ctx.store.list(filter);
  }

  getCertificate(serial: string): { record: CertificateRecord; certPem: string } | null {
    const found = this.ctx.store.get(normalizeSerial(serial));
    return found ? { record: found.record, certPem: toPem('CERTIFICATE', found.der) } : null;
  }

  /** PEM chain for an issuer: the issuer itself up to the root, root last. */
  chainPem(issuerId: string): Result<string> {
    return chainPem(this.ctx, issuerId);
  }

  caCertificate(issuerId: string): Buffer | null {
    return this.ctx.cas.get(issuerId)?.certDer ?? this.ctx.anchors.get(issuerId) ?? null;
  }

  /** Issues a certificate to an inventory node from a PKCS#10 CSR, after the policy checks. */
  issueFromCsr(request: {
    nodeId: string;
    profile: string;
    csrPem: string | Buffer;
    validityDays?: number;
    actor: string;
  }): Result<IssuedCertificate> {
    return issueFromCsr(this.ctx, request);
  }

  /** Generates the key here and returns it once (PEM, or PKCS#12 when a password is given); it is never stored. */
  issueWithGeneratedKey(request: {
    nodeId: string;
    profile: string;
    keyType?: KeyType;
    commonName?: string;
    p12Password?: string;
    validityDays?: number;
    actor: string;
  }): Result<GeneratedCertificate> {
    return issueWithGeneratedKey(this.ctx, request);
  }

  /** Renews for the same node, profile and names: same key, a new CSR or a generated key. */
  renew(request: RenewRequest): Result<GeneratedCertificate> {
    return renew(this.ctx, request);
  }

  /** Revokes by serial with an RFC 5280 reason; the issuer's CRL is regenerated at once. */
  revoke(request: { serial: string; reason: string; actor: string }): Result<CertificateRecord> {
    return revoke(this.ctx, request);
  }

  /** Signs a fresh CRL for an issuer (number + 1) and stores it. */
  regenerateCrl(issuerId: string, actor: string): Result<{ number: number; nextUpdate: string }> {
    return regenerateCrl(this.ctx, issuerId, actor);
  }

  /** The current CRL of an issuer (DER and PEM). */
  crl(issuerId: string): Result<CrlView> {
    return currentCrl(this.ctx, issuerId);
  }

  /** Regenerates every CRL past half its lifetime; the schedule calls this. */
  refreshCrls(): string[] {
    return refreshCrls(this.ctx);
  }

  /** Answers a DER OCSPRequest with a DER OCSPResponse (RFC 6960); never throws on bad input. */
  ocspRespond(requestDer: Buffer): Buffer {
    return respond(this.ctx, this.byCertIdHash, requestDer);
  }

  /** Issues a new delegated OCSP signer for a CA (at init, and 30 days before the old one expires). */
  rotateOcspSigner(issuerId: string, passphrase: string, actor: string): void {
    rotateOcspSigner(this.ctx, issuerId, passphrase, actor);
  }

  /** Offline-root workflow: the root signs a CSR for a branch CA (its key made elsewhere). */
  signBranchCsr(
    request: BranchSigningRequest,
  ): Result<{ certPem: string; serial: string; chainPem: string }> {
    return signBranchCsr(this.ctx, request);
  }

  /** Valid certificates that expire within `withinDays`. */
  expiring(withinDays: number): CertificateRecord[] {
    return expiring(this.ctx, withinDays);
  }

  /** Subscribes to expiry warnings (30, 7 and 1 days before notAfter); returns an unsubscribe function. */
  onExpiryWarning(listener: (warning: ExpiryWarning) => void): () => void {
    this.events.on('expiry-warning', listener);
    return () => this.events.off('expiry-warning', listener);
  }

  /** Emits each threshold once per certificate (remembered in the index, so restarts do not repeat). */
  checkExpiry(): ExpiryWarning[] {
    const warnings = dueExpiryWarnings(this.ctx);
    for (const warning of warnings) this.events.emit('expiry-warning', warning);
    return warnings;
  }

  /** Runs CRL refresh and expiry checks now and then every `intervalMs`; returns stop(). */
  startSchedule(intervalMs = 3_600_000): () => void {
    const tick = () => {
      this.refreshCrls();
      this.checkExpiry();
    };
    tick();
    const timer = setInterval(tick, intervalMs);
    timer.unref();
    return () => clearInterval(timer);
  }

  /** Records an administrative action in the audit log. */
  recordAdmin(actor: string, action: string, details: Record<string, unknown>): void {
    audited(this.ctx, { actor, action, details, at: this.ctx.now() });
  }

  verifyAudit(): AuditVerdict {
    this.ctx.store.commit();
    return verifyAuditLog(paths(this.ctx.dir).audit, this.ctx.store.auditHead());
  }

  close(): void {
    closeCaContext(this.ctx);
  }
}

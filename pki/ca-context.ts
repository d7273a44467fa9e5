/**
 * What every part of an unlocked CA works on (the directory, its index, audit log, authorities and
 * OCSP signers), and the few helpers they share. PkiService holds one; the concept modules
 * (issuance, revocation, OCSP responder, expiry, branch signing) are functions over it.
 */
import type { AuditLog } from './audit';
import { toPem } from './der';
import type { CaDirConfig } from './hierarchy';
import type { Authority } from './issue';
import type { Result } from './key-types/index';
import type { NodeDirectory } from './nodes';
import type { OcspSigner } from './ocsp';
import type { CertificateStore } from './store';

export type { Result } from './key-types/index';

export interface CaContext {
  readonly dir: string;
  readonly config: CaDirConfig;
  readonly store: CertificateStore;
  readonly audit: AuditLog;
  /** Authorities whose keys are unlocked here, by id. */
  readonly cas: Map<string, Authority>;
  /** The branch authorities among them (nodes are issued by branches). */
  readonly branches: Authority[];
  /** The delegated OCSP signer of each authority. */
  readonly signers: Map<string, OcspSigner>;
  /** CA certificates whose keys are not here (an offline root): for chains only. */
  readonly anchors: Map<string, Buffer>;
  readonly chainCache: Map<string, string>;
  nodes: NodeDirectory | null;
  readonly now: () => Date;
}

export interface AuthorityInfo {
  id: string;
  kind: 'root' | 'branch';
  name: string;
  commonName: string;
  parentId: string | null;
  notAfter: string;
  domains: string[];
  subnets: string[];
  subtrees: string[];
  crlUrl: string;
  ocspUrl: string;
}

/** The audit actor recorded for actions the CA takes by itself (schedules, signer rotation). */
export const SYSTEM_ACTOR = 'system:egov-noc-pki';

export function fail<T>(reason: string): Result<T> {
  return { ok: false, reason };
}

/**
 * Writes to the index and appends the audit entry in one transaction, anchoring the log's new head
 * in the index (so a truncated log is caught).
 */
export function audited(
  ctx: Pick<CaContext, 'store' | 'audit'>,
  entry: { actor: string; action: string; details: Record<string, unknown>; at: Date },
  write: () => void = () => undefined,
): void {
  ctx.store.transaction(() => {
    write();
    ctx.store.setAuditHead(ctx.audit.append(entry.actor, entry.action, entry.details, entry.at));
  });
}

/** Serials are compared as lowercase hex without leading zeros or separators. */
export function normalizeSerial(serial: string): string {
  return serial
    .toLowerCase()
    .replace(/^0x/, '')
    .replace(/[:\s]/g, '')
    .replace(/^0+(?=.)/, '');
}

export function authorityInfos(ctx: Pick<CaContext, 'cas'>): AuthorityInfo[] {
  return [...ctx.cas.values()].map((authority) => ({
    id: authority.id,
    kind: authority.kind,
    name: authority.name,
    commonName: authority.commonName,
    parentId: authority.parentId,
    notAfter: authority.notAfter.toISOString(),
    domains: authority.domains,
    subnets: authority.subnetTexts,
    subtrees: authority.subtrees,
    crlUrl: authority.urls.crl,
    ocspUrl: authority.urls.ocsp,
  }));
}

/** DER certificates from an issuer up to the root (offline roots included). */
export function chainDers(ctx: Pick<CaContext, 'cas' | 'anchors'>, issuerId: string): Buffer[] {
  const chain: Buffer[] = [];
  let id: string | null = issuerId;
  while (id !== null && chain.length < 8) {
    const authority = ctx.cas.get(id);
    const anchor = ctx.anchors.get(id);
    if (authority) {
      chain.push(authority.certDer);
      id = authority.parentId;
    } else if (anchor) {
      chain.push(anchor);
      id = null;
    } else break;
  }
  return chain;
}

/** PEM chain for an issuer: the issuer itself up to the root, root last. */
export function chainPem(
  ctx: Pick<CaContext, 'cas' | 'anchors' | 'chainCache'>,
  issuerId: string,
): Result<string> {
  const cached = ctx.chainCache.get(issuerId);
  if (cached !== undefined) return { ok: true, value: cached };
  const ders = chainDers(ctx, issuerId);
  if (ders.length === 0)
    return fail(
      `unknown issuer "${issuerId}" (known: ${[...ctx.cas.keys(), ...ctx.anchors.keys()].join(', ')})`,
    );
  const pem = ders.map((der) => toPem('CERTIFICATE', der)).join('');
  ctx.chainCache.set(issuerId, pem);
  return { ok: true, value: pem };
}

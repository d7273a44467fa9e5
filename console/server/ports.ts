/**
 * What the console server needs from the parts it mounts. Small on purpose: the alert engine and
 * the PKI service satisfy these shapes directly (see adapters in index.ts), and a test can pass the
 * real modules without the server knowing their internals.
 */
import type { Alert, AlertFilter, NodeId, Silence } from '../../domain';
import type { CountsQuery, LogCounts, LogPage, LogQuery } from '../../logs';

export interface SilenceInput {
  matchers: Silence['matchers'];
  startsAtMs: number;
  endsAtMs: number;
  reason: string;
  recurrence?: Silence['recurrence'];
}

export type AlertActionResult = { ok: true; alert: Alert } | { ok: false; reason: string; message: string };
export type SilenceActionResult =
  { ok: true; silence: Silence } | { ok: false; reason: 'not-found' | 'invalid'; message: string };

/** The part of alerts/AlertEngine the console uses; the engine satisfies it as is. */
export interface AlertsPort {
  /** Open alerts (and recent resolved ones when the filter asks), worst first. Synchronous: consistent with the bus. */
  list(filter?: AlertFilter): Alert[];
  get(id: string): Alert | null;
  /** The rules' settings; `utcOffsetMin` is the network's one configured zone (absent: China Standard Time). */
  readonly rules?: { readonly settings: { readonly utcOffsetMin: number } };
  history(query: { fromMs: number; toMs: number; limit?: number; nodes?: NodeId[] }): Alert[];
  /** An alert's acknowledgements and un-acknowledgements, oldest first (the monthly report's time to ack). */
  acks?(id: string): Array<{ action: 'ack' | 'unack'; actor: string; atMs: number; comment: string }>;
  ack(id: string, actor: string, comment: string, planned?: boolean): AlertActionResult;
  unack(id: string, actor: string, comment: string): AlertActionResult;
  readonly silences: {
    list(options?: { includeExpired?: boolean }): Silence[];
    create(input: SilenceInput, actor: string): SilenceActionResult;
    update(id: string, input: SilenceInput, actor: string): SilenceActionResult;
    delete(id: string, actor: string): SilenceActionResult;
  };
}

/** A certificate record as the PKI stores it (pki/store.ts CertificateRecord, the fields the console reads). */
export interface PkiCertificateRecord {
  serial: string;
  issuerId: string;
  nodeId: string | null;
  profile: string;
  commonName: string;
  dnsNames: string[];
  ipAddresses: string[];
  keyType: string;
  notBefore: string;
  notAfter: string;
  /** When our CA issued it (the monthly report's certificates issued). */
  issuedAt?: string;
  status: 'valid' | 'revoked';
  revokedAt: string | null;
  /** RFC 5280 names as the PKI spells them (cACompromise …); views.ts maps them to the API's. */
  revocationReason: string | null;
}

export type PkiResult<T> = { ok: true; value: T } | { ok: false; reason: string };
export type PkiKeyType = 'rsa2048' | 'p256' | 'p384' | 'sm2';

/** The part of pki/PkiService the console uses; PkiService satisfies it as is. */
export interface PkiPort {
  listCertificates(filter?: {
    nodeId?: string;
    status?: 'valid' | 'revoked';
    search?: string;
    limit?: number;
  }): PkiCertificateRecord[];
  getCertificate(serial: string): { record: PkiCertificateRecord; certPem: string } | null;
  /** The issuer itself up to the root (CA certificates only, never keys). */
  chainPem(issuerId: string): PkiResult<string>;
  issueFromCsr(request: { nodeId: string; profile: string; csrPem: string; actor: string }): PkiResult<{
    record: PkiCertificateRecord;
    certPem: string;
    chainPem: string;
  }>;
  issueWithGeneratedKey(request: {
    nodeId: string;
    profile: string;
    keyType?: PkiKeyType;
    p12Password?: string;
    actor: string;
  }): PkiResult<{
    record: PkiCertificateRecord;
    certPem: string;
    chainPem: string;
    keyPem?: string;
    p12?: Buffer;
  }>;
  revoke(request: { serial: string; reason: string; actor: string }): PkiResult<PkiCertificateRecord>;
  /** Same node, profile and names with a newly generated key; the old certificate stays valid. */
  renew?(request: {
    serial: string;
    generate: { keyType?: PkiKeyType; p12Password?: string };
    actor: string;
  }): PkiResult<{
    record: PkiCertificateRecord;
    certPem: string;
    chainPem: string;
    keyPem?: string;
    p12?: Buffer;
  }>;
  /** The certificate authorities this CA runs (root, branches): names and expiry, never keys. */
  authorities?(): Array<{
    id: string;
    kind: 'root' | 'branch';
    name: string;
    commonName: string;
    parentId: string | null;
    notAfter: string;
  }>;
}

/** A fetch handler (a Hono app) serving the PKI's CRL and OCSP endpoints, mounted at /pki. */
export interface PkiHttpApp {
  fetch: (request: Request) => Response | Promise<Response>;
}

/**
 * The part of logs/LogStore the console reads; a LogStore satisfies it as is. The console never
 * writes: whoever receives the syslog (collect, the demo) keeps the events.
 */
export interface SecurityEventsPort {
  /** Throws LogQueryError for a query the caller got wrong (answered 400). */
  search(query: LogQuery): Promise<LogPage>;
  counts(query: CountsQuery): Promise<LogCounts>;
}

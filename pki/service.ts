/**
 * The PKI as a typed service: what the CLI and the console server call. Every action takes the
 * acting user (`actor`) for the audit log. Expected failures are `{ ok: false, reason }` values.
 */
import { EventEmitter } from 'node:events';
import type { KeyObject } from 'node:crypto';
import { existsSync } from 'node:fs';
import { writePrivateFile } from '../common/index';
import { AuditLog, GENESIS_HASH, readAuditHeadFromFile, verifyAuditLog } from './audit';
import type { AuditVerdict } from './audit';
import { CRL_LIFETIME_MS, buildCrl } from './crl';
import { classifyKey, importSpki, parseCsr } from './csr';
import type { Result } from './csr';
import { toPem } from './der';
import {
  OCSP_SIGNER_DAYS,
  authorityFrom,
  buildBranchCertificate,
  buildOcspSignerCertificate,
  buildRootCertificate,
  caSubject,
  issuerHashes,
  paths,
  prepareDir,
  tightenCaDir,
  readCaKey,
  readCertPem,
  readConfig,
  writeCaKey,
  writeCertPem,
  writeConfig,
} from './hierarchy';
import type { AuthorityConfig, CaDirConfig } from './hierarchy';
import {
  approveNames,
  branchForNode,
  buildLeafCertificate,
  keyAlgorithmOf,
  newSerial,
  validityFor,
} from './issue';
import type { Authority } from './issue';
import { generateKey, isKeyType } from './keys';
import type { KeyType } from './keys';
import type { NodeDirectory } from './nodes';
import { OCSP_STATUS, buildOcspResponse, ocspError, parseOcspRequest, responderKeyHash } from './ocsp';
import type { OcspSigner, SingleStatus } from './ocsp';
import { buildPkcs12 } from './p12';
import { PROFILES, isProfileName, profileRefusal } from './profiles/index';
import type { ProfileName } from './profiles/index';
import { CertificateStore, isRevocationReason } from './store';
import type { CertificateFilter, CertificateRecord, RevocationReason } from './store';
import { signatureAlgorithmFor, readCertificate, spkiOf } from './x509';

export type { Result } from './csr';

export interface PkiInitConfig {
  root: { commonName: string; organization: string; country: string; validityYears: number };
  branches: {
    id: string;
    name: string;
    commonName: string;
    domains: string[];
    subnets: string[];
    subtrees: string[];
    validityYears: number;
  }[];
  publicBaseUrl: string;
}

export interface IssuedCertificate {
  record: CertificateRecord;
  certPem: string;
  /** Issuing CA(s) up to the root, root last. */
  chainPem: string;
}

export interface GeneratedCertificate extends IssuedCertificate {
  /** Unencrypted PKCS#8 PEM of the generated key; only when no PKCS#12 password was given. */
  keyPem?: string;
  /** Password-protected PKCS#12 (key, certificate, chain). */
  p12?: Buffer;
}

export interface ExpiryWarning {
  serial: string;
  nodeId: string | null;
  issuerId: string;
  profile: string;
  commonName: string;
  notAfter: string;
  daysLeft: number;
  /** The threshold crossed: 30, 7 or 1 days. */
  thresholdDays: 30 | 7 | 1;
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

export const EXPIRY_THRESHOLDS_DAYS = [30, 7, 1] as const;

export interface OpenOptions {
  /** The network's nodes (from the inventory's Topology); without it nothing can be issued to nodes. */
  nodes?: NodeDirectory | null;
  now?: () => Date;
}

/** The audit actor recorded for actions the CA takes by itself (schedules, signer rotation). */
export const SYSTEM_ACTOR = 'system:egov-noc-pki';

function fail<T>(reason: string): Result<T> {
  return { ok: false, reason };
}

/**
 * The checks and ca.json every new CA directory starts with (`ca init`, `ca request-branch`): the
 * inventory's root, then `branches`. Writes nothing.
 */
export function planCaDir(
  dir: string,
  options: { pki: PkiInitConfig; passphrase: string; keyType?: KeyType; inventoryPath?: string | null },
  branches: AuthorityConfig[],
  { rootOffline = false } = {},
): Result<CaDirConfig> {
  if (readConfig(dir)) return fail(`${dir} already holds a CA (ca.json exists); refusing to overwrite it`);
  if (options.passphrase.length < 12) return fail('the CA passphrase must be at least 12 characters');
  const root: AuthorityConfig = {
    id: 'root',
    kind: 'root',
    name: options.pki.root.commonName,
    commonName: options.pki.root.commonName,
    parentId: null,
    domains: [],
    subnets: [],
    subtrees: [],
    validityYears: options.pki.root.validityYears,
  };
  return {
    ok: true,
    value: {
      formatVersion: 1,
      publicBaseUrl: options.pki.publicBaseUrl.replace(/\/+$/, ''),
      inventoryPath: options.inventoryPath ?? null,
      country: options.pki.root.country,
      organization: options.pki.root.organization,
      keyType: options.keyType ?? 'rsa2048',
      authorities: [rootOffline ? { ...root, offline: true } : root, ...branches],
    },
  };
}

/** Creates the hierarchy: root, branches with name constraints, OCSP signers, first CRLs. */
export function initCa(
  dir: string,
  options: {
    pki: PkiInitConfig;
    passphrase: string;
    keyType?: KeyType;
    inventoryPath?: string | null;
    actor: string;
    now?: Date;
  },
): Result<{ authorities: AuthorityInfo[] }> {
  const planned = planCaDir(
    dir,
    options,
    options.pki.branches.map((branch): AuthorityConfig => ({
      id: branch.id,
      kind: 'branch',
      name: branch.name,
      commonName: branch.commonName,
      parentId: 'root',
      domains: branch.domains,
      subnets: branch.subnets,
      subtrees: branch.subtrees,
      validityYears: branch.validityYears,
    })),
  );
  if (!planned.ok) return planned;
  const config = planned.value;
  const keyType = config.keyType;
  const branchIds = new Set<string>();
  for (const branch of options.pki.branches) {
    if (!/^[a-z0-9][a-z0-9-]*$/.test(branch.id) || branch.id === 'root')
      return fail(`pki.branches: id "${branch.id}" must be kebab-case and not "root"`);
    if (branchIds.has(branch.id)) return fail(`pki.branches: duplicate id "${branch.id}"`);
    branchIds.add(branch.id);
  }
  const now = options.now ?? new Date();
  prepareDir(dir);
  const p = paths(dir);
  const store = new CertificateStore(p.db);
  const audit = new AuditLog(p.audit, { seq: 0, hash: GENESIS_HASH });
  store.beforeCommit = () => audit.flush();
  try {
    const [rootConfig, ...branchConfigs] = config.authorities;
    const rootKey = generateKey(keyType);
    const rootCert = buildRootCertificate(config, rootConfig!, rootKey, now);
    writeCaKey(p.key('root'), rootKey.privateKey, options.passphrase);
    writeCertPem(p.cert('root'), rootCert.der);
    const root = authorityFrom(rootConfig!, rootCert.der, rootKey.privateKey, config.publicBaseUrl);
    const created: Authority[] = [root];
    store.transaction(() => {
      recordCa(store, root, rootCert.serial, 'root', options.actor, now);
      store.setAuditHead(
        audit.append(
          options.actor,
          'ca.create-root',
          { id: 'root', serial: rootCert.serial, keyType, commonName: root.commonName },
          now,
        ),
      );
    });
    for (const branchConfig of branchConfigs) {
      const key = generateKey(keyType);
      const cert = buildBranchCertificate(root, config, branchConfig, spkiOf(key.publicKey), now);
      writeCaKey(p.key(branchConfig.id), key.privateKey, options.passphrase);
      writeCertPem(p.cert(branchConfig.id), cert.der);
      const branch = authorityFrom(branchConfig, cert.der, key.privateKey, config.publicBaseUrl);
      created.push(branch);
      store.transaction(() => {
        recordCa(store, branch, cert.serial, 'root', options.actor, now);
        store.setAuditHead(
          audit.append(
            options.actor,
            'ca.create-branch',
            {
              id: branch.id,
              serial: cert.serial,
              signedBy: 'root',
              domains: branch.domains,
              subnets: branch.subnetTexts,
            },
            now,
          ),
        );
      });
    }
    writeConfig(dir, config);
    const service = new PkiService(
      dir,
      config,
      store,
      audit,
      new Map(created.map((a) => [a.id, a])),
      new Map(),
      null,
      () => now,
    );
    for (const authority of created)
      service.rotateOcspSigner(authority.id, options.passphrase, options.actor);
    for (const authority of created) service.regenerateCrl(authority.id, options.actor);
    return { ok: true, value: { authorities: service.authorities() } };
  } finally {
    store.close();
    audit.close();
  }
}

function recordCa(
  store: CertificateStore,
  authority: Authority,
  serial: string,
  issuerId: string,
  actor: string,
  now: Date,
): void {
  const fields = readCertificate(authority.certDer);
  store.insert(
    {
      serial,
      issuerId: authority.kind === 'root' ? 'root' : issuerId,
      nodeId: null,
      profile: authority.kind === 'root' ? 'root-ca' : 'branch-ca',
      commonName: authority.commonName,
      dnsNames: [],
      ipAddresses: [],
      keyType: keyTypeName(authority.key),
      notBefore: fields.notBefore.toISOString(),
      notAfter: fields.notAfter.toISOString(),
      issuedAt: now.toISOString(),
      renewedFrom: null,
      actor,
    },
    authority.certDer,
  );
}

/** Unlocks the CA in `dir`; a wrong passphrase or a missing CA is a value, not an exception. */
export function openCa(dir: string, passphrase: string, options: OpenOptions = {}): Result<PkiService> {
  const config = readConfig(dir);
  if (!config) return fail(`${dir} holds no CA (no ca.json); run "egov-noc ca init" first`);
  tightenCaDir(dir);
  const p = paths(dir);
  const authorities = new Map<string, Authority>();
  const signers = new Map<string, OcspSigner>();
  const anchors = new Map<string, Buffer>();
  try {
    for (const authorityConfig of config.authorities) {
      if (authorityConfig.offline) {
        if (!existsSync(p.cert(authorityConfig.id))) {
          return fail(
            `the offline root's certificate is not installed yet; run "egov-noc ca install-branch" first`,
          );
        }
        anchors.set(authorityConfig.id, readCertPem(p.cert(authorityConfig.id)));
        continue;
      }
      if (!existsSync(p.cert(authorityConfig.id))) {
        return fail(
          `the certificate of CA "${authorityConfig.id}" is not installed yet; run "egov-noc ca install-branch"`,
        );
      }
      if (!existsSync(p.key(authorityConfig.id))) {
        return fail(
          `CA key for "${authorityConfig.id}" is missing (${p.key(authorityConfig.id)}); an offline root cannot sign here`,
        );
      }
      const key = readCaKey(p.key(authorityConfig.id), passphrase, `CA key "${authorityConfig.id}"`);
      authorities.set(
        authorityConfig.id,
        authorityFrom(authorityConfig, readCertPem(p.cert(authorityConfig.id)), key, config.publicBaseUrl),
      );
      if (existsSync(p.ocspKey(authorityConfig.id))) {
        const signerKey = readCaKey(
          p.ocspKey(authorityConfig.id),
          passphrase,
          `OCSP signer key "${authorityConfig.id}"`,
        );
        signers.set(authorityConfig.id, makeSigner(readCertPem(p.ocspCert(authorityConfig.id)), signerKey));
      }
    }
  } catch (error) {
    return fail((error as Error).message);
  }
  const store = new CertificateStore(p.db);
  const head = store.auditHead() ?? readAuditHeadFromFile(p.audit);
  const fileHead = readAuditHeadFromFile(p.audit);
  const audit = new AuditLog(p.audit, fileHead.seq >= head.seq ? fileHead : head);
  const now = options.now ?? (() => new Date());
  const service = new PkiService(
    dir,
    config,
    store,
    audit,
    authorities,
    signers,
    options.nodes ?? null,
    now,
    anchors,
  );
  service.recordAdmin(SYSTEM_ACTOR, 'ca.unlock', { authorities: [...authorities.keys()] });
  // Keep every delegated OCSP signer fresh (rotated 30 days before it expires).
  for (const authority of authorities.values()) {
    const signer = signers.get(authority.id);
    const expires = signer ? readCertificate(signer.certDer).notAfter.getTime() : 0;
    if (expires - now().getTime() < 30 * 86_400_000)
      service.rotateOcspSigner(authority.id, passphrase, SYSTEM_ACTOR);
  }
  return { ok: true, value: service };
}

function makeSigner(certDer: Buffer, key: KeyObject): OcspSigner {
  return {
    certDer,
    key,
    algorithm: signatureAlgorithmFor(key),
    responderKeyHash: responderKeyHash(readCertificate(certDer).spki),
  };
}

export class PkiService {
  private readonly events = new EventEmitter();
  private readonly byCertIdHash = new Map<string, string>();
  private readonly chainCache = new Map<string, string>();
  private readonly branches: Authority[];

  constructor(
    readonly dir: string,
    private readonly config: CaDirConfig,
    private readonly store: CertificateStore,
    private readonly audit: AuditLog,
    private readonly cas: Map<string, Authority>,
    private readonly signers: Map<string, OcspSigner>,
    private nodes: NodeDirectory | null,
    private readonly now: () => Date,
    /** CA certificates whose keys are not here (an offline root): for chains only. */
    private readonly anchors: Map<string, Buffer> = new Map(),
  ) {
    this.branches = [...cas.values()].filter((authority) => authority.kind === 'branch');
    store.beforeCommit = () => audit.flush();
    store.afterBegin = () => audit.resync();
    for (const authority of cas.values()) {
      const hashes = issuerHashes(authority);
      this.byCertIdHash.set(`sha1:${hashes.sha1}`, authority.id);
      this.byCertIdHash.set(`sha256:${hashes.sha256}`, authority.id);
    }
  }

  /** The base URL certificates name for CRLs and OCSP. */
  get publicBaseUrl(): string {
    return this.config.publicBaseUrl;
  }

  get inventoryPath(): string | null {
    return this.config.inventoryPath;
  }

  setNodes(nodes: NodeDirectory | null): void {
    this.nodes = nodes;
  }

  authorities(): AuthorityInfo[] {
    return [...this.cas.values()].map((authority) => ({
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

  listCertificates(filter: CertificateFilter = {}): CertificateRecord[] {
    return this.store.list(filter);
  }

  getCertificate(serial: string): { record: CertificateRecord; certPem: string } | null {
    const found = this.store.get(normalizeSerial(serial));
    return found ? { record: found.record, certPem: toPem('CERTIFICATE', found.der) } : null;
  }

  /** PEM chain for an issuer: the issuer itself up to the root, root last. */
  chainPem(issuerId: string): Result<string> {
    const cached = this.chainCache.get(issuerId);
    if (cached !== undefined) return { ok: true, value: cached };
    const ders = this.chainDers(issuerId);
    if (ders.length === 0) {
      return fail(
        `unknown issuer "${issuerId}" (known: ${[...this.cas.keys(), ...this.anchors.keys()].join(', ')})`,
      );
    }
    const pem = ders.map((der) => toPem('CERTIFICATE', der)).join('');
    this.chainCache.set(issuerId, pem);
    return { ok: true, value: pem };
  }

  /** DER certificates from an issuer up to the root (offline roots included). */
  private chainDers(issuerId: string): Buffer[] {
    const chain: Buffer[] = [];
    let id: string | null = issuerId;
    while (id !== null && chain.length < 8) {
      const authority = this.cas.get(id);
      const anchor = this.anchors.get(id);
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

  caCertificate(issuerId: string): Buffer | null {
    return this.cas.get(issuerId)?.certDer ?? this.anchors.get(issuerId) ?? null;
  }

  /** Issues a certificate to an inventory node from a PKCS#10 CSR, after the policy checks. */
  issueFromCsr(request: {
    nodeId: string;
    profile: string;
    csrPem: string | Buffer;
    validityDays?: number;
    actor: string;
  }): Result<IssuedCertificate> {
    const csr = parseCsr(request.csrPem);
    if (!csr.ok) return csr;
    return this.issue({
      nodeId: request.nodeId,
      profile: request.profile,
      commonName: csr.value.commonName,
      sans: csr.value.sans,
      spki: csr.value.spki,
      keyAlgorithm: keyAlgorithmOf(csr.value),
      keyType: csr.value.keyType,
      validityDays: request.validityDays,
      actor: request.actor,
      renewedFrom: null,
      how: 'csr',
    });
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
    const keyType = request.keyType ?? 'p256';
    if (!isKeyType(keyType)) return fail(`unknown key type "${String(keyType)}"`);
    if (request.p12Password !== undefined && request.p12Password.length < 8)
      return fail('the PKCS#12 password must be at least 8 characters');
    const key = generateKey(keyType);
    const issued = this.issue({
      nodeId: request.nodeId,
      profile: request.profile,
      commonName: request.commonName ?? null,
      sans: { dns: [], ips: [] },
      spki: spkiOf(key.publicKey),
      keyAlgorithm: key.publicKey.asymmetricKeyType === 'rsa' ? 'rsa' : 'ec',
      keyType,
      validityDays: request.validityDays,
      actor: request.actor,
      renewedFrom: null,
      how: 'generated',
    });
    if (!issued.ok) return issued;
    return { ok: true, value: this.deliver(issued.value, key.privateKey, request.p12Password) };
  }

  private deliver(
    issued: IssuedCertificate,
    key: KeyObject,
    p12Password: string | undefined,
  ): GeneratedCertificate {
    if (p12Password === undefined) {
      return { ...issued, keyPem: key.export({ type: 'pkcs8', format: 'pem' }).toString() };
    }
    const certDer = this.store.get(issued.record.serial)!.der;
    const chain = this.chainDers(issued.record.issuerId);
    const p12 = buildPkcs12({
      key,
      certDer,
      chainDer: chain,
      password: p12Password,
      friendlyName: issued.record.commonName,
    });
    return { ...issued, p12 };
  }

  private issue(request: {
    nodeId: string;
    profile: string;
    commonName: string | null;
    sans: { dns: string[]; ips: string[] };
    spki: Buffer;
    keyAlgorithm: 'rsa' | 'ec';
    keyType: string;
    validityDays: number | undefined;
    actor: string;
    renewedFrom: string | null;
    how: 'csr' | 'generated' | 'renewal';
  }): Result<IssuedCertificate> {
    if (!isProfileName(request.profile)) return fail(profileRefusal(request.profile));
    const profile = PROFILES[request.profile];
    if (!this.nodes)
      return fail('no inventory is loaded, so no node can be named in a certificate (pass --inventory)');
    const node = this.nodes.node(request.nodeId);
    const issuer = branchForNode(this.nodes, this.branches, request.nodeId);
    if (!issuer.ok) return issuer;
    if (!node) return fail(`unknown node "${request.nodeId}"`);
    const names = approveNames(
      issuer.value,
      profile,
      node,
      { commonName: request.commonName, sans: request.sans },
      this.config,
    );
    if (!names.ok) return names;
    const now = this.now();
    const validity = validityFor(issuer.value, profile, request.validityDays, now);
    if (!validity.ok) return validity;
    // 123 random bits: a collision is not expected in the life of the CA, and the PRIMARY KEY on
    // serial refuses one anyway (the insert below throws rather than reuse a serial).
    const serial = newSerial();
    const der = buildLeafCertificate({
      issuer: issuer.value,
      profile,
      subject: names.value.subject,
      sans: names.value.sans,
      spki: request.spki,
      keyAlgorithm: request.keyAlgorithm,
      notBefore: validity.value.notBefore,
      notAfter: validity.value.notAfter,
      serial: serial.der,
    });
    const record = {
      serial: serial.hex,
      issuerId: issuer.value.id,
      nodeId: node.id,
      profile: profile.name,
      commonName: names.value.commonName,
      dnsNames: names.value.sans.dns,
      ipAddresses: names.value.sans.ips,
      keyType: request.keyType,
      notBefore: validity.value.notBefore.toISOString(),
      notAfter: validity.value.notAfter.toISOString(),
      issuedAt: now.toISOString(),
      renewedFrom: request.renewedFrom,
      actor: request.actor,
    };
    this.store.transaction(() => {
      this.store.insert(record, der);
      this.store.setAuditHead(
        this.audit.append(
          request.actor,
          'certificate.issue',
          {
            serial: serial.hex,
            issuer: issuer.value.id,
            keyUsed: `ca:${issuer.value.id}`,
            node: node.id,
            profile: profile.name,
            cn: names.value.commonName,
            notAfter: record.notAfter,
            via: request.how,
            ...(request.renewedFrom ? { renewedFrom: request.renewedFrom } : {}),
          },
          now,
        ),
      );
    });
    const chain = this.chainPem(issuer.value.id);
    return {
      ok: true,
      value: {
        record: { ...record, status: 'valid', revokedAt: null, revocationReason: null },
        certPem: toPem('CERTIFICATE', der),
        chainPem: chain.ok ? chain.value : '',
      },
    };
  }

  /**
   * Renews a certificate for the same node, profile and names: with the same key (no CSR), re-keyed
   * from a new CSR, or with a newly generated key. The old certificate stays valid until it expires
   * or is revoked (revokeOld: superseded).
   */
  renew(request: {
    serial: string;
    csrPem?: string;
    generate?: { keyType?: KeyType; p12Password?: string };
    validityDays?: number;
    revokeOld?: boolean;
    actor: string;
  }): Result<GeneratedCertificate> {
    const old = this.store.get(normalizeSerial(request.serial));
    if (!old) return fail(`no certificate with serial ${request.serial}`);
    if (old.record.nodeId === null)
      return fail(
        `certificate ${old.record.serial} is a CA certificate; CA renewal is an init/offline-root task`,
      );
    if (old.record.status === 'revoked')
      return fail(`certificate ${old.record.serial} is revoked; issue a new one instead of renewing`);
    let spki: Buffer;
    let keyAlgorithm: 'rsa' | 'ec';
    let keyType: string;
    let generated: KeyObject | null = null;
    let requestedCn: string | null = old.record.commonName;
    if (request.csrPem !== undefined) {
      const csr = parseCsr(request.csrPem);
      if (!csr.ok) return csr;
      if (
        csr.value.commonName !== null &&
        csr.value.commonName.toLowerCase() !== old.record.commonName.toLowerCase()
      ) {
        return fail(
          `renewal keeps the subject: CSR CN "${csr.value.commonName}" differs from "${old.record.commonName}"`,
        );
      }
      ({ spki } = csr.value);
      keyAlgorithm = keyAlgorithmOf(csr.value);
      keyType = csr.value.keyType;
    } else if (request.generate) {
      const type = request.generate.keyType ?? 'p256';
      const key = generateKey(type);
      generated = key.privateKey;
      spki = spkiOf(key.publicKey);
      keyAlgorithm = key.publicKey.asymmetricKeyType === 'rsa' ? 'rsa' : 'ec';
      keyType = type;
    } else {
      spki = readCertificate(old.der).spki;
      const publicKey = importSpki(spki);
      const classified = classifyKey(publicKey);
      if (!classified.ok) return classified;
      keyAlgorithm = publicKey.asymmetricKeyType === 'rsa' ? 'rsa' : 'ec';
      keyType = classified.value;
      requestedCn = old.record.commonName;
    }
    const issued = this.issue({
      nodeId: old.record.nodeId,
      profile: old.record.profile,
      commonName: requestedCn,
      sans: { dns: old.record.dnsNames, ips: old.record.ipAddresses },
      spki,
      keyAlgorithm,
      keyType,
      validityDays: request.validityDays,
      actor: request.actor,
      renewedFrom: old.record.serial,
      how: 'renewal',
    });
    if (!issued.ok) return issued;
    if (request.revokeOld) {
      const revoked = this.revoke({ serial: old.record.serial, reason: 'superseded', actor: request.actor });
      if (!revoked.ok) return revoked;
    }
    if (generated)
      return { ok: true, value: this.deliver(issued.value, generated, request.generate?.p12Password) };
    return issued;
  }

  /** Revokes by serial with an RFC 5280 reason; the issuer's CRL is regenerated at once. */
  revoke(request: { serial: string; reason: string; actor: string }): Result<CertificateRecord> {
    if (!isRevocationReason(request.reason)) {
      return fail(
        `unknown revocation reason "${request.reason}" (RFC 5280: keyCompromise, superseded, cessationOfOperation, affiliationChanged, ...)`,
      );
    }
    const reason: RevocationReason = request.reason;
    const serial = normalizeSerial(request.serial);
    const found = this.store.get(serial);
    if (!found) return fail(`no certificate with serial ${request.serial}`);
    if (found.record.profile === 'root-ca')
      return fail('the root certificate cannot be revoked by itself; retire the whole hierarchy instead');
    if (found.record.status === 'revoked')
      return fail(
        `certificate ${serial} is already revoked (${found.record.revocationReason ?? ''} at ${found.record.revokedAt ?? ''})`,
      );
    const now = this.now();
    const revokedAt = new Date(Math.floor(now.getTime() / 1000) * 1000).toISOString();
    this.store.transaction(() => {
      this.store.markRevoked(serial, revokedAt, reason);
      this.store.setAuditHead(
        this.audit.append(
          request.actor,
          'certificate.revoke',
          { serial, issuer: found.record.issuerId, node: found.record.nodeId, reason },
          now,
        ),
      );
    });
    this.regenerateCrl(found.record.issuerId, request.actor);
    return { ok: true, value: this.store.get(serial)!.record };
  }

  /** Signs a fresh CRL for an issuer (number + 1) and stores it. */
  regenerateCrl(issuerId: string, actor: string): Result<{ number: number; nextUpdate: string }> {
    const issuer = this.cas.get(issuerId);
    if (!issuer) return fail(`unknown issuer "${issuerId}"`);
    const now = this.now();
    const thisUpdate = new Date(Math.floor(now.getTime() / 1000) * 1000);
    const nextUpdate = new Date(thisUpdate.getTime() + CRL_LIFETIME_MS);
    const number = (this.store.getCrl(issuerId)?.number ?? 0) + 1;
    const der = buildCrl(issuer, this.store.revokedBy(issuerId), number, thisUpdate, nextUpdate);
    this.store.transaction(() => {
      this.store.putCrl({
        issuerId,
        number,
        thisUpdate: thisUpdate.toISOString(),
        nextUpdate: nextUpdate.toISOString(),
        der,
      });
      this.store.setAuditHead(
        this.audit.append(
          actor,
          'crl.sign',
          {
            issuer: issuerId,
            keyUsed: `ca:${issuerId}`,
            crlNumber: number,
            nextUpdate: nextUpdate.toISOString(),
          },
          now,
        ),
      );
    });
    writePrivateFile(paths(this.dir).crl(issuerId), der);
    return { ok: true, value: { number, nextUpdate: nextUpdate.toISOString() } };
  }

  /** The current CRL of an issuer (DER and PEM). */
  crl(
    issuerId: string,
  ): Result<{ der: Buffer; pem: string; number: number; thisUpdate: string; nextUpdate: string }> {
    if (!this.cas.has(issuerId))
      return fail(`unknown issuer "${issuerId}" (known: ${[...this.cas.keys()].join(', ')})`);
    let state = this.store.getCrl(issuerId);
    if (!state) {
      const made = this.regenerateCrl(issuerId, SYSTEM_ACTOR);
      if (!made.ok) return made;
      state = this.store.getCrl(issuerId)!;
    }
    return {
      ok: true,
      value: {
        der: state.der,
        pem: toPem('X509 CRL', state.der),
        number: state.number,
        thisUpdate: state.thisUpdate,
        nextUpdate: state.nextUpdate,
      },
    };
  }

  /** Regenerates every CRL past half its lifetime; the schedule calls this. */
  refreshCrls(): string[] {
    const refreshed: string[] = [];
    const now = this.now().getTime();
    for (const id of this.cas.keys()) {
      const state = this.store.getCrl(id);
      if (!state || new Date(state.nextUpdate).getTime() - now < CRL_LIFETIME_MS / 2) {
        this.regenerateCrl(id, SYSTEM_ACTOR);
        refreshed.push(id);
      }
    }
    return refreshed;
  }

  /** Answers a DER OCSPRequest with a DER OCSPResponse (RFC 6960); never throws on bad input. */
  ocspRespond(requestDer: Buffer): Buffer {
    const request = parseOcspRequest(requestDer);
    if ('error' in request) return ocspError(OCSP_STATUS.malformedRequest);
    let issuerId: string | null = null;
    const answers: { certId: Buffer; status: SingleStatus }[] = [];
    for (const certId of request.certIds) {
      const owner =
        this.byCertIdHash.get(`${certId.hashAlgorithm}:${certId.issuerNameHash}:${certId.issuerKeyHash}`) ??
        null;
      if (issuerId === null && owner !== null) issuerId = owner;
      if (owner === null || owner !== issuerId) {
        answers.push({ certId: certId.raw, status: { status: 'unknown' } });
        continue;
      }
      const state = this.store.statusOf(owner, certId.serial);
      answers.push({
        certId: certId.raw,
        status: !state
          ? { status: 'unknown' }
          : state.status === 'revoked'
            ? { status: 'revoked', revokedAt: new Date(state.revokedAt!), reason: state.reason }
            : { status: 'good' },
      });
    }
    const signer = issuerId ? this.signers.get(issuerId) : undefined;
    if (!signer) return ocspError(OCSP_STATUS.unauthorized);
    return buildOcspResponse(signer, answers, request.nonce, this.now());
  }

  /** Issues a new delegated OCSP signer for a CA (at init, and 30 days before the old one expires). */
  rotateOcspSigner(issuerId: string, passphrase: string, actor: string): void {
    const issuer = this.cas.get(issuerId);
    if (!issuer) throw new Error(`unknown issuer ${issuerId}`);
    const now = this.now();
    const key = generateKey('p256');
    const cert = buildOcspSignerCertificate(issuer, this.config, key.publicKey, now);
    const p = paths(this.dir);
    writeCaKey(p.ocspKey(issuerId), key.privateKey, passphrase);
    writeCertPem(p.ocspCert(issuerId), cert.der);
    this.signers.set(issuerId, makeSigner(cert.der, key.privateKey));
    this.store.transaction(() => {
      this.store.insert(
        {
          serial: cert.serial,
          issuerId,
          nodeId: null,
          profile: 'ocsp-signer',
          commonName: `${issuer.commonName} OCSP Responder`,
          dnsNames: [],
          ipAddresses: [],
          keyType: 'p256',
          notBefore: cert.notBefore.toISOString(),
          notAfter: cert.notAfter.toISOString(),
          issuedAt: now.toISOString(),
          renewedFrom: null,
          actor,
        },
        cert.der,
      );
      this.store.setAuditHead(
        this.audit.append(
          actor,
          'ocsp-signer.issue',
          { issuer: issuerId, keyUsed: `ca:${issuerId}`, serial: cert.serial, validDays: OCSP_SIGNER_DAYS },
          now,
        ),
      );
    });
  }

  /**
   * Offline-root workflow: the root signs a CSR for a branch CA (its key made elsewhere). The branch
   * gets pathLen 0 and the name constraints given here.
   */
  signBranchCsr(request: {
    branch: {
      id: string;
      name: string;
      commonName: string;
      domains: string[];
      subnets: string[];
      validityYears: number;
    };
    csrPem: string;
    actor: string;
  }): Result<{ certPem: string; serial: string; chainPem: string }> {
    const root = this.cas.get('root');
    if (!root) return fail('this CA directory holds no root key');
    const csr = parseCsr(request.csrPem);
    if (!csr.ok) return csr;
    if (!/^[a-z0-9][a-z0-9-]*$/.test(request.branch.id) || request.branch.id === 'root')
      return fail(`branch id "${request.branch.id}" must be kebab-case and not "root"`);
    if (request.branch.domains.length === 0 && request.branch.subnets.length === 0) {
      return fail(
        `branch "${request.branch.id}" has no domains or subnets: a branch without name constraints is refused`,
      );
    }
    const now = this.now();
    const authority: AuthorityConfig = { ...request.branch, kind: 'branch', parentId: 'root', subtrees: [] };
    let cert: { der: Buffer; serial: string };
    try {
      cert = buildBranchCertificate(root, this.config, authority, csr.value.spki, now);
    } catch (error) {
      return fail(`branch "${request.branch.id}": ${(error as Error).message}`);
    }
    const fields = readCertificate(cert.der);
    this.store.transaction(() => {
      this.store.insert(
        {
          serial: cert.serial,
          issuerId: 'root',
          nodeId: null,
          profile: 'branch-ca',
          commonName: request.branch.commonName,
          dnsNames: [],
          ipAddresses: [],
          keyType: csr.value.keyType,
          notBefore: fields.notBefore.toISOString(),
          notAfter: fields.notAfter.toISOString(),
          issuedAt: now.toISOString(),
          renewedFrom: null,
          actor: request.actor,
        },
        cert.der,
      );
      this.store.setAuditHead(
        this.audit.append(
          request.actor,
          'ca.sign-branch',
          {
            id: request.branch.id,
            serial: cert.serial,
            keyUsed: 'ca:root',
            domains: request.branch.domains,
            subnets: request.branch.subnets,
          },
          now,
        ),
      );
    });
    return {
      ok: true,
      value: {
        certPem: toPem('CERTIFICATE', cert.der),
        serial: cert.serial,
        chainPem: toPem('CERTIFICATE', root.certDer),
      },
    };
  }

  /** Valid certificates that expire within `withinDays`. */
  expiring(withinDays: number): CertificateRecord[] {
    return this.store
      .list({ status: 'valid', expiresBefore: new Date(this.now().getTime() + withinDays * 86_400_000) })
      .filter((record) => new Date(record.notAfter) > this.now());
  }

  /** Subscribes to expiry warnings (30, 7 and 1 days before notAfter); returns an unsubscribe function. */
  onExpiryWarning(listener: (warning: ExpiryWarning) => void): () => void {
    this.events.on('expiry-warning', listener);
    return () => this.events.off('expiry-warning', listener);
  }

  /** Emits each threshold once per certificate (remembered in the index, so restarts do not repeat). */
  checkExpiry(): ExpiryWarning[] {
    const now = this.now().getTime();
    const warnings: ExpiryWarning[] = [];
    for (const record of this.expiring(EXPIRY_THRESHOLDS_DAYS[0])) {
      const daysLeft = (new Date(record.notAfter).getTime() - now) / 86_400_000;
      const threshold = [...EXPIRY_THRESHOLDS_DAYS].reverse().find((days) => daysLeft <= days);
      if (threshold === undefined) continue;
      const warned = this.store.warnedDays(record.serial);
      if (warned !== null && warned <= threshold) continue;
      this.store.setWarnedDays(record.serial, threshold);
      const warning: ExpiryWarning = {
        serial: record.serial,
        nodeId: record.nodeId,
        issuerId: record.issuerId,
        profile: record.profile,
        commonName: record.commonName,
        notAfter: record.notAfter,
        daysLeft: Math.floor(daysLeft * 10) / 10,
        thresholdDays: threshold,
      };
      warnings.push(warning);
      this.events.emit('expiry-warning', warning);
    }
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
    this.store.transaction(() =>
      this.store.setAuditHead(this.audit.append(actor, action, details, this.now())),
    );
  }

  verifyAudit(): AuditVerdict {
    this.store.commit();
    return verifyAuditLog(paths(this.dir).audit, this.store.auditHead());
  }

  close(): void {
    this.store.close();
    this.audit.close();
  }
}

/** Verifies a CA directory's audit log without unlocking any key. */
export function verifyCaAudit(dir: string): AuditVerdict {
  const p = paths(dir);
  if (!existsSync(p.db)) return { ok: false, line: 0, reason: `${dir} holds no CA (no ca.sqlite)` };
  const store = new CertificateStore(p.db);
  try {
    return verifyAuditLog(p.audit, store.auditHead());
  } finally {
    store.close();
  }
}

/** The key type as the index records it: rsa2048, p256, … */
function keyTypeName(key: KeyObject): string {
  if (key.asymmetricKeyType === 'rsa') return `rsa${key.asymmetricKeyDetails?.modulusLength ?? ''}`;
  const curve = key.asymmetricKeyDetails?.namedCurve;
  return curve === 'prime256v1' ? 'p256' : curve === 'secp384r1' ? 'p384' : (curve ?? 'unknown');
}

/** Serials are compared as lowercase hex without leading zeros or separators. */
export function normalizeSerial(serial: string): string {
  const hex = serial
    .toLowerCase()
    .replace(/^0x/, '')
    .replace(/[:\s]/g, '')
    .replace(/^0+(?=.)/, '');
  return hex;
}

export type { ProfileName };
export { caSubject };

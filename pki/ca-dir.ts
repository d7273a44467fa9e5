/**
 * The CA directory: creating it (`ca init`: root, branches, first OCSP signers and CRLs), unlocking
 * it into a CaContext (keys decrypted once, signers kept fresh), and checking its audit log.
 */
import { existsSync } from 'node:fs';
import { AuditLog, GENESIS_HASH, readAuditHeadFromFile, verifyAuditLog } from './audit';
import type { AuditVerdict } from './audit';
import type { AuthorityInfo, CaContext, Result } from './ca-context';
import { SYSTEM_ACTOR, audited, authorityInfos, fail } from './ca-context';
import {
  authorityFrom,
  buildBranchCertificate,
  buildRootCertificate,
  paths,
  prepareDir,
  readCaKey,
  readCertPem,
  readConfig,
  tightenCaDir,
  writeCaKey,
  writeCertPem,
  writeConfig,
} from './hierarchy';
import type { AuthorityConfig, CaDirConfig } from './hierarchy';
import type { Authority } from './issue';
import { classifyKey, generateKey } from './key-types/index';
import type { KeyType } from './key-types/index';
import type { NodeDirectory } from './nodes';
import type { OcspSigner } from './ocsp';
import { keepSignersFresh, makeSigner, rotateOcspSigner } from './ocsp-responder';
import { regenerateCrl } from './revocation';
import { CertificateStore } from './store';
import { readCertificate, spkiOf } from './x509';

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

export interface OpenOptions {
  /** The network's nodes (from the inventory's Topology); without it nothing can be issued to nodes. */
  nodes?: NodeDirectory | null;
  now?: () => Date;
}

const BRANCH_ID = /^[a-z0-9][a-z0-9-]*$/;

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

function checkBranchIds(branches: PkiInitConfig['branches']): Result<void> {
  const seen = new Set<string>();
  for (const branch of branches) {
    if (!BRANCH_ID.test(branch.id) || branch.id === 'root')
      return fail(`pki.branches: id "${branch.id}" must be kebab-case and not "root"`);
    if (seen.has(branch.id)) return fail(`pki.branches: duplicate id "${branch.id}"`);
    seen.add(branch.id);
  }
  return { ok: true, value: undefined };
}

/** The key type as the index records it: rsa2048, p256, … */
function keyTypeName(authority: Authority): string {
  const classified = classifyKey(authority.key);
  return classified.ok ? classified.value : (authority.key.asymmetricKeyType ?? 'unknown');
}

function recordCa(ctx: CaContext, authority: Authority, serial: string, actor: string, now: Date): void {
  const fields = readCertificate(authority.certDer);
  ctx.store.insert(
    {
      serial,
      issuerId: 'root',
      nodeId: null,
      profile: authority.kind === 'root' ? 'root-ca' : 'branch-ca',
      commonName: authority.commonName,
      dnsNames: [],
      ipAddresses: [],
      keyType: keyTypeName(authority),
      notBefore: fields.notBefore.toISOString(),
      notAfter: fields.notAfter.toISOString(),
      issuedAt: now.toISOString(),
      renewedFrom: null,
      actor,
    },
    authority.certDer,
  );
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
  const ids = checkBranchIds(options.pki.branches);
  if (!ids.ok) return ids;
  const config = planned.value;
  const now = options.now ?? new Date();
  prepareDir(dir);
  const p = paths(dir);
  const ctx: CaContext = {
    dir,
    config,
    store: new CertificateStore(p.db),
    audit: new AuditLog(p.audit, { seq: 0, hash: GENESIS_HASH }),
    cas: new Map(),
    branches: [],
    signers: new Map(),
    anchors: new Map(),
    chainCache: new Map(),
    nodes: null,
    now: () => now,
  };
  ctx.store.beforeCommit = () => ctx.audit.flush();
  try {
    const [rootConfig, ...branchConfigs] = config.authorities;
    const rootKey = generateKey(config.keyType);
    const rootCert = buildRootCertificate(config, rootConfig!, rootKey, now);
    writeCaKey(p.key('root'), rootKey.privateKey, options.passphrase);
    writeCertPem(p.cert('root'), rootCert.der);
    const root = authorityFrom(rootConfig!, rootCert.der, rootKey.privateKey, config.publicBaseUrl);
    ctx.cas.set(root.id, root);
    audited(
      ctx,
      {
        actor: options.actor,
        action: 'ca.create-root',
        details: {
          id: 'root',
          serial: rootCert.serial,
          keyType: config.keyType,
          commonName: root.commonName,
        },
        at: now,
      },
      () => recordCa(ctx, root, rootCert.serial, options.actor, now),
    );
    for (const branchConfig of branchConfigs) {
      const key = generateKey(config.keyType);
      const cert = buildBranchCertificate(root, config, branchConfig, spkiOf(key.publicKey), now);
      writeCaKey(p.key(branchConfig.id), key.privateKey, options.passphrase);
      writeCertPem(p.cert(branchConfig.id), cert.der);
      const branch = authorityFrom(branchConfig, cert.der, key.privateKey, config.publicBaseUrl);
      ctx.cas.set(branch.id, branch);
      audited(
        ctx,
        {
          actor: options.actor,
          action: 'ca.create-branch',
          details: {
            id: branch.id,
            serial: cert.serial,
            signedBy: 'root',
            domains: branch.domains,
            subnets: branch.subnetTexts,
          },
          at: now,
        },
        () => recordCa(ctx, branch, cert.serial, options.actor, now),
      );
    }
    writeConfig(dir, config);
    ctx.store.afterBegin = () => ctx.audit.resync();
    for (const id of ctx.cas.keys()) rotateOcspSigner(ctx, id, options.passphrase, options.actor);
    for (const id of ctx.cas.keys()) regenerateCrl(ctx, id, options.actor);
    return { ok: true, value: { authorities: authorityInfos(ctx) } };
  } finally {
    closeCaContext(ctx);
  }
}

interface UnlockedKeys {
  authorities: Map<string, Authority>;
  signers: Map<string, OcspSigner>;
  anchors: Map<string, Buffer>;
}

/** Decrypts every CA and OCSP-signer key held in the directory; offline roots become anchors. */
function unlockKeys(dir: string, config: CaDirConfig, passphrase: string): Result<UnlockedKeys> {
  const p = paths(dir);
  const unlocked: UnlockedKeys = { authorities: new Map(), signers: new Map(), anchors: new Map() };
  try {
    for (const authorityConfig of config.authorities) {
      const { id } = authorityConfig;
      if (authorityConfig.offline) {
        if (!existsSync(p.cert(id)))
          return fail(
            `the offline root's certificate is not installed yet; run "egov-noc ca install-branch" first`,
          );
        unlocked.anchors.set(id, readCertPem(p.cert(id)));
        continue;
      }
      if (!existsSync(p.cert(id)))
        return fail(`the certificate of CA "${id}" is not installed yet; run "egov-noc ca install-branch"`);
      if (!existsSync(p.key(id)))
        return fail(`CA key for "${id}" is missing (${p.key(id)}); an offline root cannot sign here`);
      const key = readCaKey(p.key(id), passphrase, `CA key "${id}"`);
      unlocked.authorities.set(
        id,
        authorityFrom(authorityConfig, readCertPem(p.cert(id)), key, config.publicBaseUrl),
      );
      if (existsSync(p.ocspKey(id))) {
        const signerKey = readCaKey(p.ocspKey(id), passphrase, `OCSP signer key "${id}"`);
        unlocked.signers.set(id, makeSigner(readCertPem(p.ocspCert(id)), signerKey));
      }
    }
  } catch (error) {
    return fail((error as Error).message);
  }
  return { ok: true, value: unlocked };
}

/**
 * Unlocks the CA in `dir` (a wrong passphrase or a missing CA is a value, not an exception),
 * records the unlock and rotates any OCSP signer close to expiry.
 */
export function openCaContext(dir: string, passphrase: string, options: OpenOptions = {}): Result<CaContext> {
  const config = readConfig(dir);
  if (!config) return fail(`${dir} holds no CA (no ca.json); run "egov-noc ca init" first`);
  tightenCaDir(dir);
  const keys = unlockKeys(dir, config, passphrase);
  if (!keys.ok) return keys;
  const p = paths(dir);
  const store = new CertificateStore(p.db);
  const head = store.auditHead() ?? readAuditHeadFromFile(p.audit);
  const fileHead = readAuditHeadFromFile(p.audit);
  const audit = new AuditLog(p.audit, fileHead.seq >= head.seq ? fileHead : head);
  const authorities = keys.value.authorities;
  const ctx: CaContext = {
    dir,
    config,
    store,
    audit,
    cas: authorities,
    branches: [...authorities.values()].filter((authority) => authority.kind === 'branch'),
    signers: keys.value.signers,
    anchors: keys.value.anchors,
    chainCache: new Map(),
    nodes: options.nodes ?? null,
    now: options.now ?? (() => new Date()),
  };
  store.beforeCommit = () => audit.flush();
  store.afterBegin = () => audit.resync();
  audited(ctx, {
    actor: SYSTEM_ACTOR,
    action: 'ca.unlock',
    details: { authorities: [...authorities.keys()] },
    at: ctx.now(),
  });
  keepSignersFresh(ctx, passphrase, SYSTEM_ACTOR);
  return { ok: true, value: ctx };
}

export function closeCaContext(ctx: CaContext): void {
  ctx.store.close();
  ctx.audit.close();
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

/**
 * Mixed hierarchies are refused (README: mixed hierarchies): an SM2 (国密) CA issues only to SM2 keys
 * and signs only SM2 branches; an RSA/ECDSA CA issues to neither. The offline-root workflow works
 * for an SM2 hierarchy as for the others, and every CA-signed object an SM2 CA makes is SM2.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { children, decodeOid, readWhole } from '../../pki/der';
import {
  createCsr,
  directoryFromNodes,
  generateKey,
  installBranch,
  openCa,
  requestBranch,
} from '../../pki/index';
import type { PkiInitConfig } from '../../pki/index';
import { paths } from '../../pki/hierarchy';
import { NODES, PASSPHRASE, makeTestCa, pkiConfig } from './helpers';
import type { TestCa } from './helpers';

const SM2_WITH_SM3 = '1.2.156.10197.1.501';
const SHAOGUAN = {
  id: 'shaoguan',
  name: '韶关分中心',
  commonName: 'Shaoguan Branch CA',
  domains: ['shaoguan.gov.cn'],
  subnets: ['10.51.0.0/16'],
  subtrees: ['sg-core'],
  validityYears: 5,
};
const nodes = directoryFromNodes([
  ...NODES,
  {
    id: 'sg-core',
    name: '韶关核心',
    address: '10.51.0.1',
    dnsNames: ['core.shaoguan.gov.cn'],
    parent: 'gd-province',
  },
]);

function signatureOid(der: Buffer): string {
  return decodeOid(children(children(readWhole(der))[1]!)[0]);
}

function csrFor(keyType: 'sm2' | 'p256' | 'rsa2048'): string {
  const key = generateKey(keyType);
  return createCsr({
    key: key.privateKey,
    publicKey: key.publicKey,
    subject: [{ type: 'CN', value: 'core.zhaoqing.gov.cn' }],
  });
}

let sm2Ca: TestCa;
let p256Ca: TestCa;
const dirs: string[] = [];
let config: PkiInitConfig;

beforeAll(() => {
  sm2Ca = makeTestCa({ keyType: 'sm2' });
  p256Ca = makeTestCa({ keyType: 'p256' });
  const base = pkiConfig('http://127.0.0.1:9/pki');
  config = { ...base, branches: [...base.branches, SHAOGUAN] };
});
afterAll(() => {
  sm2Ca.cleanup();
  p256Ca.cleanup();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('mixed hierarchies', () => {
  it.each(['p256', 'rsa2048'] as const)('an SM2 CA refuses a %s CSR, naming the rule', (keyType) => {
    expect(
      sm2Ca.service.issueFromCsr({
        nodeId: 'zq-core',
        profile: 'router',
        csrPem: csrFor(keyType),
        actor: 't',
      }),
    ).toEqual({
      ok: false,
      reason:
        'this CA is an SM2 (国密) hierarchy and issues only to an SM2 key (sm2); mixed hierarchies are refused (README: mixed hierarchies)',
    });
  });

  it('an ECDSA CA refuses an SM2 CSR and an SM2 generated key', () => {
    const refusal = {
      ok: false,
      reason: expect.stringMatching(
        /^this CA is an RSA\/ECDSA hierarchy and issues only to an RSA or ECDSA key/,
      ) as unknown,
    };
    expect(
      p256Ca.service.issueFromCsr({
        nodeId: 'zq-core',
        profile: 'router',
        csrPem: csrFor('sm2'),
        actor: 't',
      }),
    ).toEqual(refusal);
    expect(
      p256Ca.service.issueWithGeneratedKey({
        nodeId: 'zq-core',
        profile: 'router',
        keyType: 'sm2',
        actor: 't',
      }),
    ).toEqual(refusal);
  });

  it('an SM2 root refuses to sign a P-256 branch, and a P-256 root an SM2 branch', () => {
    for (const [rootCa, branchKey] of [
      [sm2Ca, 'p256'],
      [p256Ca, 'sm2'],
    ] as const) {
      const dir = mkdtempSync(join(tmpdir(), 'egov-branch-'));
      dirs.push(dir);
      const requested = requestBranch(dir, {
        pki: config,
        branchId: 'shaoguan',
        passphrase: PASSPHRASE,
        keyType: branchKey,
        actor: 'b',
      });
      if (!requested.ok) throw new Error(requested.reason);
      expect(
        rootCa.service.signBranchCsr({ branch: SHAOGUAN, csrPem: requested.value.csrPem, actor: 'root' }),
      ).toMatchObject({
        ok: false,
        reason: expect.stringMatching(
          /^branch "shaoguan": this CA is an .* hierarchy .* mixed hierarchies are refused/,
        ) as unknown,
      });
    }
  });
});

describe('an SM2 hierarchy', () => {
  it('renews an SM2 certificate with the same key and with a new SM2 CSR', () => {
    const issued = sm2Ca.service.issueFromCsr({
      nodeId: 'zq-core',
      profile: 'router',
      csrPem: csrFor('sm2'),
      actor: 't',
    });
    if (!issued.ok) throw new Error(issued.reason);
    expect(sm2Ca.service.renew({ serial: issued.value.record.serial, actor: 't' })).toMatchObject({
      ok: true,
      value: { record: { keyType: 'sm2' } },
    });
    expect(
      sm2Ca.service.renew({ serial: issued.value.record.serial, csrPem: csrFor('sm2'), actor: 't' }),
    ).toMatchObject({ ok: true });
    expect(
      sm2Ca.service.renew({ serial: issued.value.record.serial, csrPem: csrFor('p256'), actor: 't' }),
    ).toMatchObject({ ok: false });
  });

  it('signs CRLs and its OCSP signer SM2-with-SM3, with an SM2 signer key', () => {
    const crl = sm2Ca.service.crl('zhaoqing');
    if (!crl.ok) throw new Error(crl.reason);
    expect(signatureOid(crl.value.der)).toBe(SM2_WITH_SM3);
    const signers = sm2Ca.service.listCertificates({ profile: 'ocsp-signer' });
    expect(signers.length).toBeGreaterThan(0);
    expect(signers.every((signer) => signer.keyType === 'sm2')).toBe(true);
  });

  it('works through the offline-root workflow: SM2 branch request, root signature, installation, issuance', () => {
    const dir = mkdtempSync(join(tmpdir(), 'egov-branch-'));
    dirs.push(dir);
    const requested = requestBranch(dir, {
      pki: config,
      branchId: 'shaoguan',
      passphrase: PASSPHRASE,
      keyType: 'sm2',
      actor: 'b',
    });
    if (!requested.ok) throw new Error(requested.reason);
    const signed = sm2Ca.service.signBranchCsr({
      branch: SHAOGUAN,
      csrPem: requested.value.csrPem,
      actor: 'root',
    });
    if (!signed.ok) throw new Error(signed.reason);
    const installed = installBranch(dir, {
      certPem: signed.value.certPem,
      rootPem: readFileSync(paths(sm2Ca.dir).cert('root'), 'utf8'),
      passphrase: PASSPHRASE,
      actor: 'b',
    });
    expect(installed).toMatchObject({ ok: true, value: { branchId: 'shaoguan' } });
    const opened = openCa(dir, PASSPHRASE, { nodes });
    if (!opened.ok) throw new Error(opened.reason);
    try {
      const issued = opened.value.issueWithGeneratedKey({ nodeId: 'sg-core', profile: 'router', actor: 'b' });
      expect(issued).toMatchObject({ ok: true, value: { record: { keyType: 'sm2', issuerId: 'shaoguan' } } });
    } finally {
      opened.value.close();
    }
  });
});

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { directoryFromNodes, installBranch, openCa, requestBranch } from '../../pki/index';
import type { PkiInitConfig } from '../../pki/index';
import { paths } from '../../pki/hierarchy';
import { NODES, PASSPHRASE, makeTestCa, openssl, pkiConfig, writeTemp } from './helpers';
import type { TestCa } from './helpers';

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

let root: TestCa;
let branchDir: string;
let config: PkiInitConfig;

beforeAll(() => {
  root = makeTestCa();
  branchDir = mkdtempSync(join(tmpdir(), 'egov-branch-'));
  const base = pkiConfig('http://127.0.0.1:9/pki');
  config = { ...base, branches: [...base.branches, SHAOGUAN] };
});
afterAll(() => {
  root.cleanup();
  rmSync(branchDir, { recursive: true, force: true });
});

describe('offline root: a branch CA made on its own machine', () => {
  it('requests, gets signed by the root, installs, and issues certificates openssl verifies', () => {
    const requested = requestBranch(branchDir, {
      pki: config,
      branchId: 'shaoguan',
      passphrase: PASSPHRASE,
      keyType: 'p256',
      actor: 'branch-admin',
    });
    if (!requested.ok) throw new Error(requested.reason);
    expect(openCa(branchDir, PASSPHRASE)).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/not installed yet/) as unknown,
    });

    const signed = root.service.signBranchCsr({
      branch: SHAOGUAN,
      csrPem: requested.value.csrPem,
      actor: 'root-officer',
    });
    if (!signed.ok) throw new Error(signed.reason);
    const rootPem = readFileSync(paths(root.dir).cert('root'), 'utf8');
    const otherRoot = makeTestCa();
    try {
      const wrongRoot = installBranch(branchDir, {
        certPem: signed.value.certPem,
        rootPem: readFileSync(paths(otherRoot.dir).cert('root'), 'utf8'),
        passphrase: PASSPHRASE,
        actor: 'b',
      });
      expect(wrongRoot).toEqual({ ok: false, reason: 'the branch certificate was not signed by this root' });
    } finally {
      otherRoot.cleanup();
    }
    const installed = installBranch(branchDir, {
      certPem: signed.value.certPem,
      rootPem,
      passphrase: PASSPHRASE,
      actor: 'branch-admin',
    });
    expect(installed).toEqual({ ok: true, value: { branchId: 'shaoguan', serial: signed.value.serial } });
    expect(
      installBranch(branchDir, {
        certPem: signed.value.certPem,
        rootPem,
        passphrase: PASSPHRASE,
        actor: 'b',
      }),
    ).toMatchObject({ ok: false });

    const opened = openCa(branchDir, PASSPHRASE, { nodes });
    if (!opened.ok) throw new Error(opened.reason);
    const branch = opened.value;
    try {
      const issued = branch.issueWithGeneratedKey({
        nodeId: 'sg-core',
        profile: 'router',
        actor: 'branch-admin',
      });
      if (!issued.ok) throw new Error(issued.reason);
      expect(issued.value.chainPem.match(/BEGIN CERTIFICATE/g)).toHaveLength(2);
      const leaf = writeTemp(branchDir, 'leaf.pem', issued.value.certPem);
      const result = openssl([
        'verify',
        '-CAfile',
        writeTemp(branchDir, 'root.pem', rootPem),
        '-untrusted',
        writeTemp(branchDir, 'chain.pem', issued.value.chainPem),
        leaf,
      ]);
      expect(result.out).toMatch(/leaf\.pem: OK/);
      expect(branch.crl('shaoguan').ok).toBe(true);
      // The zhaoqing nodes belong to no branch this directory runs.
      expect(
        branch.issueWithGeneratedKey({ nodeId: 'zq-core', profile: 'router', actor: 'b' }),
      ).toMatchObject({ ok: false, reason: expect.stringMatching(/in no branch CA's subtree/) as unknown });
    } finally {
      branch.close();
    }
  });
});

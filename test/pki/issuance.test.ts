import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCsr, generateKey } from '../../pki/index';
import { makeTestCa, openssl, opensslOk, writeTemp } from './helpers';
import type { TestCa } from './helpers';

let ca: TestCa;
let rootPem: string;
let zqChain: string;

beforeAll(() => {
  ca = makeTestCa({ keyType: 'p256' });
  const chain = ca.service.chainPem('zhaoqing');
  if (!chain.ok) throw new Error(chain.reason);
  zqChain = chain.value;
  const root = ca.service.chainPem('root');
  if (!root.ok) throw new Error(root.reason);
  rootPem = root.value;
});
afterAll(() => ca.cleanup());

function csrFor(
  cn: string | null,
  sans: { dns: string[]; ips: string[] },
  keyType: 'p256' | 'rsa2048' | 'p384' = 'p256',
) {
  const key = generateKey(keyType);
  return createCsr({
    key: key.privateKey,
    publicKey: key.publicKey,
    subject: cn ? [{ type: 'CN', value: cn }] : [],
    sans,
  });
}

describe('hierarchy', () => {
  it('root and branch certificates carry CA constraints, path length and name constraints', () => {
    const rootFile = writeTemp(ca.dir, 'root.pem', rootPem);
    const rootText = opensslOk(['x509', '-in', rootFile, '-noout', '-text']);
    expect(rootText).toMatch(/CA:TRUE, pathlen:1/);
    expect(rootText).toMatch(/Certificate Sign, CRL Sign/);
    const branchFile = writeTemp(
      ca.dir,
      'zq.pem',
      zqChain.split('-----END CERTIFICATE-----')[0] + '-----END CERTIFICATE-----\n',
    );
    const text = opensslOk(['x509', '-in', branchFile, '-noout', '-text']);
    expect(text).toMatch(/CA:TRUE, pathlen:0/);
    expect(text).toMatch(
      /X509v3 Name Constraints: critical\s+Permitted:\s+DNS:zhaoqing\.gov\.cn\s+IP:10\.44\.0\.0\/255\.255\.0\.0/,
    );
    expect(text).toMatch(/URI:http:\/\/127\.0\.0\.1:9\/pki\/crl\/root\.crl/);
    expect(opensslOk(['verify', '-CAfile', rootFile, branchFile])).toMatch(/OK/);
  });

  it('chainPem lists the issuing CA first and the root last', () => {
    const blocks = zqChain.match(/BEGIN CERTIFICATE/g) ?? [];
    expect(blocks).toHaveLength(2);
    expect(zqChain.endsWith(rootPem)).toBe(true);
  });
});

describe('issuance from a CSR', () => {
  it('issues a router certificate that openssl verifies through the branch to the root', () => {
    const issued = ca.service.issueFromCsr({
      nodeId: 'zq-sihui-gw',
      profile: 'router',
      csrPem: csrFor('gw.sihui.zhaoqing.gov.cn', { dns: ['gw.sihui.zhaoqing.gov.cn'], ips: ['10.44.12.1'] }),
      actor: 'alice',
    });
    if (!issued.ok) throw new Error(issued.reason);
    expect(issued.value.record.issuerId).toBe('zhaoqing');
    expect(issued.value.record.serial).toMatch(/^[1-7][0-9a-f]{31}$/);
    const leaf = writeTemp(ca.dir, 'leaf.pem', issued.value.certPem);
    const root = writeTemp(ca.dir, 'root.pem', rootPem);
    const untrusted = writeTemp(ca.dir, 'chain.pem', zqChain);
    const verify = openssl([
      'verify',
      '-CAfile',
      root,
      '-untrusted',
      untrusted,
      '-purpose',
      'sslserver',
      leaf,
    ]);
    expect(verify.out).toMatch(/leaf\.pem: OK/);
    const text = opensslOk(['x509', '-in', leaf, '-noout', '-text']);
    expect(text).toMatch(/Subject: C = CN, O = .+, OU = .+, CN = gw\.sihui\.zhaoqing\.gov\.cn/);
    expect(text).toMatch(/X509v3 Basic Constraints: critical\s+CA:FALSE/);
    expect(text).toMatch(/X509v3 Key Usage: critical\s+Digital Signature\n/);
    expect(text).toMatch(/X509v3 Extended Key Usage:\s+TLS Web Server Authentication\n/);
    expect(text).toMatch(
      /X509v3 Subject Alternative Name:\s+DNS:gw\.sihui\.zhaoqing\.gov\.cn, IP Address:10\.44\.12\.1/,
    );
    expect(text).toMatch(/X509v3 Subject Key Identifier/);
    expect(text).toMatch(/X509v3 Authority Key Identifier/);
    expect(text).toMatch(
      /CRL Distribution Points:\s+Full Name:\s+URI:http:\/\/127\.0\.0\.1:9\/pki\/crl\/zhaoqing\.crl/,
    );
    expect(text).toMatch(/OCSP - URI:http:\/\/127\.0\.0\.1:9\/pki\/ocsp/);
    expect(text).toMatch(/CA Issuers - URI:http:\/\/127\.0\.0\.1:9\/pki\/ca\/zhaoqing\.crt/);
    expect(text).toMatch(/Signature Algorithm: ecdsa-with-SHA256/);
  });

  it.each([
    [
      'vc-endpoint',
      'zq-sihui-mcu',
      'mcu.sihui.zhaoqing.gov.cn',
      /TLS Web Server Authentication, TLS Web Client Authentication/,
      'sslserver',
    ],
    [
      'server',
      'zq-center',
      'center.zhaoqing.gov.cn',
      /Extended Key Usage:\s+TLS Web Server Authentication\n/,
      'sslserver',
    ],
  ])('profile %s has its extended key usage', (profile, nodeId, cn, eku, purpose) => {
    const issued = ca.service.issueFromCsr({
      nodeId,
      profile,
      csrPem: csrFor(cn, { dns: [], ips: [] }, 'rsa2048'),
      actor: 'alice',
    });
    if (!issued.ok) throw new Error(issued.reason);
    const leaf = writeTemp(ca.dir, `${profile}.pem`, issued.value.certPem);
    const text = opensslOk(['x509', '-in', leaf, '-noout', '-text']);
    expect(text).toMatch(eku);
    expect(text).toMatch(/Digital Signature, Key Encipherment/);
    const root = writeTemp(ca.dir, 'root.pem', rootPem);
    const untrusted = writeTemp(ca.dir, 'chain.pem', zqChain);
    expect(
      openssl(['verify', '-CAfile', root, '-untrusted', untrusted, '-purpose', purpose, leaf]).out,
    ).toMatch(/OK/);
  });

  it('issues an operator client certificate with the person as CN and no SANs', () => {
    const issued = ca.service.issueFromCsr({
      nodeId: 'zq-center',
      profile: 'operator',
      csrPem: csrFor('张伟 Zhang Wei', { dns: [], ips: [] }),
      actor: 'alice',
    });
    if (!issued.ok) throw new Error(issued.reason);
    const leaf = writeTemp(ca.dir, 'operator.pem', issued.value.certPem);
    const text = opensslOk(['x509', '-in', leaf, '-noout', '-text', '-nameopt', 'utf8']);
    expect(text).toMatch(/TLS Web Client Authentication/);
    expect(text).not.toMatch(/Subject Alternative Name/);
    const root = writeTemp(ca.dir, 'root.pem', rootPem);
    const untrusted = writeTemp(ca.dir, 'chain.pem', zqChain);
    expect(
      openssl(['verify', '-CAfile', root, '-untrusted', untrusted, '-purpose', 'sslclient', leaf]).out,
    ).toMatch(/OK/);
  });

  it("defaults the names to the node's own names when the CSR has none", () => {
    const issued = ca.service.issueFromCsr({
      nodeId: 'zq-core',
      profile: 'router',
      csrPem: csrFor(null, { dns: [], ips: [] }),
      actor: 'alice',
    });
    if (!issued.ok) throw new Error(issued.reason);
    expect(issued.value.record.commonName).toBe('core.zhaoqing.gov.cn');
    expect(issued.value.record.dnsNames).toEqual(['core.zhaoqing.gov.cn', 'rtr1.zhaoqing.gov.cn']);
    expect(issued.value.record.ipAddresses).toEqual(['10.44.0.2']);
  });

  it('caps validity by profile', () => {
    const refused = ca.service.issueFromCsr({
      nodeId: 'zq-core',
      profile: 'server',
      validityDays: 1000,
      csrPem: csrFor(null, { dns: [], ips: [] }),
      actor: 'a',
    });
    expect(refused).toEqual({
      ok: false,
      reason: expect.stringMatching(/exceeds the server profile's cap of 397 days/) as unknown,
    });
  });

  it('never reuses a serial and records every certificate against its node', () => {
    const before = ca.service.listCertificates({ nodeId: 'zq-core' }).length;
    for (let i = 0; i < 20; i += 1) {
      const issued = ca.service.issueFromCsr({
        nodeId: 'zq-core',
        profile: 'router',
        csrPem: csrFor(null, { dns: [], ips: [] }),
        actor: 'a',
      });
      expect(issued.ok).toBe(true);
    }
    const records = ca.service.listCertificates({ nodeId: 'zq-core' });
    expect(records).toHaveLength(before + 20);
    expect(new Set(records.map((r) => r.serial)).size).toBe(records.length);
  });
});

describe('refused requests', () => {
  it('refuses garbage', () => {
    const result = ca.service.issueFromCsr({
      nodeId: 'zq-core',
      profile: 'router',
      csrPem: 'hello, I am not a CSR',
      actor: 'a',
    });
    expect(result).toEqual({
      ok: false,
      reason: expect.stringMatching(/not a PEM certificate request/) as unknown,
    });
    const der = ca.service.issueFromCsr({
      nodeId: 'zq-core',
      profile: 'router',
      csrPem: Buffer.from([0x30, 0x82, 0xff, 0xff, 1, 2]),
      actor: 'a',
    });
    expect(der).toEqual({ ok: false, reason: expect.stringMatching(/malformed CSR/) as unknown });
  });

  it('refuses a CSR whose signature does not verify', () => {
    const pem = csrFor('core.zhaoqing.gov.cn', { dns: [], ips: [] });
    const der = Buffer.from(pem.replace(/-----[^-]+-----|\s/g, ''), 'base64');
    der[der.length - 5]! ^= 0x01; // flip a bit in the signature
    const result = ca.service.issueFromCsr({ nodeId: 'zq-core', profile: 'router', csrPem: der, actor: 'a' });
    expect(result).toEqual({
      ok: false,
      reason: expect.stringMatching(/signature does not verify/) as unknown,
    });
  });

  it('refuses a weak key (RSA-1024) made by openssl', () => {
    const out = writeTemp(ca.dir, 'weak.csr', '');
    opensslOk([
      'req',
      '-new',
      '-newkey',
      'rsa:1024',
      '-nodes',
      '-keyout',
      `${out}.key`,
      '-subj',
      '/CN=core.zhaoqing.gov.cn',
      '-out',
      out,
    ]);
    const result = ca.service.issueFromCsr({
      nodeId: 'zq-core',
      profile: 'router',
      csrPem: opensslOk(['req', '-in', out]),
      actor: 'a',
    });
    expect(result).toEqual({ ok: false, reason: expect.stringMatching(/weak key: RSA-1024/) as unknown });
  });

  it("refuses names that are not the node's own", () => {
    const foreign = ca.service.issueFromCsr({
      nodeId: 'zq-core',
      profile: 'router',
      csrPem: csrFor('core.zhaoqing.gov.cn', { dns: ['www.gov.cn'], ips: [] }),
      actor: 'a',
    });
    expect(foreign).toEqual({
      ok: false,
      reason: expect.stringMatching(
        /forbidden name: DNS name "www\.gov\.cn" does not belong to node "zq-core"/,
      ) as unknown,
    });
    const otherNode = ca.service.issueFromCsr({
      nodeId: 'zq-core',
      profile: 'router',
      csrPem: csrFor('gw.sihui.zhaoqing.gov.cn', { dns: [], ips: [] }),
      actor: 'a',
    });
    expect(otherNode).toEqual({
      ok: false,
      reason: expect.stringMatching(/forbidden name: subject CN/) as unknown,
    });
    const ip = ca.service.issueFromCsr({
      nodeId: 'zq-core',
      profile: 'router',
      csrPem: csrFor(null, { dns: [], ips: ['10.44.0.3'] }),
      actor: 'a',
    });
    expect(ip).toEqual({
      ok: false,
      reason: expect.stringMatching(/IP address 10\.44\.0\.3 is not the management address/) as unknown,
    });
  });

  it('refuses names outside the branch constraints even when the inventory grants them', () => {
    const result = ca.service.issueFromCsr({
      nodeId: 'zq-rogue',
      profile: 'router',
      csrPem: csrFor(null, { dns: [], ips: [] }),
      actor: 'a',
    });
    expect(result).toEqual({
      ok: false,
      reason: expect.stringMatching(
        /"rogue\.example\.com" is outside branch CA "zhaoqing"'s constraints/,
      ) as unknown,
    });
  });

  it('refuses unknown nodes, nodes outside every branch and unknown profiles', () => {
    const csrPem = csrFor(null, { dns: [], ips: [] });
    expect(ca.service.issueFromCsr({ nodeId: 'nope', profile: 'router', csrPem, actor: 'a' })).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/unknown node "nope"/) as unknown,
    });
    expect(
      ca.service.issueFromCsr({ nodeId: 'orphan', profile: 'router', csrPem, actor: 'a' }),
    ).toMatchObject({ ok: false, reason: expect.stringMatching(/in no branch CA's subtree/) as unknown });
    expect(
      ca.service.issueFromCsr({ nodeId: 'zq-core', profile: 'toaster', csrPem, actor: 'a' }),
    ).toMatchObject({ ok: false, reason: expect.stringMatching(/unknown profile "toaster"/) as unknown });
  });
});

describe('offline-root workflow', () => {
  it('the root signs a branch CA request made elsewhere, with pathLen 0 and name constraints', () => {
    const keyFile = `${ca.dir}/new-branch.key`;
    const csrFile = `${ca.dir}/new-branch.csr`;
    opensslOk([
      'req',
      '-new',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-384',
      '-nodes',
      '-keyout',
      keyFile,
      '-subj',
      '/CN=Shaoguan Branch CA',
      '-out',
      csrFile,
    ]);
    const signed = ca.service.signBranchCsr({
      branch: {
        id: 'shaoguan',
        name: '韶关分中心',
        commonName: 'Shaoguan Branch CA',
        domains: ['shaoguan.gov.cn'],
        subnets: ['10.51.0.0/16'],
        validityYears: 5,
      },
      csrPem: opensslOk(['req', '-in', csrFile]),
      actor: 'root-officer:chen',
    });
    if (!signed.ok) throw new Error(signed.reason);
    const branchFile = writeTemp(ca.dir, 'shaoguan.pem', signed.value.certPem);
    const text = opensslOk(['x509', '-in', branchFile, '-noout', '-text']);
    expect(text).toMatch(/CA:TRUE, pathlen:0/);
    expect(text).toMatch(/Permitted:\s+DNS:shaoguan\.gov\.cn\s+IP:10\.51\.0\.0\/255\.255\.0\.0/);
    expect(opensslOk(['verify', '-CAfile', writeTemp(ca.dir, 'root.pem', rootPem), branchFile])).toMatch(
      /OK/,
    );
    expect(ca.service.getCertificate(signed.value.serial)?.record).toMatchObject({
      profile: 'branch-ca',
      issuerId: 'root',
      actor: 'root-officer:chen',
    });
    const unconstrained = ca.service.signBranchCsr({
      branch: { id: 'open', name: 'x', commonName: 'Open CA', domains: [], subnets: [], validityYears: 5 },
      csrPem: opensslOk(['req', '-in', csrFile]),
      actor: 'root-officer:chen',
    });
    expect(unconstrained).toEqual({
      ok: false,
      reason: expect.stringMatching(/without name constraints is refused/) as unknown,
    });
  });
});

import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createCsr, generateKey, openCa, verifyCaAudit } from '../../pki/index';
import type { ExpiryWarning } from '../../pki/index';
import { authorityFrom, paths, readCaKey, readCertPem, readConfig } from '../../pki/hierarchy';
import { buildLeafCertificate, newSerial } from '../../pki/issue';
import { PROFILES } from '../../pki/profiles/index';
import { spkiOf } from '../../pki/x509';
import { PASSPHRASE, makeTestCa, openssl, opensslOk, writeTemp } from './helpers';
import type { TestCa } from './helpers';

let ca: TestCa | null = null;
afterEach(() => {
  ca?.cleanup();
  ca = null;
});

function routerCsr(cn: string) {
  const key = generateKey('p256');
  return createCsr({ key: key.privateKey, publicKey: key.publicKey, subject: [{ type: 'CN', value: cn }] });
}

describe('key protection', () => {
  it('stores CA keys as scrypt/AES-256 encrypted PKCS#8, mode 0600, that openssl opens only with the passphrase', () => {
    ca = makeTestCa();
    const keyFile = paths(ca.dir).key('zhaoqing');
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(statSync(paths(ca.dir).keys).mode & 0o777).toBe(0o700);
    const pem = readFileSync(keyFile, 'utf8');
    expect(pem).toMatch(/^-----BEGIN ENCRYPTED PRIVATE KEY-----/);
    const asn1 = opensslOk(['asn1parse', '-in', keyFile]);
    expect(asn1).toMatch(/PBES2/);
    expect(asn1).toMatch(/:scrypt/);
    expect(asn1).toMatch(/aes-256-cbc/);
    expect(openssl(['pkey', '-in', keyFile, '-passin', `pass:${PASSPHRASE}`, '-noout']).status).toBe(0);
    expect(openssl(['pkey', '-in', keyFile, '-passin', 'pass:wrong-passphrase', '-noout']).status).not.toBe(
      0,
    );
  });

  it('refuses a wrong passphrase with a reason, and logs no key material', () => {
    ca = makeTestCa();
    const wrong = openCa(ca.dir, 'not-the-passphrase');
    expect(wrong).toEqual({
      ok: false,
      reason: expect.stringMatching(/CA key "root": wrong passphrase/) as unknown,
    });
    const audit = readFileSync(paths(ca.dir).audit, 'utf8');
    expect(audit).not.toContain(PASSPHRASE);
    expect(audit).not.toMatch(/PRIVATE KEY/);
  });
});

describe('name constraints', () => {
  it('a certificate the branch should never issue is rejected by openssl verify anyway', () => {
    ca = makeTestCa();
    const config = readConfig(ca.dir)!;
    const branchConfig = config.authorities.find((a) => a.id === 'zhaoqing')!;
    const branch = authorityFrom(
      branchConfig,
      readCertPem(paths(ca.dir).cert('zhaoqing')),
      readCaKey(paths(ca.dir).key('zhaoqing'), PASSPHRASE, 'branch'),
      config.publicBaseUrl,
    );
    const key = generateKey('p256');
    // Bypass the issuance policy on purpose: sign a name outside zhaoqing.gov.cn / 10.44.0.0/16.
    const der = buildLeafCertificate({
      issuer: branch,
      profile: PROFILES.router,
      subject: [{ type: 'CN', value: 'www.example.com' }],
      sans: { dns: ['www.example.com'], ips: ['192.168.1.1'] },
      spki: spkiOf(key.publicKey),
      keyAlgorithm: 'ec',
      notBefore: new Date(Date.now() - 60_000),
      notAfter: new Date(Date.now() + 86_400_000),
      serial: newSerial().der,
    });
    const leaf = writeTemp(
      ca.dir,
      'outside.pem',
      `-----BEGIN CERTIFICATE-----\n${der.toString('base64')}\n-----END CERTIFICATE-----\n`,
    );
    const chain = ca.service.chainPem('zhaoqing');
    if (!chain.ok) throw new Error(chain.reason);
    const root = writeTemp(ca.dir, 'root.pem', readFileSync(paths(ca.dir).cert('root'), 'utf8'));
    const untrusted = writeTemp(ca.dir, 'chain.pem', chain.value);
    const result = openssl(['verify', '-CAfile', root, '-untrusted', untrusted, leaf]);
    expect(result.status).not.toBe(0);
    expect(result.out).toMatch(/permitted subtree violation/);
  });
});

describe('PKCS#12 and generated keys', () => {
  it('delivers a generated key in a password-protected PKCS#12 that openssl pkcs12 opens', () => {
    ca = makeTestCa();
    const issued = ca.service.issueWithGeneratedKey({
      nodeId: 'zq-sihui-mcu',
      profile: 'vc-endpoint',
      keyType: 'p256',
      p12Password: 'p12-password-1',
      actor: 'alice',
    });
    if (!issued.ok) throw new Error(issued.reason);
    expect(issued.value.keyPem).toBeUndefined();
    const file = writeTemp(ca.dir, 'mcu.p12', issued.value.p12!);
    const out = openssl(['pkcs12', '-in', file, '-passin', 'pass:p12-password-1', '-nodes', '-info']).out;
    expect(out).toMatch(/MAC: sha1, Iteration 10000/);
    expect(out).toMatch(/Shrouded Keybag: PBES2, PBKDF2, AES-256-CBC/);
    expect(out.match(/BEGIN CERTIFICATE/g)).toHaveLength(3);
    expect(out).toMatch(/BEGIN PRIVATE KEY/);
    expect(out).toMatch(/friendlyName: mcu\.sihui\.zhaoqing\.gov\.cn/);
    expect(openssl(['pkcs12', '-in', file, '-passin', 'pass:wrong', '-nokeys', '-noout']).status).not.toBe(0);
  });

  it('works for RSA keys and delivers PEM when no password is given', () => {
    ca = makeTestCa();
    const p12 = ca.service.issueWithGeneratedKey({
      nodeId: 'zq-core',
      profile: 'router',
      keyType: 'rsa2048',
      p12Password: 'p12-password-2',
      actor: 'a',
    });
    if (!p12.ok) throw new Error(p12.reason);
    const file = writeTemp(ca.dir, 'rsa.p12', p12.value.p12!);
    expect(opensslOk(['pkcs12', '-in', file, '-passin', 'pass:p12-password-2', '-nodes'])).toMatch(
      /BEGIN PRIVATE KEY/,
    );
    const pem = ca.service.issueWithGeneratedKey({
      nodeId: 'zq-core',
      profile: 'router',
      keyType: 'p384',
      actor: 'a',
    });
    if (!pem.ok) throw new Error(pem.reason);
    expect(pem.value.keyPem).toMatch(/BEGIN PRIVATE KEY/);
    const certFile = writeTemp(ca.dir, 'p384.pem', pem.value.certPem);
    expect(opensslOk(['x509', '-in', certFile, '-noout', '-text'])).toMatch(/ASN1 OID: secp384r1/);
  });
});

describe('renewal', () => {
  it('renews with the same key, re-keys from a CSR, and can supersede the old certificate', () => {
    ca = makeTestCa();
    const first = ca.service.issueFromCsr({
      nodeId: 'zq-core',
      profile: 'router',
      csrPem: routerCsr('core.zhaoqing.gov.cn'),
      actor: 'a',
    });
    if (!first.ok) throw new Error(first.reason);
    const same = ca.service.renew({ serial: first.value.record.serial, actor: 'b' });
    if (!same.ok) throw new Error(same.reason);
    expect(same.value.record.serial).not.toBe(first.value.record.serial);
    expect(same.value.record.renewedFrom).toBe(first.value.record.serial);
    expect(same.value.record.commonName).toBe('core.zhaoqing.gov.cn');
    const pub = (pem: string) =>
      opensslOk(['x509', '-noout', '-pubkey', '-in', writeTemp(ca!.dir, 'x.pem', pem)]);
    expect(pub(same.value.certPem)).toBe(pub(first.value.certPem));

    const rekey = ca.service.renew({
      serial: same.value.record.serial,
      csrPem: routerCsr('core.zhaoqing.gov.cn'),
      revokeOld: true,
      actor: 'b',
    });
    if (!rekey.ok) throw new Error(rekey.reason);
    expect(pub(rekey.value.certPem)).not.toBe(pub(same.value.certPem));
    expect(ca.service.getCertificate(same.value.record.serial)?.record).toMatchObject({
      status: 'revoked',
      revocationReason: 'superseded',
    });

    const otherSubject = ca.service.renew({
      serial: rekey.value.record.serial,
      csrPem: routerCsr('rtr1.zhaoqing.gov.cn'),
      actor: 'b',
    });
    expect(otherSubject).toEqual({
      ok: false,
      reason: expect.stringMatching(/renewal keeps the subject/) as unknown,
    });
    expect(ca.service.renew({ serial: same.value.record.serial, actor: 'b' })).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/is revoked/) as unknown,
    });
  });
});

describe('expiry warnings', () => {
  it('warns once at 30, 7 and 1 days before notAfter', () => {
    let now = new Date('2026-03-01T00:00:00Z');
    ca = makeTestCa({ now: () => now });
    const warnings: ExpiryWarning[] = [];
    ca.service.onExpiryWarning((warning) => warnings.push(warning));
    const issued = ca.service.issueFromCsr({
      nodeId: 'zq-core',
      profile: 'router',
      csrPem: routerCsr('core.zhaoqing.gov.cn'),
      validityDays: 40,
      actor: 'a',
    });
    if (!issued.ok) throw new Error(issued.reason);
    const mine = () =>
      warnings.filter((w) => w.serial === issued.value.record.serial).map((w) => w.thresholdDays);
    ca.service.checkExpiry();
    expect(mine()).toEqual([]);
    now = new Date('2026-03-15T00:00:00Z'); // 26 days left
    ca.service.checkExpiry();
    ca.service.checkExpiry();
    expect(mine()).toEqual([30]);
    now = new Date('2026-04-04T00:00:00Z'); // 6 days left
    ca.service.checkExpiry();
    expect(mine()).toEqual([30, 7]);
    now = new Date('2026-04-09T12:00:00Z'); // half a day left
    ca.service.checkExpiry();
    ca.service.checkExpiry();
    expect(mine()).toEqual([30, 7, 1]);
    expect(warnings.at(-1)).toMatchObject({
      nodeId: 'zq-core',
      issuerId: 'zhaoqing',
      commonName: 'core.zhaoqing.gov.cn',
    });
    expect(ca.service.expiring(1).map((r) => r.serial)).toContain(issued.value.record.serial);
  });
});

describe('audit log', () => {
  it('records issuance, revocation, key use and admin actions with who did them', async () => {
    ca = makeTestCa();
    const issued = ca.service.issueFromCsr({
      nodeId: 'zq-core',
      profile: 'router',
      csrPem: routerCsr('core.zhaoqing.gov.cn'),
      actor: 'pki-admin:wang',
    });
    if (!issued.ok) throw new Error(issued.reason);
    ca.service.revoke({
      serial: issued.value.record.serial,
      reason: 'cessationOfOperation',
      actor: 'pki-admin:wang',
    });
    await new Promise((resolve) => setImmediate(resolve)); // the group commit writes the lines
    const entries = readFileSync(paths(ca.dir).audit, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { action: string; actor: string; details: Record<string, unknown> });
    const actions = entries.map((e) => e.action);
    expect(actions.slice(0, 3)).toEqual(['ca.create-root', 'ca.create-branch', 'ca.create-branch']);
    expect(actions).toContain('ocsp-signer.issue');
    expect(actions).toContain('ca.unlock');
    expect(entries.find((e) => e.action === 'certificate.issue')).toMatchObject({
      actor: 'pki-admin:wang',
      details: { keyUsed: 'ca:zhaoqing', node: 'zq-core' },
    });
    expect(entries.find((e) => e.action === 'certificate.revoke')).toMatchObject({
      actor: 'pki-admin:wang',
      details: { reason: 'cessationOfOperation' },
    });
    expect(entries.filter((e) => e.action === 'crl.sign').length).toBeGreaterThanOrEqual(4);
    expect(verifyCaAudit(ca.dir)).toMatchObject({ ok: true, entries: entries.length });
  });

  it('detects an edited entry and names its line', () => {
    ca = makeTestCa();
    const file = paths(ca.dir).audit;
    const lines = readFileSync(file, 'utf8').split('\n');
    lines[3] = lines[3]!.replace('"actor":"test:init"', '"actor":"someone-else"');
    writeFileSync(file, lines.join('\n'));
    expect(verifyCaAudit(ca.dir)).toEqual({
      ok: false,
      line: 4,
      reason: expect.stringMatching(/hash does not match/) as unknown,
    });
  });

  it('detects a deleted entry in the middle and at the end', async () => {
    ca = makeTestCa();
    await new Promise((resolve) => setImmediate(resolve)); // let the group commit anchor the head
    const file = paths(ca.dir).audit;
    const original = readFileSync(file, 'utf8');
    const lines = original.trimEnd().split('\n');
    writeFileSync(file, `${[...lines.slice(0, 2), ...lines.slice(3)].join('\n')}\n`);
    expect(verifyCaAudit(ca.dir)).toMatchObject({ ok: false, line: 3 });
    writeFileSync(file, `${lines.slice(0, -1).join('\n')}\n`);
    expect(verifyCaAudit(ca.dir)).toEqual({
      ok: false,
      line: lines.length,
      reason: expect.stringMatching(/deleted from the end/) as unknown,
    });
    writeFileSync(file, original);
    expect(verifyCaAudit(ca.dir).ok).toBe(true);
  });

  it('keeps the chain across reopening the CA', () => {
    ca = makeTestCa();
    ca.service.close();
    const reopened = openCa(ca.dir, PASSPHRASE);
    if (!reopened.ok) throw new Error(reopened.reason);
    reopened.value.recordAdmin('admin:zhao', 'ca.test-action', { note: 'reopened' });
    reopened.value.close();
    expect(verifyCaAudit(ca.dir).ok).toBe(true);
    const again = openCa(ca.dir, PASSPHRASE);
    if (!again.ok) throw new Error(again.reason);
    ca.service = again.value;
    expect(join(ca.dir, 'audit.log')).toBe(paths(ca.dir).audit);
  });
});

describe('two writers on one CA directory', () => {
  it('a console server and a CLI command extend one audit chain', async () => {
    ca = makeTestCa();
    const tick = () => new Promise((resolve) => setImmediate(resolve));
    await tick(); // each writer commits at the end of its turn; in one process we wait for it
    const second = openCa(ca.dir, PASSPHRASE);
    if (!second.ok) throw new Error(second.reason);
    try {
      await tick();
      const issued = ca.service.issueFromCsr({
        nodeId: 'zq-core',
        profile: 'router',
        csrPem: routerCsr('core.zhaoqing.gov.cn'),
        actor: 'console:li',
      });
      if (!issued.ok) throw new Error(issued.reason);
      await tick();
      expect(
        second.value.revoke({ serial: issued.value.record.serial, reason: 'superseded', actor: 'cli:wang' })
          .ok,
      ).toBe(true);
      await tick();
      ca.service.recordAdmin('console:li', 'ca.test-action', {});
      await tick();
      expect(verifyCaAudit(ca.dir)).toMatchObject({ ok: true });
    } finally {
      second.value.close();
    }
  });
});

describe('schedules', () => {
  it('re-signs CRLs past half their lifetime and rotates OCSP signers before they expire', () => {
    let now = new Date();
    ca = makeTestCa({ now: () => now });
    const before = ca.service.crl('zhaoqing');
    if (!before.ok) throw new Error(before.reason);
    expect(ca.service.refreshCrls()).toEqual([]);
    now = new Date(now.getTime() + 4 * 86_400_000);
    expect(ca.service.refreshCrls().sort()).toEqual(['nanyang', 'root', 'zhaoqing']);
    const after = ca.service.crl('zhaoqing');
    expect(after).toMatchObject({ ok: true, value: { number: before.value.number + 1 } });

    const signers = () =>
      ca!.service.listCertificates({ issuerId: 'zhaoqing', profile: 'ocsp-signer' }).length;
    expect(signers()).toBe(1);
    ca.service.close();
    const later = openCa(ca.dir, PASSPHRASE, { now: () => new Date(Date.now() + 70 * 86_400_000) });
    if (!later.ok) throw new Error(later.reason);
    ca.service = later.value;
    expect(signers()).toBe(2);
  });
});

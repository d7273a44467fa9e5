import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCsr } from '../../pki/index';
import { makeTestCa } from './helpers';
import type { TestCa } from './helpers';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/pki/${name}`, import.meta.url), 'utf8');

describe('CSR edge cases (checked-in throwaway requests)', () => {
  it.each([
    ['csr-bad-signature.pem', /CSR signature does not verify/],
    ['csr-rsa1024.pem', /weak key: RSA-1024/],
    ['csr-sha1.pem', /signature algorithm 1\.2\.840\.113549\.1\.1\.5 is not accepted/],
    ['csr-ed25519.pem', /unsupported key type ed25519/],
    ['csr-p521.pem', /EC curve secp521r1/],
    ['csr-email-san.pem', /forbidden name: subjectAltName of type \[1\] is not issued/],
  ])('%s is refused: %s', (name, reason) => {
    expect(parseCsr(fixture(name))).toEqual({ ok: false, reason: expect.stringMatching(reason) as unknown });
  });

  it.each([
    ['csr-good-p256.pem', 'p256'],
    ['csr-compressed-point.pem', 'p256'],
  ])('%s parses and verifies', (name, keyType) => {
    const parsed = parseCsr(fixture(name));
    if (!parsed.ok) throw new Error(parsed.reason);
    expect(parsed.value.keyType).toBe(keyType);
    expect(parsed.value.commonName).toBe('core.zhaoqing.gov.cn');
  });

  it('parses SANs from the extension request', () => {
    const parsed = parseCsr(fixture('csr-good-p256.pem'));
    expect(parsed).toMatchObject({
      ok: true,
      value: { sans: { dns: ['core.zhaoqing.gov.cn'], ips: ['10.44.0.2'] } },
    });
  });

  it('refuses truncated and trailing-garbage DER', () => {
    const der = Buffer.from(fixture('csr-good-p256.pem').replace(/-----[^-]+-----|\s/g, ''), 'base64');
    expect(parseCsr(der.subarray(0, der.length - 3))).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/malformed CSR/) as unknown,
    });
    expect(parseCsr(Buffer.concat([der, Buffer.from([0])]))).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/trailing bytes/) as unknown,
    });
  });
});

describe('issuing from the fixtures', () => {
  let ca: TestCa;
  beforeAll(() => {
    ca = makeTestCa();
  });
  afterAll(() => ca.cleanup());

  it('issues the good request to its node and refuses the wildcard', () => {
    const good = ca.service.issueFromCsr({
      nodeId: 'zq-core',
      profile: 'router',
      csrPem: fixture('csr-good-p256.pem'),
      actor: 't',
    });
    expect(good).toMatchObject({
      ok: true,
      value: { record: { commonName: 'core.zhaoqing.gov.cn', ipAddresses: ['10.44.0.2'] } },
    });
    const wildcard = ca.service.issueFromCsr({
      nodeId: 'zq-core',
      profile: 'router',
      csrPem: fixture('csr-wildcard.pem'),
      actor: 't',
    });
    expect(wildcard).toEqual({
      ok: false,
      reason: expect.stringMatching(/forbidden name: subject CN "\*\.zhaoqing\.gov\.cn"/) as unknown,
    });
    const compressed = ca.service.issueFromCsr({
      nodeId: 'zq-core',
      profile: 'router',
      csrPem: fixture('csr-compressed-point.pem'),
      actor: 't',
    });
    expect(compressed.ok).toBe(true);
  });
});

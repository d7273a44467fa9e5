/**
 * Delegated OCSP-signer and CA certificates are the CA's own: no request path (CSR, generated key,
 * renewal) yields one, whoever asks. Rotation stays internal (see lifecycle.test.ts).
 */
import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROFILE_NAMES, PROFILES } from '../../pki/profiles/index';
import { createCsr } from '../../pki/index';
import { OID } from '../../pki/x509';
import { makeTestCa } from './helpers';
import type { TestCa } from './helpers';

let ca: TestCa;
beforeAll(() => {
  ca = makeTestCa();
});
afterAll(() => ca.cleanup());

const CA_OWN = ['ocsp-signer', 'root-ca', 'branch-ca'];

describe('CA-internal profiles are never issued on request', () => {
  it.each(CA_OWN)(
    'refuses %s from a CSR and with a generated key, naming the requestable ones',
    (profile) => {
      const key = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      const csrPem = createCsr({
        key: key.privateKey,
        publicKey: key.publicKey,
        subject: [{ type: 'CN', value: 'core.zhaoqing.gov.cn' }],
      });
      const signers = () => ca.service.listCertificates({ profile }).length;
      const before = signers();
      const fromCsr = ca.service.issueFromCsr({ nodeId: 'zq-core', profile, csrPem, actor: 'county-admin' });
      const generated = ca.service.issueWithGeneratedKey({
        nodeId: 'zq-core',
        profile,
        actor: 'county-admin',
      });
      for (const result of [fromCsr, generated]) {
        expect(result).toEqual({
          ok: false,
          reason: expect.stringMatching(
            new RegExp(`profile "${profile}" is not issued on request: .*\\(requestable: router, server`),
          ) as unknown,
        });
      }
      expect(signers()).toBe(before);
    },
  );

  it('offers no requestable profile that could sign OCSP answers', () => {
    expect(PROFILE_NAMES).not.toContain('ocsp-signer');
    for (const name of PROFILE_NAMES) expect(PROFILES[name].extKeyUsage).not.toContain(OID.ocspSigning);
  });

  it('keeps the CA-made signer out of renewal', () => {
    const signer = ca.service.listCertificates({ issuerId: 'zhaoqing', profile: 'ocsp-signer' })[0]!;
    const renewed = ca.service.renew({ serial: signer.serial, generate: {}, actor: 'county-admin' });
    expect(renewed).toMatchObject({ ok: false, reason: expect.stringMatching(/CA certificate/) as unknown });
  });
});

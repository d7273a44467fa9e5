/**
 * The console's certificate API offers node profiles only: a PKI administrator (of a county or the
 * whole network) cannot obtain a delegated OCSP-signer or CA certificate through it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addUser, login, startStack, type Client, type Stack } from '../console/server/support';

let stack: Stack;
let countyPki: Client;
let networkPki: Client;

beforeAll(async () => {
  stack = await startStack({ withPki: true });
  await addUser(stack, 'xc-pki', 'pki-admin', 'xichuan-gw');
  await addUser(stack, 'pkiadm', 'pki-admin', null);
  countyPki = await login(stack.server.url, 'xc-pki');
  networkPki = await login(stack.server.url, 'pkiadm');
});
afterAll(() => stack.stop());

describe('POST /api/certificates with a CA-internal profile', () => {
  it.each(['ocsp-signer', 'root-ca', 'branch-ca'])(
    'refuses profile %s with a 400 naming the field, for county and network administrators',
    async (profile) => {
      const signersBefore = stack.pki!.listCertificates({ profile: 'ocsp-signer' }).length;
      for (const client of [countyPki, networkPki]) {
        for (const body of [
          { node: 'xichuan-gw', profile, generate: { keyType: 'ecdsa-p256' } },
          { node: 'xichuan-gw', profile, csrPem: '-----BEGIN CERTIFICATE REQUEST-----\nMA==\n' },
        ]) {
          const response = await client.api('/api/certificates', { method: 'POST', body });
          expect(response.status).toBe(400);
          const text = await response.text();
          expect(text).toMatch(/profile/);
          expect(text).not.toMatch(/PRIVATE KEY|at .*\.ts:\d+/);
        }
      }
      expect(stack.pki!.listCertificates({ profile: 'ocsp-signer' })).toHaveLength(signersBefore);
    },
  );

  it('still issues a node profile to the county administrator', async () => {
    const response = await countyPki.api('/api/certificates', {
      method: 'POST',
      body: { node: 'xichuan-gw', profile: 'router', generate: { keyType: 'ecdsa-p256' } },
    });
    expect(response.status).toBe(201);
  });
});

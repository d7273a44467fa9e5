/**
 * The certificate page's safeguards, at the API: the CA's own certificates are listed with their
 * expiry and cannot be revoked through the console; a node certificate is renewed for the same node
 * and profile with a new key; a revocation names its reason.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CaCertificatesResponse, IssueCertificateResponse } from '../../console/shared';
import { addUser, login, startStack, type Client, type Stack } from '../console/server/support';

let stack: Stack;
let countyPki: Client;
let networkPki: Client;

beforeAll(async () => {
  stack = await startStack({ withPki: true });
  await addUser(stack, 'xc-pki2', 'pki-admin', 'xichuan-gw');
  await addUser(stack, 'pkiadm2', 'pki-admin', null);
  countyPki = await login(stack.server.url, 'xc-pki2');
  networkPki = await login(stack.server.url, 'pkiadm2');
});
afterAll(() => stack.stop());

async function issueRouter(client: Client, node: string): Promise<IssueCertificateResponse> {
  const response = await client.api('/api/certificates', {
    method: 'POST',
    body: { node, profile: 'router', generate: { keyType: 'ecdsa-p256' } },
  });
  expect(response.status).toBe(201);
  return (await response.json()) as IssueCertificateResponse;
}

describe('the CA’s own certificates', () => {
  it('are listed with kind and expiry, and an OCSP responder’s cannot be revoked here', async () => {
    const response = await networkPki.api('/api/certificates/authorities');
    expect(response.status).toBe(200);
    const { authorities } = (await response.json()) as CaCertificatesResponse;
    const kinds = new Set(authorities.map((a) => a.kind));
    expect(kinds.has('root')).toBe(true);
    for (const authority of authorities) expect(authority.notAfterMs).toBeGreaterThan(Date.now());
    const signer = stack.pki!.listCertificates({ profile: 'ocsp-signer' })[0];
    if (signer !== undefined) {
      expect(authorities.some((a) => a.kind === 'ocsp' && a.id === signer.serial)).toBe(true);
      const revoke = await networkPki.api(`/api/certificates/${signer.serial}/revoke`, {
        method: 'POST',
        body: { reason: 'superseded' },
      });
      expect(revoke.status).toBe(404);
      expect(stack.pki!.getCertificate(signer.serial)?.record.status).toBe('valid');
    }
  });
});

describe('renewal and revocation', () => {
  it('renews a node certificate for the same node and profile with a new key, the old one still valid', async () => {
    const old = await issueRouter(countyPki, 'xichuan-gw');
    const response = await countyPki.api(`/api/certificates/${old.certificate.serial}/renew`, {
      method: 'POST',
      body: {},
    });
    expect(response.status).toBe(201);
    const renewed = (await response.json()) as IssueCertificateResponse;
    expect(renewed.certificate.serial).not.toBe(old.certificate.serial);
    expect(renewed.certificate).toMatchObject({ node: 'xichuan-gw', profile: 'router', status: 'valid' });
    expect(renewed.keyPem).toMatch(/PRIVATE KEY/);
    expect(stack.pki!.getCertificate(old.certificate.serial)?.record.status).toBe('valid');
  });

  it('refuses a renewal outside the caller’s scope and a body it does not know', async () => {
    const other = await issueRouter(networkPki, 'nanzhao-gw');
    const outside = await countyPki.api(`/api/certificates/${other.certificate.serial}/renew`, {
      method: 'POST',
      body: {},
    });
    expect(outside.status).toBe(404);
    const bad = await networkPki.api(`/api/certificates/${other.certificate.serial}/renew`, {
      method: 'POST',
      body: { p12Password: 'short' },
    });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toMatch(/p12Password/);
  });

  it('refuses a revocation without a reason', async () => {
    const cert = await issueRouter(countyPki, 'xichuan-gw');
    const response = await countyPki.api(`/api/certificates/${cert.certificate.serial}/revoke`, {
      method: 'POST',
      body: {},
    });
    expect(response.status).toBe(400);
    expect(stack.pki!.getCertificate(cert.certificate.serial)?.record.status).toBe('valid');
  });
});

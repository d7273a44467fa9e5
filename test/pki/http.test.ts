import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { createPkiHttpApp } from '../../pki/http';
import {
  explicit,
  nullValue,
  octetString,
  oid,
  readWhole,
  children,
  sequence,
  unsignedInteger,
} from '../../pki/der';
import { OID, readCertificate, subjectPublicKeyBits } from '../../pki/x509';
import { makeTestCa } from './helpers';
import type { TestCa } from './helpers';

let ca: TestCa;
let app: ReturnType<typeof createPkiHttpApp>;
beforeAll(() => {
  ca = makeTestCa();
  app = createPkiHttpApp(ca.service);
});
afterAll(() => ca.cleanup());

function ocspRequest(serialHex: string, nonce?: Buffer): Buffer {
  const issuer = readCertificate(ca.service.caCertificate('zhaoqing')!);
  const certId = sequence(
    sequence(oid(OID.sha1), nullValue()),
    octetString(createHash('sha1').update(issuer.subject).digest()),
    octetString(createHash('sha1').update(subjectPublicKeyBits(issuer.spki)).digest()),
    unsignedInteger(Buffer.from(serialHex, 'hex')),
  );
  const extensions = nonce
    ? [explicit(2, sequence(sequence(oid(OID.ocspNonce), octetString(octetString(nonce)))))]
    : [];
  return sequence(sequence(sequence(sequence(certId)), ...extensions));
}

describe('PKI HTTP app (in-process)', () => {
  it('serves CRLs and CA certificates by issuer id, 404 otherwise', async () => {
    const crl = await app.request('/crl/zhaoqing.crl');
    expect(crl.status).toBe(200);
    expect(crl.headers.get('content-type')).toBe('application/pkix-crl');
    expect(Buffer.from(await crl.arrayBuffer())[0]).toBe(0x30);
    expect((await app.request('/crl/../ca.json')).status).toBe(404);
    expect((await app.request('/crl/ZHAOQING.crl')).status).toBe(404);
    expect((await app.request('/ca/root.crt')).headers.get('content-type')).toBe('application/pkix-cert');
  });

  it('answers OCSP over GET with a raw base64 path containing "/" and echoes the nonce', async () => {
    const issued = ca.service.issueWithGeneratedKey({ nodeId: 'zq-core', profile: 'router', actor: 't' });
    if (!issued.ok) throw new Error(issued.reason);
    const nonce = Buffer.from('0123456789abcdef');
    let der = ocspRequest(issued.value.record.serial, nonce);
    // Find a nonce that puts a "/" in the base64 form, so the path has several segments.
    for (let i = 0; !der.toString('base64').includes('/') && i < 256; i += 1) {
      nonce[0] = i;
      der = ocspRequest(issued.value.record.serial, nonce);
    }
    expect(der.toString('base64')).toContain('/');
    const response = await app.request(`/ocsp/${der.toString('base64')}`);
    const body = Buffer.from(await response.arrayBuffer());
    const [status, bytes] = children(readWhole(body));
    expect(status!.content[0]).toBe(0); // successful
    expect(bytes).toBeDefined();
    expect(body.includes(nonce)).toBe(true);
  });

  it('refuses oversized and mistyped POSTs', async () => {
    const big = await app.request('/ocsp', {
      method: 'POST',
      headers: { 'content-type': 'application/ocsp-request' },
      body: new Uint8Array(20_000),
    });
    expect(big.status).toBe(413);
    const foreignCertId = sequence(
      sequence(oid(OID.sha1), nullValue()),
      octetString(Buffer.alloc(20)),
      octetString(Buffer.alloc(20)),
      unsignedInteger(Buffer.from([1])),
    );
    const unknownIssuer = await app.request('/ocsp', {
      method: 'POST',
      headers: { 'content-type': 'application/ocsp-request' },
      body: new Uint8Array(sequence(sequence(sequence(sequence(foreignCertId))))),
    });
    expect(Buffer.from(await unknownIssuer.arrayBuffer())).toEqual(
      Buffer.from([0x30, 0x03, 0x0a, 0x01, 0x06]),
    ); // unauthorized
  });
});

/**
 * Fuzz at the PKI's untrusted edges: the DER reader, CSRs (parsed alone and submitted for issuance,
 * of every key type the CA accepts) and OCSP requests through the public responder (POST and GET).
 * Every input gets a refusal with a reason (or a valid answer), never an exception or a 5xx.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  children,
  explicit,
  nullValue,
  octetString,
  oid,
  readWhole,
  sequence,
  unsignedInteger,
} from '../../pki/der';
import type { DerNode } from '../../pki/der';
import { DerError } from '../../pki/der';
import { createPkiHttpApp } from '../../pki/http';
import { createCsr, parseCsr } from '../../pki/index';
import { generateKey, type KeyType } from '../../pki/keys';
import { parseOcspRequest } from '../../pki/ocsp';
import { OID, readCertificate, subjectPublicKeyBits } from '../../pki/x509';
import { makeTestCa, type TestCa } from '../pki/helpers';
import { fuzz } from './mutator';

let ca: TestCa;
let app: ReturnType<typeof createPkiHttpApp>;
let csrSeeds: Buffer[];
let ocspSeeds: Buffer[];

const derOf = (pem: string): Buffer => Buffer.from(pem.replace(/-----[^-]+-----|\s/g, ''), 'base64');
const pemOf = (der: Buffer): string =>
  `-----BEGIN CERTIFICATE REQUEST-----\n${der.toString('base64')}\n-----END CERTIFICATE REQUEST-----\n`;

function ocspRequestFor(serial: Buffer, nonce: Buffer | null): Buffer {
  const issuer = readCertificate(ca.service.caCertificate('zhaoqing')!);
  const certId = sequence(
    sequence(oid(OID.sha1), nullValue()),
    octetString(createHash('sha1').update(issuer.subject).digest()),
    octetString(createHash('sha1').update(subjectPublicKeyBits(issuer.spki)).digest()),
    unsignedInteger(serial),
  );
  const extensions = nonce
    ? [explicit(2, sequence(sequence(oid(OID.ocspNonce), octetString(octetString(nonce)))))]
    : [];
  return sequence(sequence(sequence(sequence(certId)), ...extensions));
}

beforeAll(() => {
  ca = makeTestCa();
  app = createPkiHttpApp(ca.service);
  // One key of each family the CA accepts (larger RSA and P-384 add time, not new code paths).
  const keyTypes: KeyType[] = ['p256', 'rsa2048', 'sm2'];
  csrSeeds = keyTypes.map((type) => {
    const key = generateKey(type);
    return derOf(
      createCsr({
        key: key.privateKey,
        publicKey: key.publicKey,
        subject: [{ type: 'CN', value: 'core.zhaoqing.gov.cn' }],
        sans: { dns: ['core.zhaoqing.gov.cn'], ips: ['10.44.0.2'] },
      }),
    );
  });
  ocspSeeds = [
    ocspRequestFor(Buffer.from([0x10, 1, 2, 3]), Buffer.from('fuzz-nonce-0123')),
    ocspRequestFor(Buffer.from([0x7f]), null),
  ];
});
afterAll(() => ca.cleanup());

/** Walk every constructed node the way the parsers do; only DerError may come out. */
function walk(node: DerNode, depth = 0): number {
  if (depth > 64 || (node.tag & 0x20) === 0) return 1;
  return children(node).reduce((sum, child) => sum + walk(child, depth + 1), 1);
}

/** The responseStatus of a DER OCSPResponse (0 successful, 1 malformedRequest, ...). */
const ocspStatus = (response: Buffer): number | undefined => children(readWhole(response))[0]?.content[0];

describe('fuzz: DER reader', () => {
  it('reads or refuses with a DerError, never anything else', async () => {
    const ran = await fuzz(
      [...csrSeeds, ...ocspSeeds],
      { seed: 0xd0e1, count: 10_000, budgetMs: 3000 },
      (bytes) => {
        try {
          walk(readWhole(bytes));
        } catch (error) {
          if (!(error instanceof DerError)) throw error;
        }
      },
    );
    expect(ran).toBeGreaterThan(0);
  });
});

describe('fuzz: CSRs', () => {
  it('parseCsr answers every DER and PEM input with ok or a reason', async () => {
    const ran = await fuzz(csrSeeds, { seed: 0xc5a1, count: 2000, budgetMs: 3000 }, (bytes) => {
      for (const input of [bytes, pemOf(bytes)]) {
        const result = parseCsr(input);
        if (!result.ok) expect(result.reason).toMatch(/\S/);
      }
    });
    expect(ran).toBeGreaterThan(0);
  });

  it('issuance refuses a mutated CSR with a reason, and still issues from a valid one afterwards', async () => {
    await fuzz(csrSeeds, { seed: 0xc5a2, count: 400, budgetMs: 3000 }, (bytes) => {
      const issued = ca.service.issueFromCsr({
        nodeId: 'zq-core',
        profile: 'router',
        csrPem: pemOf(bytes),
        actor: 'test:fuzz',
      });
      if (!issued.ok) expect(issued.reason).toMatch(/\S/);
    });
    const valid = ca.service.issueFromCsr({
      nodeId: 'zq-core',
      profile: 'router',
      csrPem: pemOf(csrSeeds[0]!),
      actor: 'test:fuzz',
    });
    expect(valid.ok).toBe(true);
  });
});

describe('fuzz: OCSP requests', () => {
  it('parseOcspRequest answers every input with a request or an error', async () => {
    await fuzz(ocspSeeds, { seed: 0x0c50, count: 8000, budgetMs: 3000 }, (bytes) => {
      const parsed = parseOcspRequest(bytes);
      if ('error' in parsed) expect(parsed.error).toMatch(/\S/);
      else expect(parsed.certIds.length).toBeGreaterThan(0);
    });
  });

  it('the public responder answers POST and GET with an OCSP response, never a 5xx', async () => {
    await fuzz(ocspSeeds, { seed: 0x0c51, count: 800, budgetMs: 3000 }, async (bytes) => {
      const post = await app.request('/ocsp', {
        method: 'POST',
        headers: { 'content-type': 'application/ocsp-request' },
        body: new Uint8Array(bytes),
      });
      expect(post.status).toBe(200);
      expect([0, 1, 6]).toContain(ocspStatus(Buffer.from(await post.arrayBuffer())));
      const get = await app.request(`/ocsp/${encodeURIComponent(bytes.toString('base64'))}`);
      expect(get.status).toBeLessThan(500);
    });
    // Still answering a well-formed request after the fuzz.
    const last = await app.request('/ocsp', {
      method: 'POST',
      headers: { 'content-type': 'application/ocsp-request' },
      body: new Uint8Array(ocspSeeds[0]!),
    });
    expect(ocspStatus(Buffer.from(await last.arrayBuffer()))).toBe(0);
  });
});

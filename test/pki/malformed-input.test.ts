/**
 * Malformed CSRs and OCSP requests get a reason (CSR) or the malformedRequest OCSP response, never
 * an exception or a 5xx: named cases, then a bounded, seeded fuzz over mutations of valid inputs.
 */
import { createHash, generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  children,
  explicit,
  nullValue,
  octetString,
  oid,
  readWhole,
  sequence,
  tlv,
  unsignedInteger,
} from '../../pki/der';
import type { DerNode } from '../../pki/der';
import { createPkiHttpApp } from '../../pki/http';
import { createCsr, parseCsr } from '../../pki/index';
import { OID, readCertificate, subjectPublicKeyBits } from '../../pki/x509';
import { CN, csrDer, requestInfo } from './csr-builder';
import { makeTestCa } from './helpers';
import type { TestCa } from './helpers';
import { seededRandom } from '../fuzz/mutator';

let ca: TestCa;
let app: ReturnType<typeof createPkiHttpApp>;
beforeAll(() => {
  ca = makeTestCa();
  app = createPkiHttpApp(ca.service);
});
afterAll(() => ca.cleanup());

const p256 = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const sm2 = generateKeyPairSync('ec', { namedCurve: 'SM2' });
const validCsr = (key: typeof p256) =>
  Buffer.from(
    createCsr({
      key: key.privateKey,
      publicKey: key.publicKey,
      subject: [{ type: 'CN', value: CN }],
      sans: { dns: [CN], ips: ['10.44.0.2'] },
    }).replace(/-----[^-]+-----|\s/g, ''),
    'base64',
  );

function certId(hashOid: string = OID.sha1, serial = Buffer.from([0x10, 1, 2, 3])): Buffer {
  const issuer = readCertificate(ca.service.caCertificate('zhaoqing')!);
  const name = hashOid === OID.sha256 ? 'sha256' : 'sha1';
  return sequence(
    sequence(oid(hashOid), nullValue()),
    octetString(createHash(name).update(issuer.subject).digest()),
    octetString(createHash(name).update(subjectPublicKeyBits(issuer.spki)).digest()),
    unsignedInteger(serial),
  );
}

function ocspRequest(certIds: Buffer[], nonce: Buffer | null = Buffer.from('fuzz-nonce-0123')): Buffer {
  const extensions = nonce
    ? [explicit(2, sequence(sequence(oid(OID.ocspNonce), octetString(octetString(nonce)))))]
    : [];
  return sequence(sequence(sequence(...certIds.map((id) => sequence(id))), ...extensions));
}

/** The responseStatus of a DER OCSPResponse. */
const ocspStatus = (response: Buffer) => children(readWhole(response))[0]!.content[0];

async function postOcsp(body: Buffer): Promise<{ status: number; ocsp: number | undefined }> {
  const response = await app.request('/ocsp', {
    method: 'POST',
    headers: { 'content-type': 'application/ocsp-request' },
    body: new Uint8Array(body),
  });
  const bytes = Buffer.from(await response.arrayBuffer());
  return { status: response.status, ocsp: response.status === 200 ? ocspStatus(bytes) : undefined };
}

describe('malformed CSRs are a reason, never an exception', () => {
  const info = requestInfo(p256.publicKey.export({ type: 'spki', format: 'der' }));
  const cases: [string, Buffer, RegExp][] = [
    [
      'an empty signature algorithm',
      csrDer(info, sequence(), Buffer.alloc(64, 1)),
      /signature algorithm identifier is empty/,
    ],
    [
      'an attribute with no type or values',
      csrDer(
        sequence(
          ...children(readWhole(info))
            .slice(0, 3)
            .map((node) => node.raw),
          explicit(0, sequence()),
        ),
        sequence(oid(OID.ecdsaWithSha256)),
        Buffer.alloc(64, 1),
      ),
      /malformed CSR: attribute/,
    ],
    [
      'an empty key algorithm',
      csrDer(
        requestInfo(sequence(sequence(), Buffer.from([3, 2, 0, 4]))),
        sequence(oid(OID.ecdsaWithSha256)),
        Buffer.alloc(8),
      ),
      /key algorithm identifier is empty/,
    ],
    ['an empty SEQUENCE', sequence(), /malformed CSR/],
    ['a huge length', Buffer.from([0x30, 0x84, 0xff, 0xff, 0xff, 0xff, 0]), /malformed CSR/],
    [
      'a subject RDN that is not a SET',
      csrDer(
        sequence(
          Buffer.from([2, 1, 0]),
          sequence(sequence(oid(OID.commonName))),
          p256.publicKey.export({ type: 'spki', format: 'der' }),
          Buffer.from([0xa0, 0]),
        ),
        sequence(oid(OID.ecdsaWithSha256)),
        Buffer.alloc(8),
      ),
      /malformed CSR/,
    ],
  ];
  it.each(cases)('%s', (_what, der, reason) => {
    expect(parseCsr(der)).toEqual({ ok: false, reason: expect.stringMatching(reason) as unknown });
  });
});

describe('malformed OCSP requests get malformedRequest (HTTP 200, OCSP status 1)', () => {
  const good = () => ocspRequest([certId()]);
  const cases: [string, () => Buffer][] = [
    ['truncated DER', () => good().subarray(0, good().length - 5)],
    ['a wrong outer tag', () => Buffer.concat([Buffer.from([0x31]), good().subarray(1)])],
    ['a huge length', () => Buffer.from([0x30, 0x84, 0x7f, 0xff, 0xff, 0xff, 0x30, 0x00])],
    ['zero requests', () => ocspRequest([])],
    ['an empty Request', () => sequence(sequence(sequence(sequence())))],
    ['an empty CertID', () => ocspRequest([sequence()])],
    ['an unknown hash algorithm', () => ocspRequest([certId('1.2.840.113549.2.5')])],
    [
      'an empty hash AlgorithmIdentifier',
      () =>
        ocspRequest([
          sequence(
            sequence(),
            octetString(Buffer.alloc(20)),
            octetString(Buffer.alloc(20)),
            unsignedInteger(Buffer.from([1])),
          ),
        ]),
    ],
    [
      'an empty nonce extension',
      () => sequence(sequence(sequence(sequence(certId())), explicit(2, sequence(sequence())))),
    ],
    ['an empty body', () => Buffer.alloc(0)],
  ];
  it.each(cases)('%s', async (_what, make) => {
    const body = make();
    expect(ocspStatus(ca.service.ocspRespond(body))).toBe(1);
    expect(await postOcsp(body)).toEqual({ status: 200, ocsp: 1 });
    const get = await app.request(`/ocsp/${encodeURIComponent(body.toString('base64'))}`);
    expect(get.status).toBe(200);
  });

  it('answers the well-formed request it was mutated from', async () => {
    expect(await postOcsp(good())).toEqual({ status: 200, ocsp: 0 });
    expect(await postOcsp(ocspRequest([certId(OID.sha256)]))).toEqual({ status: 200, ocsp: 0 });
  });
});

/** The fuzz suites' seeded generator, so a failing input can be reproduced from the seed. */
const seeded = seededRandom;

type TreeEdit = 'empty' | 'drop' | 'retag' | 'duplicate';

/**
 * Re-encodes a DER tree with one node (by pre-order index) emptied, dropped, retagged or doubled,
 * lengths fixed up: the structure stays readable, so the parsers' field checks are what is tested.
 */
function editTree(input: Buffer, target: number, edit: TreeEdit, tag: number): Buffer {
  let index = 0;
  const walk = (node: DerNode): Buffer[] => {
    const mine = index;
    index += 1;
    const constructed = (node.tag & 0x20) !== 0;
    let body = node.content;
    if (constructed) {
      try {
        body = Buffer.concat(children(node).flatMap(walk));
      } catch {
        body = node.content;
      }
    }
    if (mine !== target) return [constructed ? tlv(node.tag, body) : Buffer.from(node.raw)];
    switch (edit) {
      case 'empty':
        return [tlv(node.tag)];
      case 'drop':
        return [];
      case 'retag':
        return [tlv(tag, body)];
      case 'duplicate':
        return [tlv(node.tag, body), tlv(node.tag, body)];
    }
  };
  return Buffer.concat(walk(readWhole(input)));
}

function countNodes(input: Buffer): number {
  const count = (node: DerNode): number =>
    1 + ((node.tag & 0x20) !== 0 ? children(node).reduce((sum, child) => sum + count(child), 0) : 0);
  return count(readWhole(input));
}

const EDITS: TreeEdit[] = ['empty', 'drop', 'retag', 'duplicate'];

function mutate(input: Buffer, random: () => number): Buffer {
  if (random() < 0.5) {
    let nodes = 0;
    try {
      nodes = countNodes(input);
    } catch {
      nodes = 0;
    }
    if (nodes > 0) {
      const edit = EDITS[Math.floor(random() * EDITS.length)]!;
      const tags = [0x02, 0x04, 0x05, 0x06, 0x30, 0x31, 0xa0, 0xa2, 0x03];
      return editTree(input, Math.floor(random() * nodes), edit, tags[Math.floor(random() * tags.length)]!);
    }
  }
  const at = Math.floor(random() * input.length);
  const out = Buffer.from(input);
  switch (Math.floor(random() * 6)) {
    case 0:
      out[at] = Math.floor(random() * 256);
      return out;
    case 1:
      out[at]! ^= 1 << Math.floor(random() * 8);
      return out;
    case 2:
      return out.subarray(0, at);
    case 3:
      return Buffer.concat([
        out.subarray(0, at),
        Buffer.from([0x84, 0xff, 0xff, 0xff, 0xf0]),
        out.subarray(at + 1),
      ]);
    case 4:
      return Buffer.concat([out.subarray(0, at), out.subarray(at + 1 + Math.floor(random() * 8))]);
    default:
      return Buffer.concat([out.subarray(0, at), Buffer.from([0x30, 0x00]), out.subarray(at)]);
  }
}

/** Fixed count and seeds; FUZZ_MUTATIONS and FUZZ_SEED widen a local run. */
const MUTATIONS = Number(process.env.FUZZ_MUTATIONS ?? 1500);
const CSR_SEED = Number(process.env.FUZZ_SEED ?? 20261206);
const OCSP_SEED = Number(process.env.FUZZ_SEED ?? 6960);

describe('seeded fuzz: mutated valid inputs', () => {
  it(`parses ${MUTATIONS} mutations of P-256, RSA and SM2 CSRs without throwing`, () => {
    const random = seeded(CSR_SEED);
    for (const base of [validCsr(p256), validCsr(rsa), validCsr(sm2)]) {
      for (let i = 0; i < MUTATIONS; i += 1) {
        let input = mutate(base, random);
        if (random() < 0.3) input = mutate(input, random);
        const result = parseCsr(input);
        expect(typeof result.ok, `seed ${CSR_SEED} mutation ${i}: ${input.toString('hex')}`).toBe('boolean');
        if (!result.ok) expect(result.reason).toMatch(/\S/);
      }
    }
  });

  it(`answers ${MUTATIONS} mutations of OCSP requests without a throw or a 5xx`, async () => {
    const random = seeded(OCSP_SEED);
    const base = ocspRequest([certId(), certId(OID.sha256)]);
    for (let i = 0; i < MUTATIONS; i += 1) {
      let input = mutate(base, random);
      if (random() < 0.3) input = mutate(input, random);
      const response = ca.service.ocspRespond(input);
      expect([0, 1, 6], `seed ${OCSP_SEED} mutation ${i}: ${input.toString('hex')}`).toContain(
        ocspStatus(response),
      );
      if (i % 10 === 0) expect((await postOcsp(input)).status).toBe(200);
    }
  });
});

/**
 * OCSP (RFC 6960): parsing requests (untrusted input, strict) and building BasicOCSPResponses
 * signed by the CA's delegated OCSP signer.
 */
import { createHash } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import {
  DerError,
  children,
  decodeOid,
  enumerated,
  expectTag,
  explicit,
  generalizedTime,
  octetString,
  oid,
  readWhole,
  sequence,
  tlv,
  integerHex,
} from './der';
import type { DerNode } from './der';
import type { RevocationReason } from './store';
import { reasonCode } from './store';
import { OID, extension, signAndWrap, subjectPublicKeyBits } from './x509';
import type { SignatureAlgorithm } from './x509';

export const OCSP_STATUS = {
  successful: 0,
  malformedRequest: 1,
  internalError: 2,
  tryLater: 3,
  sigRequired: 5,
  unauthorized: 6,
} as const;

export interface OcspCertId {
  hashAlgorithm: 'sha1' | 'sha256';
  issuerNameHash: string;
  issuerKeyHash: string;
  serial: string;
  /** The CertID exactly as requested, echoed in the response. */
  raw: Buffer;
}

export interface OcspRequest {
  certIds: OcspCertId[];
  nonce: Buffer | null;
}

const HASHES: Record<string, { name: 'sha1' | 'sha256'; bytes: number }> = {
  [OID.sha1]: { name: 'sha1', bytes: 20 },
  [OID.sha256]: { name: 'sha256', bytes: 32 },
};

const MAX_REQUESTS = 100;
const MAX_SERIAL_BYTES = 32;
const MAX_NONCE_BYTES = 128;

function fields(node: DerNode | undefined, tag: number, what: string): DerNode[] {
  return children(expectTag(node, tag, what));
}

/** CertID ::= SEQUENCE { hashAlgorithm, issuerNameHash, issuerKeyHash, serialNumber } */
function parseCertId(request: DerNode): OcspCertId {
  const [certId, singleExtensions, extra] = fields(request, 0x30, 'Request');
  if (extra || (singleExtensions && singleExtensions.tag !== 0xa0))
    throw new DerError('Request holds more than a CertID and its extensions');
  const [algorithm, nameHash, keyHash, serial, trailing] = fields(certId, 0x30, 'CertID');
  if (trailing) throw new DerError('CertID has trailing fields');
  const [hashOid, parameters, extraParameter] = fields(algorithm, 0x30, 'CertID hashAlgorithm');
  const hashId = decodeOid(hashOid);
  const hash = HASHES[hashId];
  if (!hash) throw new DerError(`unsupported CertID hash algorithm ${hashId} (use SHA-1 or SHA-256)`);
  if (extraParameter || (parameters && (parameters.tag !== 0x05 || parameters.content.length !== 0)))
    throw new DerError('CertID hash parameters must be NULL or absent');
  const issuerNameHash = expectTag(nameHash, 0x04, 'issuerNameHash').content;
  const issuerKeyHash = expectTag(keyHash, 0x04, 'issuerKeyHash').content;
  if (issuerNameHash.length !== hash.bytes || issuerKeyHash.length !== hash.bytes)
    throw new DerError(`CertID hashes must be ${hash.bytes} bytes for ${hash.name}`);
  const serialNode = expectTag(serial, 0x02, 'serialNumber');
  if (serialNode.content.length === 0 || serialNode.content.length > MAX_SERIAL_BYTES)
    throw new DerError(`serialNumber must be 1 to ${MAX_SERIAL_BYTES} bytes`);
  return {
    hashAlgorithm: hash.name,
    issuerNameHash: issuerNameHash.toString('hex'),
    issuerKeyHash: issuerKeyHash.toString('hex'),
    serial: integerHex(serialNode),
    raw: Buffer.from(certId!.raw),
  };
}

/** The nonce (RFC 8954) among requestExtensions [2] EXPLICIT Extensions, if any. */
function parseNonce(extensions: DerNode | undefined): Buffer | null {
  if (!extensions) return null;
  const [list, extra] = fields(extensions, 0xa2, 'requestExtensions');
  if (extra) throw new DerError('requestExtensions holds more than one list');
  let nonce: Buffer | null = null;
  for (const ext of fields(list, 0x30, 'Extensions')) {
    const parts = fields(ext, 0x30, 'Extension');
    if (parts.length < 2 || parts.length > 3)
      throw new DerError('Extension must be { id, [critical,] value }');
    const value = expectTag(parts[parts.length - 1], 0x04, 'extnValue');
    if (decodeOid(parts[0]) !== OID.ocspNonce) continue;
    if (value.content.length === 0 || value.content.length > MAX_NONCE_BYTES)
      throw new DerError(`nonce must be 1 to ${MAX_NONCE_BYTES} bytes`);
    nonce = Buffer.from(value.content);
  }
  return nonce;
}

/**
 * OCSPRequest ::= SEQUENCE { tbsRequest, optionalSignature [0] OPTIONAL }. Every malformed input
 * is `{ error }` (answered malformedRequest), never an exception.
 */
export function parseOcspRequest(der: Buffer): OcspRequest | { error: string } {
  try {
    const [tbs, signature, extra] = fields(readWhole(der), 0x30, 'OCSPRequest');
    if (extra || (signature && signature.tag !== 0xa0))
      throw new DerError('OCSPRequest has unexpected fields');
    const parts = fields(tbs, 0x30, 'tbsRequest');
    let index = 0;
    if (parts[index]?.tag === 0xa0) index += 1; // version, v1 only in practice
    if (parts[index]?.tag === 0xa1) index += 1; // requestorName
    const requests = fields(parts[index], 0x30, 'requestList');
    index += 1;
    const extensions = parts[index]?.tag === 0xa2 ? parts[index] : undefined;
    if (extensions) index += 1;
    if (index !== parts.length) throw new DerError('tbsRequest has unexpected fields');
    if (requests.length === 0 || requests.length > MAX_REQUESTS)
      throw new DerError(`requestList must hold 1 to ${MAX_REQUESTS} requests`);
    return { certIds: requests.map(parseCertId), nonce: parseNonce(extensions) };
  } catch (error) {
    if (error instanceof DerError) return { error: error.message };
    throw error;
  }
}

export function ocspError(status: Exclude<(typeof OCSP_STATUS)[keyof typeof OCSP_STATUS], 0>): Buffer {
  return sequence(enumerated(status));
}

export interface OcspSigner {
  certDer: Buffer;
  key: KeyObject;
  algorithm: SignatureAlgorithm;
  /** ResponderID byKey: SHA-1 of the signer's public key bits. */
  responderKeyHash: Buffer;
}

export function responderKeyHash(spki: Buffer): Buffer {
  return createHash('sha1').update(subjectPublicKeyBits(spki)).digest();
}

export type SingleStatus =
  | { status: 'good' }
  | { status: 'revoked'; revokedAt: Date; reason: RevocationReason | null }
  | { status: 'unknown' };

/** How long a response may be cached; matches how often the CRL is regenerated. */
export const OCSP_VALIDITY_MS = 3_600_000;

export function buildOcspResponse(
  signer: OcspSigner,
  answers: { certId: Buffer; status: SingleStatus }[],
  nonce: Buffer | null,
  now: Date,
): Buffer {
  const producedAt = generalizedTime(new Date(Math.floor(now.getTime() / 1000) * 1000));
  const nextUpdate = explicit(0, generalizedTime(new Date(now.getTime() + OCSP_VALIDITY_MS)));
  const responses = answers.map((answer) => {
    let status: Buffer;
    switch (answer.status.status) {
      case 'good':
        status = Buffer.from([0x80, 0x00]);
        break;
      case 'unknown':
        status = Buffer.from([0x82, 0x00]);
        break;
      case 'revoked': {
        const reason = answer.status.reason === null ? null : reasonCode(answer.status.reason);
        status = tlv(
          0xa1,
          generalizedTime(answer.status.revokedAt),
          ...(reason === null || reason === 0 ? [] : [explicit(0, enumerated(reason))]),
        );
        break;
      }
    }
    return sequence(answer.certId, status, producedAt, nextUpdate);
  });
  const tbs = sequence(
    explicit(2, octetString(signer.responderKeyHash)),
    producedAt,
    sequence(...responses),
    ...(nonce ? [explicit(1, sequence(extension(OID.ocspNonce, false, nonce)))] : []),
  );
  const basic = signAndWrap(tbs, signer.key, signer.algorithm, explicit(0, sequence(signer.certDer)));
  return sequence(
    enumerated(OCSP_STATUS.successful),
    explicit(0, sequence(oid(OID.ocspBasic), octetString(basic))),
  );
}

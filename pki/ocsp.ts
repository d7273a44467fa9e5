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

const HASHES: Record<string, 'sha1' | 'sha256'> = { [OID.sha1]: 'sha1', [OID.sha256]: 'sha256' };

export function parseOcspRequest(der: Buffer): OcspRequest | { error: string } {
  try {
    const [tbs] = children(readWhole(der));
    if (tbs?.tag !== 0x30) throw new DerError('no tbsRequest');
    const parts = children(tbs);
    const requestList = parts.find((part) => part.tag === 0x30);
    if (!requestList) throw new DerError('no requestList');
    const certIds: OcspCertId[] = children(requestList).map((request) => {
      const [certId] = children(request);
      const [algorithm, nameHash, keyHash, serial] = children(certId!);
      const hashOid = decodeOid(children(algorithm!)[0]!);
      const hashAlgorithm = HASHES[hashOid];
      if (!hashAlgorithm) throw new DerError(`unsupported CertID hash ${hashOid}`);
      if (nameHash?.tag !== 0x04 || keyHash?.tag !== 0x04 || serial?.tag !== 0x02)
        throw new DerError('malformed CertID');
      return {
        hashAlgorithm,
        issuerNameHash: nameHash.content.toString('hex'),
        issuerKeyHash: keyHash.content.toString('hex'),
        serial: integerHex(serial),
        raw: Buffer.from(certId!.raw),
      };
    });
    if (certIds.length === 0 || certIds.length > 100)
      throw new DerError('requestList must hold 1 to 100 requests');
    let nonce: Buffer | null = null;
    const extensions = parts.find((part) => part.tag === 0xa2);
    if (extensions) {
      for (const ext of children(children(extensions)[0]!)) {
        const fields: DerNode[] = children(ext);
        if (decodeOid(fields[0]!) === OID.ocspNonce) {
          nonce = Buffer.from(fields[fields.length - 1]!.content);
          if (nonce.length > 128) throw new DerError('nonce too long');
        }
      }
    }
    return { certIds, nonce };
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

/**
 * The SM2 signature value as certificates, CSRs, CRLs and OCSP responses carry it (GM/T 0009 §7.2):
 * SEQUENCE { r INTEGER, s INTEGER }. Read strictly: positive, minimally encoded, nothing after.
 */
import { DerError, bigInteger, children, readWhole, sequence } from '../der';
import type { DerNode } from '../der';
import { toBigInt } from './sm2-signature';
import type { Sm2Signature } from './sm2-signature';

export function encodeSignature(signature: Sm2Signature): Buffer {
  return sequence(bigInteger(signature.r), bigInteger(signature.s));
}

function positive(node: DerNode | undefined): bigint {
  if (node?.tag !== 0x02 || node.content.length === 0 || node.content.length > 33)
    throw new DerError('not a small INTEGER');
  const bytes = node.content;
  if (bytes[0]! & 0x80) throw new DerError('negative INTEGER');
  if (bytes.length > 1 && bytes[0] === 0 && !(bytes[1]! & 0x80)) throw new DerError('INTEGER not minimal');
  return toBigInt(bytes);
}

/** The (r, s) of a DER signature value, or null when it is not one. */
export function decodeSignature(der: Buffer): Sm2Signature | null {
  try {
    const top = readWhole(der);
    const parts = top.tag === 0x30 ? children(top) : [];
    if (parts.length !== 2) return null;
    return { r: positive(parts[0]), s: positive(parts[1]) };
  } catch (error) {
    if (error instanceof DerError) return null;
    throw error;
  }
}

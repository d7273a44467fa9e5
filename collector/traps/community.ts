/**
 * The community of an SNMPv1/v2c datagram, read before anything else is decoded, and compared with
 * the accepted ones in constant time (both sides hashed first, so neither the content nor the
 * length of a configured community leaks through timing).
 */
import { createHash, timingSafeEqual } from 'node:crypto';

export interface CommunityHeader {
  /** 0 = SNMPv1, 1 = SNMPv2c, 3 = SNMPv3 (no community). */
  version: number;
  community: Buffer | null;
}

/** Reads `SEQUENCE { INTEGER version, OCTET STRING community, … }`; null when malformed. */
export function readCommunityHeader(msg: Buffer): CommunityHeader | null {
  let pos = 0;
  const tlv = (tag: number): { start: number; end: number } | null => {
    if (msg[pos] !== tag || pos + 1 >= msg.length) return null;
    let length = msg[pos + 1] as number;
    pos += 2;
    if (length & 0x80) {
      const count = length & 0x7f;
      if (count === 0 || count > 3 || pos + count > msg.length) return null;
      length = 0;
      for (let i = 0; i < count; i++) length = length * 256 + (msg[pos++] as number);
    }
    if (pos + length > msg.length) return null;
    return { start: pos, end: pos + length };
  };
  if (!tlv(0x30)) return null;
  const versionField = tlv(0x02);
  if (!versionField || versionField.end - versionField.start !== 1) return null;
  const version = msg[versionField.start] as number;
  pos = versionField.end;
  if (version === 3) return { version, community: null };
  if (version !== 0 && version !== 1) return null;
  const communityField = tlv(0x04);
  if (!communityField) return null;
  return { version, community: msg.subarray(communityField.start, communityField.end) };
}

export type CommunityDigest = Buffer;

export function digestCommunity(community: string | Buffer): CommunityDigest {
  return createHash('sha256').update(community).digest();
}

/** Whether `community` is one of `accepted`; every candidate is compared, no early exit. */
export function communityAccepted(community: Buffer, accepted: readonly CommunityDigest[]): boolean {
  const digest = digestCommunity(community);
  let match = false;
  for (const candidate of accepted) match = timingSafeEqual(digest, candidate) || match;
  return match;
}

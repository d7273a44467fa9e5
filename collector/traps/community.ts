/**
 * A v1/v2c trap's community compared with the accepted ones in constant time (both sides hashed
 * first, so neither the content nor the length of a configured community leaks through timing).
 */
import { createHash, timingSafeEqual } from 'node:crypto';

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

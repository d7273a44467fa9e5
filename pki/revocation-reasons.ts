/** RFC 5280 revocation reasons, by name; no dependencies, so the CLI can list them in its help. */
export const REVOCATION_REASONS = [
  'unspecified',
  'keyCompromise',
  'cACompromise',
  'affiliationChanged',
  'superseded',
  'cessationOfOperation',
  'certificateHold',
  // 7 is unused in RFC 5280
  'removeFromCRL',
  'privilegeWithdrawn',
  'aACompromise',
] as const;
export type RevocationReason = (typeof REVOCATION_REASONS)[number];

/** RFC 5280 CRLReason code. */
export function reasonCode(reason: RevocationReason): number {
  const index = REVOCATION_REASONS.indexOf(reason);
  return index >= 7 ? index + 1 : index;
}

export function isRevocationReason(value: string): value is RevocationReason {
  return (REVOCATION_REASONS as readonly string[]).includes(value);
}

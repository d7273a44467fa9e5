/** Whole days from now until a certificate's notAfter; negative once it has expired. */
export const daysLeft = (notAfterMs: number, nowMs: number): number =>
  Math.floor((notAfterMs - nowMs) / 86_400_000);

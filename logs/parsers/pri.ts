/** `<PRI>` at the start of a line (RFC 5424 §6.2.1): 1–3 digits, 0–191. */
export function readPri(text: string): { severity: number; length: number } | null {
  if (text.charCodeAt(0) !== 0x3c) return null;
  let pri = 0;
  let close = 1;
  for (; close <= 4; close++) {
    const c = text.charCodeAt(close);
    if (c === 0x3e) break;
    if (c < 0x30 || c > 0x39) return null;
    pri = pri * 10 + (c - 0x30);
  }
  // 1–3 digits, then `>`.
  if (close < 2 || close > 4) return null;
  return pri > 191 ? null : { severity: pri % 8, length: close + 1 };
}

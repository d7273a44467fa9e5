/** `<PRI>` at the start of a line (RFC 5424 §6.2.1): 1–3 digits, 0–191. */
export function readPri(text: string): { severity: number; length: number } | null {
  if (text.charCodeAt(0) !== 0x3c) return null;
  const close = text.indexOf('>', 1);
  if (close < 2 || close > 4) return null;
  const digits = text.slice(1, close);
  if (!/^\d+$/.test(digits)) return null;
  const pri = Number(digits);
  return pri > 191 ? null : { severity: pri % 8, length: close + 1 };
}

/**
 * GBK encoding for the Chinese text some devices put in their logs (interface descriptions typed by
 * operators). Node decodes GBK (TextDecoder) but cannot encode it, so the table is built once, lazily,
 * by decoding every two-byte GBK code.
 */
let table: Map<string, number> | null = null;

function buildTable(): Map<string, number> {
  const decoder = new TextDecoder('gbk', { fatal: true });
  const codes = new Map<string, number>();
  const pair = new Uint8Array(2);
  for (let lead = 0x81; lead <= 0xfe; lead++)
    for (let trail = 0x40; trail <= 0xfe; trail++) {
      if (trail === 0x7f) continue;
      pair[0] = lead;
      pair[1] = trail;
      try {
        const char = decoder.decode(pair);
        if (char.length === 1 && !codes.has(char)) codes.set(char, (lead << 8) | trail);
      } catch {
        // not a GBK code
      }
    }
  return codes;
}

/** The text in GBK bytes; throws on a character GBK cannot hold (a bug in a formatter's text). */
export function encodeGbk(text: string): Buffer {
  const bytes: number[] = [];
  for (const char of text) {
    const code = char.codePointAt(0) as number;
    if (code < 0x80) {
      bytes.push(code);
      continue;
    }
    table ??= buildTable();
    const gbk = table.get(char);
    if (gbk === undefined) throw new Error(`"${char}" (U+${code.toString(16)}) has no GBK code`);
    bytes.push(gbk >> 8, gbk & 0xff);
  }
  return Buffer.from(bytes);
}

/**
 * A log line's bytes as text: UTF-8 when they are valid UTF-8, else GBK (what many Chinese devices
 * send), else neither — then the bytes are kept (base64) and the text is a lossy rendering that still
 * lets the parsers find a PRI or a vendor tag. Control characters other than tab and line breaks make a line binary:
 * they are never passed on as text (they would corrupt terminals, logs and the console).
 */
import { isUtf8 } from 'node:buffer';

const gbk = new TextDecoder('gbk', { fatal: true });
const lossy = new TextDecoder('utf-8');

export type LineEncoding = 'utf-8' | 'gbk' | 'binary';

export interface DecodedLine {
  text: string;
  encoding: LineEncoding;
  /** The bytes as received, base64, when they were not clean text (binary). */
  rawBase64: string | null;
}

// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;
// eslint-disable-next-line no-control-regex -- replacing control characters is the point
const CONTROL_ALL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g;

/**
 * ICU's GBK decoder maps bytes GBK leaves undefined (0x80, 0xFF, the user-defined areas) to the euro
 * sign and private-use characters instead of failing: such text is bytes, not Chinese.
 */
const NOT_GBK_TEXT = /[\u20ac\ue000-\uf8ff]/;

function tryDecode(decoder: TextDecoder, bytes: Uint8Array): string | null {
  try {
    return decoder.decode(bytes);
  } catch {
    return null;
  }
}

function isAscii(bytes: Uint8Array): boolean {
  for (let i = 0; i < bytes.length; i++) if ((bytes[i] as number) >= 0x80) return false;
  return true;
}

/** A leading byte-order mark is not text (TextDecoder drops it too). */
const withoutBom = (text: string): string => (text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);

/** The same bytes as a Buffer, without copying them. */
const asBuffer = (bytes: Uint8Array): Buffer =>
  Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

export function decodeLine(bytes: Uint8Array): DecodedLine {
  // isUtf8 validates natively (simdutf); a valid line then decodes without the fatal decoder's checks.
  const text = isAscii(bytes)
    ? asBuffer(bytes).toString('latin1')
    : isUtf8(bytes)
      ? withoutBom(asBuffer(bytes).toString('utf8'))
      : null;
  if (text !== null && !CONTROL.test(text)) return { text, encoding: 'utf-8', rawBase64: null };
  const chinese = text === null ? tryDecode(gbk, bytes) : null;
  if (chinese !== null && !CONTROL.test(chinese) && !NOT_GBK_TEXT.test(chinese))
    return { text: chinese, encoding: 'gbk', rawBase64: null };
  return {
    text: lossy.decode(bytes).replace(CONTROL_ALL, '\uFFFD'),
    encoding: 'binary',
    rawBase64: Buffer.from(bytes).toString('base64'),
  };
}

/**
 * A log line's bytes as text: UTF-8 when they are valid UTF-8, else GBK (what many Chinese devices
 * send), else neither — then the bytes are kept (base64) and the text is a lossy rendering that still
 * lets the parsers find a PRI or a vendor tag. Control characters other than tab and line breaks make a line binary:
 * they are never passed on as text (they would corrupt terminals, logs and the console).
 */
import { isAscii, isUtf8 } from 'node:buffer';

/**
 * Not fatal: a failing fatal decoder costs a thrown error (3–4 µs, most of a line's budget). ICU puts
 * U+FFFD (or U+001A, a control character) where the fatal decoder would stop, and no GBK byte sequence
 * decodes to either (checked over every one- and two-byte sequence), so a GBK decoding is clean exactly
 * when the fatal decoder would have succeeded: NOT_GBK_TEXT refuses U+FFFD, CONTROL refuses U+001A.
 */
const gbk = new TextDecoder('gbk');
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
 * sign and private-use characters instead of failing: such text is bytes, not Chinese. U+FFFD is where
 * the (non-fatal) decoder found no GBK at all.
 */
const NOT_GBK_TEXT = /[\u20ac\ue000-\uf8ff\ufffd]/;

/** A leading byte-order mark is not text (TextDecoder drops it too). */
const withoutBom = (text: string): string => (text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);

/** The same bytes as a Buffer, without copying them. */
const asBuffer = (bytes: Uint8Array): Buffer =>
  Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

export function decodeLine(bytes: Uint8Array): DecodedLine {
  // isAscii and isUtf8 validate natively (simdutf); a valid line then decodes without a decoder's checks.
  const text = isAscii(bytes)
    ? asBuffer(bytes).toString('latin1')
    : isUtf8(bytes)
      ? withoutBom(asBuffer(bytes).toString('utf8'))
      : null;
  if (text !== null && !CONTROL.test(text)) return { text, encoding: 'utf-8', rawBase64: null };
  const chinese = text === null ? gbk.decode(bytes) : null;
  if (chinese !== null && !CONTROL.test(chinese) && !NOT_GBK_TEXT.test(chinese))
    return { text: chinese, encoding: 'gbk', rawBase64: null };
  return {
    text: lossy.decode(bytes).replace(CONTROL_ALL, '\uFFFD'),
    encoding: 'binary',
    rawBase64: asBuffer(bytes).toString('base64'),
  };
}

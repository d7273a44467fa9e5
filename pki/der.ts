/**
 * A minimal, strict DER writer and reader. Certificates, CRLs and OCSP responses are assembled from
 * pre-encoded pieces on the issuing hot path (see README.md: why raw DER, not an object model).
 */

export type Der = Buffer;

/** Tag-length-value with a one-byte tag, written into one buffer (this runs a few hundred times per certificate). */
export function tlv(tag: number, ...content: Buffer[]): Der {
  let length = 0;
  for (const part of content) length += part.length;
  let lengthBytes = 0;
  for (let rest = length; rest > 0; rest = Math.floor(rest / 256)) lengthBytes += 1;
  const header = length < 0x80 ? 2 : 2 + lengthBytes;
  const out = Buffer.allocUnsafe(header + length);
  out[0] = tag;
  if (length < 0x80) out[1] = length;
  else {
    out[1] = 0x80 | lengthBytes;
    for (let i = 0, rest = length; i < lengthBytes; i += 1, rest = Math.floor(rest / 256))
      out[header - 1 - i] = rest & 0xff;
  }
  let offset = header;
  for (const part of content) offset += part.copy(out, offset);
  return out;
}

export const sequence = (...items: Buffer[]): Der => tlv(0x30, ...items);
export const set = (...items: Buffer[]): Der => tlv(0x31, ...items);
export const octetString = (bytes: Buffer): Der => tlv(0x04, bytes);
export const nullValue = (): Der => Buffer.from([0x05, 0x00]);
export const boolean = (value: boolean): Der => Buffer.from([0x01, 0x01, value ? 0xff : 0x00]);
export const utf8String = (text: string): Der => tlv(0x0c, Buffer.from(text, 'utf8'));
export const printableString = (text: string): Der => tlv(0x13, Buffer.from(text, 'ascii'));
/** BIT STRING with no unused bits. */
export const bitString = (bytes: Buffer): Der => tlv(0x03, Buffer.from([0]), bytes);
/** [n] EXPLICIT: constructed context-specific wrapper. */
export const explicit = (n: number, ...inner: Buffer[]): Der => tlv(0xa0 | n, ...inner);
/** [n] IMPLICIT primitive. */
export const enumerated = (value: number): Der => tlv(0x0a, Buffer.from([value]));

/** INTEGER from unsigned big-endian magnitude bytes (adds a leading zero when the top bit is set). */
export function unsignedInteger(magnitude: Buffer): Der {
  let start = 0;
  while (start < magnitude.length - 1 && magnitude[start] === 0) start += 1;
  const trimmed = magnitude.subarray(start);
  const body = (trimmed[0] ?? 0) & 0x80 ? Buffer.concat([Buffer.from([0]), trimmed]) : trimmed;
  return tlv(0x02, body.length === 0 ? Buffer.from([0]) : body);
}

export function smallInteger(value: number): Der {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`integer out of range: ${value}`);
  const bytes: number[] = [];
  let rest = value;
  do {
    bytes.unshift(rest & 0xff);
    rest = Math.floor(rest / 256);
  } while (rest > 0);
  return unsignedInteger(Buffer.from(bytes));
}

export function bigInteger(value: bigint): Der {
  if (value < 0n) throw new RangeError('negative integers are not used here');
  let hex = value.toString(16);
  if (hex.length % 2) hex = `0${hex}`;
  return unsignedInteger(Buffer.from(hex, 'hex'));
}

const oidCache = new Map<string, Buffer>();
export function oid(dotted: string): Der {
  const cached = oidCache.get(dotted);
  if (cached) return cached;
  const arcs = dotted.split('.').map((arc) => BigInt(arc));
  const [first, second, ...rest] = arcs;
  if (first === undefined || second === undefined) throw new Error(`bad OID ${dotted}`);
  const bytes: number[] = [];
  for (const arc of [first * 40n + second, ...rest]) {
    const chunk: number[] = [];
    let value = arc;
    do {
      chunk.unshift(Number(value & 0x7fn));
      value >>= 7n;
    } while (value > 0n);
    for (let i = 0; i < chunk.length - 1; i += 1) chunk[i]! |= 0x80;
    bytes.push(...chunk);
  }
  const encoded = tlv(0x06, Buffer.from(bytes));
  oidCache.set(dotted, encoded);
  return encoded;
}

function pad(value: number, width = 2): string {
  return String(value).padStart(width, '0');
}

export function generalizedTime(date: Date): Der {
  const text =
    `${pad(date.getUTCFullYear(), 4)}${pad(date.getUTCMonth() + 1)}${pad(date.getUTCDate())}` +
    `${pad(date.getUTCHours())}${pad(date.getUTCMinutes())}${pad(date.getUTCSeconds())}Z`;
  return tlv(0x18, Buffer.from(text, 'ascii'));
}

/** RFC 5280 Time: UTCTime through 2049, GeneralizedTime from 2050. */
export function time(date: Date): Der {
  const year = date.getUTCFullYear();
  if (year >= 2050) return generalizedTime(date);
  const text =
    `${pad(year % 100)}${pad(date.getUTCMonth() + 1)}${pad(date.getUTCDate())}` +
    `${pad(date.getUTCHours())}${pad(date.getUTCMinutes())}${pad(date.getUTCSeconds())}Z`;
  return tlv(0x17, Buffer.from(text, 'ascii'));
}

// ---------------------------------------------------------------------------------------------------
// Reader

export interface DerNode {
  tag: number;
  /** Offsets into the source buffer. */
  start: number;
  contentStart: number;
  end: number;
  /** The whole TLV. */
  raw: Buffer;
  /** Content octets only. */
  content: Buffer;
}

export class DerError extends Error {}

/** Reads one TLV at `offset`; definite lengths only (DER), bounds-checked. */
export function readNode(buffer: Buffer, offset = 0): DerNode {
  if (offset + 2 > buffer.length) throw new DerError('truncated DER');
  const tag = buffer[offset]!;
  if ((tag & 0x1f) === 0x1f) throw new DerError('multi-byte tags are not supported');
  let length = buffer[offset + 1]!;
  let cursor = offset + 2;
  if (length & 0x80) {
    const count = length & 0x7f;
    if (count === 0 || count > 4) throw new DerError('indefinite or oversized length');
    if (cursor + count > buffer.length) throw new DerError('truncated DER length');
    length = 0;
    for (let i = 0; i < count; i += 1) length = length * 256 + buffer[cursor + i]!;
    cursor += count;
  }
  const end = cursor + length;
  if (end > buffer.length) throw new DerError('DER length runs past the end');
  return {
    tag,
    start: offset,
    contentStart: cursor,
    end,
    raw: buffer.subarray(offset, end),
    content: buffer.subarray(cursor, end),
  };
}

/** The children of a constructed node. */
export function children(node: DerNode): DerNode[] {
  const items: DerNode[] = [];
  let offset = 0;
  while (offset < node.content.length) {
    const child = readNode(node.content, offset);
    items.push(child);
    offset = child.end;
  }
  return items;
}

/** Parses a whole buffer as exactly one TLV. */
export function readWhole(buffer: Buffer): DerNode {
  const node = readNode(buffer, 0);
  if (node.end !== buffer.length) throw new DerError('trailing bytes after DER value');
  return node;
}

export function expectTag(node: DerNode | undefined, tag: number, what: string): DerNode {
  if (!node || node.tag !== tag) throw new DerError(`${what}: expected tag 0x${tag.toString(16)}`);
  return node;
}

const decodedOids = new Map<string, string>();

/** The dotted form of an OBJECT IDENTIFIER; a missing or mistagged node is a DerError. */
export function decodeOid(node: DerNode | undefined): string {
  if (node?.tag !== 0x06) throw new DerError('expected an OBJECT IDENTIFIER');
  const key = node.content.toString('latin1');
  const cached = decodedOids.get(key);
  if (cached !== undefined) return cached;
  const dotted = decodeOidBytes(node.content);
  // Only well-formed, short OIDs are cached, and the cache is bounded (input is untrusted).
  if (decodedOids.size < 1024 && node.content.length <= 32) decodedOids.set(key, dotted);
  return dotted;
}

function decodeOidBytes(bytes: Buffer): string {
  const arcs: bigint[] = [];
  let value = 0n;
  for (const byte of bytes) {
    value = (value << 7n) | BigInt(byte & 0x7f);
    if (!(byte & 0x80)) {
      arcs.push(value);
      value = 0n;
    }
  }
  if (bytes.length === 0 || (bytes[bytes.length - 1]! & 0x80) !== 0)
    throw new DerError('empty or truncated OBJECT IDENTIFIER');
  const [first, ...rest] = arcs;
  if (first === undefined) throw new DerError('empty OID');
  const head = first < 80n ? [first / 40n, first % 40n] : [2n, first - 80n];
  return [...head, ...rest].join('.');
}

/** Unsigned magnitude of an INTEGER as lowercase hex without leading zeros (serial numbers). */
export function integerHex(node: DerNode): string {
  let start = 0;
  while (start < node.content.length - 1 && node.content[start] === 0) start += 1;
  return node.content.subarray(start).toString('hex');
}

export function toPem(label: string, der: Buffer): string {
  const base64 = der.toString('base64');
  let body = '';
  for (let i = 0; i < base64.length; i += 64) body += `${base64.slice(i, i + 64)}\n`;
  return `-----BEGIN ${label}-----\n${body}-----END ${label}-----\n`;
}

/** Every PEM block with the given label, decoded. */
export function fromPemAll(text: string, label: string): Buffer[] {
  const begin = `-----BEGIN ${label}-----`;
  const end = `-----END ${label}-----`;
  const blocks: Buffer[] = [];
  let at = text.indexOf(begin);
  while (at !== -1) {
    const bodyStart = at + begin.length;
    const stop = text.indexOf(end, bodyStart);
    if (stop === -1) break;
    const body = text.slice(bodyStart, stop);
    // Base64 only (Buffer.from skips the line breaks); anything else, e.g. headers, is not ours.
    if (/^[\sA-Za-z0-9+/=]*$/.test(body)) blocks.push(Buffer.from(body, 'base64'));
    at = text.indexOf(begin, stop + end.length);
  }
  return blocks;
}

/**
 * The slice of ASN.1 BER that SNMP needs, written for speed: a cursor reader over the request
 * buffer (no copies) and a writer that appends varbinds forward and prepends headers backward, so
 * every length is known when it is written and each response is built in one scratch buffer.
 */

export const Tag = {
  Integer: 0x02,
  OctetString: 0x04,
  Null: 0x05,
  Oid: 0x06,
  Sequence: 0x30,
  IpAddress: 0x40,
  Counter32: 0x41,
  Gauge32: 0x42,
  TimeTicks: 0x43,
  Counter64: 0x46,
  NoSuchObject: 0x80,
  NoSuchInstance: 0x81,
  EndOfMibView: 0x82,
  GetRequest: 0xa0,
  GetNextRequest: 0xa1,
  Response: 0xa2,
  SetRequest: 0xa3,
  GetBulkRequest: 0xa5,
  InformRequest: 0xa6,
  TrapV2: 0xa7,
  Report: 0xa8,
} as const;

/** A malformed message: the agent drops it, as real agents do (snmpInASNParseErrs). */
export class BerError extends Error {}

export class BerReader {
  pos: number;
  constructor(
    readonly buf: Buffer,
    start = 0,
    readonly end = buf.length,
  ) {
    this.pos = start;
  }

  peekTag(): number {
    if (this.pos >= this.end) throw new BerError('unexpected end of message');
    return this.buf[this.pos] as number;
  }

  /** Reads a tag and length; returns the content's end offset and leaves pos at the content start. */
  enter(expected: number): number {
    const tag = this.peekTag();
    if (tag !== expected)
      throw new BerError(`expected tag 0x${expected.toString(16)}, got 0x${tag.toString(16)}`);
    this.pos++;
    const length = this.readLength();
    const end = this.pos + length;
    if (end > this.end) throw new BerError('length beyond end of message');
    return end;
  }

  /** Any tag: returns [tag, contentEnd]. */
  enterAny(): [number, number] {
    const tag = this.peekTag();
    this.pos++;
    const length = this.readLength();
    const end = this.pos + length;
    if (end > this.end) throw new BerError('length beyond end of message');
    return [tag, end];
  }

  private readLength(): number {
    if (this.pos >= this.end) throw new BerError('missing length');
    const first = this.buf[this.pos++] as number;
    if (first < 0x80) return first;
    const count = first & 0x7f;
    if (count === 0 || count > 4) throw new BerError('unsupported length form');
    let length = 0;
    for (let i = 0; i < count; i++) {
      if (this.pos >= this.end) throw new BerError('truncated length');
      length = length * 256 + (this.buf[this.pos++] as number);
    }
    return length;
  }

  /** INTEGER (signed) or an unsigned application type; at most 6 content bytes. */
  readInt(tag: number = Tag.Integer): number {
    const end = this.enter(tag);
    const length = end - this.pos;
    if (length < 1 || length > 6) throw new BerError('integer length out of range');
    const value =
      tag === Tag.Integer ? this.buf.readIntBE(this.pos, length) : this.buf.readUIntBE(this.pos, length);
    this.pos = end;
    return value;
  }

  readOctets(): Buffer {
    const end = this.enter(Tag.OctetString);
    const value = this.buf.subarray(this.pos, end);
    this.pos = end;
    return value;
  }

  /** Reads an OID; returns its sub-identifiers and the offsets of its whole TLV (for echoing it back). */
  readOid(): { oid: number[]; tlvStart: number; tlvEnd: number } {
    const tlvStart = this.pos;
    const end = this.enter(Tag.Oid);
    const oid: number[] = [];
    if (end === this.pos) throw new BerError('empty OID');
    let value = 0;
    let first = true;
    for (; this.pos < end; this.pos++) {
      const byte = this.buf[this.pos] as number;
      value = value * 128 + (byte & 0x7f);
      if (value > 0xffffffff) throw new BerError('OID sub-identifier too large');
      if ((byte & 0x80) === 0) {
        if (first) {
          const x = value < 40 ? 0 : value < 80 ? 1 : 2;
          oid.push(x, value - x * 40);
          first = false;
        } else oid.push(value);
        value = 0;
      }
    }
    if (this.buf[end - 1]! & 0x80) throw new BerError('truncated OID');
    return { oid, tlvStart, tlvEnd: end };
  }

  skip(): void {
    const [, end] = this.enterAny();
    this.pos = end;
  }
}

/** Bytes of a length field. */
export function lengthSize(length: number): number {
  return length < 0x80 ? 1 : length < 0x100 ? 2 : length < 0x10000 ? 3 : 4;
}

/** Encodes an OID's content bytes (no tag/length). */
export function encodeOidContent(oid: readonly number[]): Buffer {
  if (oid.length < 2) throw new Error(`OID needs at least two sub-identifiers: ${oid.join('.')}`);
  const bytes: number[] = [];
  const push = (value: number) => {
    const stack: number[] = [value & 0x7f];
    let rest = Math.floor(value / 128);
    while (rest > 0) {
      stack.push((rest & 0x7f) | 0x80);
      rest = Math.floor(rest / 128);
    }
    for (let i = stack.length - 1; i >= 0; i--) bytes.push(stack[i] as number);
  };
  push((oid[0] as number) * 40 + (oid[1] as number));
  for (let i = 2; i < oid.length; i++) push(oid[i] as number);
  return Buffer.from(bytes);
}

/** A whole OID TLV, ready to copy into responses. */
export function encodeOidTlv(oid: readonly number[]): Buffer {
  const content = encodeOidContent(oid);
  const header = lengthHeader(Tag.Oid, content.length);
  return Buffer.concat([header, content]);
}

export function lengthHeader(tag: number, length: number): Buffer {
  if (length < 0x80) return Buffer.from([tag, length]);
  if (length < 0x100) return Buffer.from([tag, 0x81, length]);
  if (length < 0x10000) return Buffer.from([tag, 0x82, length >> 8, length & 0xff]);
  return Buffer.from([tag, 0x83, (length >> 16) & 0xff, (length >> 8) & 0xff, length & 0xff]);
}

/**
 * Response builder. Content is written forward from `start`; headers are then prepended backward
 * with `wrap`. The buffer is reused across requests: `finish` copies the message out.
 */
export class BerWriter {
  readonly buf: Buffer;
  pos = 0;
  /** First byte of the message being built (moves backward as headers are prepended). */
  head = 0;

  constructor(
    size = 70_000,
    readonly headroom = 512,
  ) {
    this.buf = Buffer.allocUnsafe(size);
  }

  reset(): void {
    this.pos = this.headroom;
    this.head = this.headroom;
  }

  get capacity(): number {
    return this.buf.length;
  }

  private ensure(extra: number): void {
    if (this.pos + extra > this.buf.length) throw new RangeError('response buffer full');
  }

  raw(bytes: Buffer): void {
    this.ensure(bytes.length);
    bytes.copy(this.buf, this.pos);
    this.pos += bytes.length;
  }

  /** Tag + length at pos (forward). */
  header(tag: number, length: number): void {
    this.ensure(6);
    const b = this.buf;
    b[this.pos++] = tag;
    if (length < 0x80) b[this.pos++] = length;
    else if (length < 0x100) {
      b[this.pos++] = 0x81;
      b[this.pos++] = length;
    } else {
      b[this.pos++] = 0x82;
      b[this.pos++] = length >> 8;
      b[this.pos++] = length & 0xff;
    }
  }

  /** Signed INTEGER-like (INTEGER: signed 32-bit). */
  int(value: number, tag: number = Tag.Integer): void {
    this.ensure(8);
    const b = this.buf;
    const v = value | 0;
    let size = 4;
    while (size > 1) {
      const top = (v >> ((size - 1) * 8)) & 0xff;
      const next = (v >> ((size - 2) * 8)) & 0x80;
      if ((top === 0 && next === 0) || (top === 0xff && next === 0x80)) size--;
      else break;
    }
    b[this.pos++] = tag;
    b[this.pos++] = size;
    for (let i = size - 1; i >= 0; i--) b[this.pos++] = (v >> (i * 8)) & 0xff;
  }

  /** Unsigned integer of any application type (Counter32, Gauge32, TimeTicks, Counter64), value < 2^53. */
  unsigned(value: number, tag: number): void {
    this.ensure(12);
    const b = this.buf;
    let v = value < 0 ? 0 : Math.floor(value);
    // 32-bit application types: counters wrap, gauges and timeticks saturate
    if (tag !== Tag.Counter64 && v > 0xffffffff) v = tag === Tag.Counter32 ? v % 4294967296 : 0xffffffff;
    const bytes: number[] = [];
    do {
      bytes.push(v % 256);
      v = Math.floor(v / 256);
    } while (v > 0);
    if ((bytes[bytes.length - 1] as number) & 0x80) bytes.push(0);
    b[this.pos++] = tag;
    b[this.pos++] = bytes.length;
    for (let i = bytes.length - 1; i >= 0; i--) b[this.pos++] = bytes[i] as number;
  }

  /** Counter64 from a bigint (for values past 2^53, e.g. near-wrap tests). */
  counter64Big(value: bigint): void {
    this.ensure(12);
    const b = this.buf;
    let v = value & 0xffffffffffffffffn;
    const bytes: number[] = [];
    do {
      bytes.push(Number(v & 0xffn));
      v >>= 8n;
    } while (v > 0n);
    if ((bytes[bytes.length - 1] as number) & 0x80) bytes.push(0);
    b[this.pos++] = Tag.Counter64;
    b[this.pos++] = bytes.length;
    for (let i = bytes.length - 1; i >= 0; i--) b[this.pos++] = bytes[i] as number;
  }

  octets(value: Buffer, tag: number = Tag.OctetString): void {
    this.header(tag, value.length);
    this.raw(value);
  }

  null(tag: number = Tag.Null): void {
    this.ensure(2);
    this.buf[this.pos++] = tag;
    this.buf[this.pos++] = 0;
  }

  /** Prepends tag+length for everything from `head` to `pos` (content written so far). */
  wrap(tag: number, from = this.head): void {
    const length = this.pos - from;
    const size = lengthSize(length);
    const start = from - 1 - size;
    if (start < 0) throw new RangeError('no headroom left');
    const b = this.buf;
    b[start] = tag;
    if (size === 1) b[start + 1] = length;
    else {
      b[start + 1] = 0x80 | (size - 1);
      for (let i = 0; i < size - 1; i++) b[start + 2 + i] = (length >> ((size - 2 - i) * 8)) & 0xff;
    }
    this.head = start;
  }

  /** Prepends raw bytes before head. */
  prepend(bytes: Buffer): void {
    const start = this.head - bytes.length;
    if (start < 0) throw new RangeError('no headroom left');
    bytes.copy(this.buf, start);
    this.head = start;
  }

  /** Prepends an INTEGER before head. */
  prependInt(value: number): void {
    const start = this.pos;
    this.int(value);
    const tlv = Buffer.from(this.buf.subarray(start, this.pos));
    this.pos = start;
    this.prepend(tlv);
  }

  /** Prepends an OCTET STRING before head. */
  prependOctets(value: Buffer): void {
    this.prepend(value);
    const end = this.head + value.length;
    const savedPos = this.pos;
    this.pos = end;
    this.wrap(Tag.OctetString, this.head);
    this.pos = savedPos;
  }

  /** Copy of the finished message (head..pos). */
  finish(): Buffer {
    return Buffer.from(this.buf.subarray(this.head, this.pos));
  }
}

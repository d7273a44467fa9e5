/**
 * The sweep's datagrams, encoded by hand so one UDP socket can probe a whole /16: a v1/v2c GET of
 * sysObjectID.0 and sysName.0 per community, and an SNMPv3 engine discovery (RFC 3414 §4: an empty
 * noAuthNoPriv request every v3 agent answers with a Report naming its engine id). Answers are read
 * just far enough to match them to their probe; nothing here is trusted beyond that.
 */

const SEQUENCE = 0x30;
const INTEGER = 0x02;
const OCTET_STRING = 0x04;
const NULL = 0x05;
const OBJECT_ID = 0x06;
const GET_REQUEST = 0xa0;
const RESPONSE = 0xa2;
const REPORT = 0xa8;

export const SYS_OBJECT_ID_0 = '1.3.6.1.2.1.1.2.0';
export const SYS_NAME_0 = '1.3.6.1.2.1.1.5.0';

function tlv(tag: number, content: Buffer): Buffer {
  const n = content.length;
  const length =
    n < 0x80 ? Buffer.from([n]) : n < 0x100 ? Buffer.from([0x81, n]) : Buffer.from([0x82, n >> 8, n & 0xff]);
  return Buffer.concat([Buffer.from([tag]), length, content]);
}

function int(value: number): Buffer {
  const bytes: number[] = [];
  let v = value;
  do {
    bytes.unshift(v & 0xff);
    v = Math.floor(v / 256);
  } while (v > 0);
  if ((bytes[0] as number) & 0x80) bytes.unshift(0);
  return tlv(INTEGER, Buffer.from(bytes));
}

function oid(dotted: string): Buffer {
  const parts = dotted.split('.').map(Number);
  const bytes: number[] = [40 * (parts[0] as number) + (parts[1] as number)];
  for (const part of parts.slice(2)) {
    const chunk: number[] = [part & 0x7f];
    for (let v = Math.floor(part / 128); v > 0; v = Math.floor(v / 128)) chunk.unshift((v & 0x7f) | 0x80);
    bytes.push(...chunk);
  }
  return tlv(OBJECT_ID, Buffer.from(bytes));
}

const seq = (...items: Buffer[]) => tlv(SEQUENCE, Buffer.concat(items));
const octets = (value: Buffer | string) =>
  tlv(OCTET_STRING, Buffer.isBuffer(value) ? value : Buffer.from(value));

/** GET sysObjectID.0, sysName.0 with a community (version 0 = SNMPv1, 1 = SNMPv2c). */
export function encodeCommunityProbe(version: 0 | 1, community: string, requestId: number): Buffer {
  const varbinds = seq(...[SYS_OBJECT_ID_0, SYS_NAME_0].map((o) => seq(oid(o), tlv(NULL, Buffer.alloc(0)))));
  const pdu = tlv(GET_REQUEST, Buffer.concat([int(requestId), int(0), int(0), varbinds]));
  return seq(int(version), octets(community), pdu);
}

/** SNMPv3 engine discovery: reportable, noAuthNoPriv, empty user and engine id, no varbinds. */
export function encodeEngineDiscovery(msgId: number): Buffer {
  const header = seq(int(msgId), int(65_507), octets(Buffer.from([0x04])), int(3));
  const usm = seq(octets(''), int(0), int(0), octets(''), octets(''), octets(''));
  const pdu = tlv(GET_REQUEST, Buffer.concat([int(msgId), int(0), int(0), seq()]));
  return seq(int(3), header, octets(usm), seq(octets(''), octets(''), pdu));
}

interface Tlv {
  tag: number;
  start: number;
  end: number;
}

class Reader {
  constructor(
    private readonly buf: Buffer,
    public pos = 0,
    private readonly limit = buf.length,
  ) {}

  next(): Tlv {
    if (this.pos + 2 > this.limit) throw new RangeError('truncated');
    const tag = this.buf[this.pos++] as number;
    let length = this.buf[this.pos++] as number;
    if (length & 0x80) {
      const bytes = length & 0x7f;
      if (bytes === 0 || bytes > 3 || this.pos + bytes > this.limit) throw new RangeError('bad length');
      length = 0;
      for (let i = 0; i < bytes; i++) length = length * 256 + (this.buf[this.pos++] as number);
    }
    const start = this.pos;
    const end = start + length;
    if (end > this.limit) throw new RangeError('truncated');
    this.pos = end;
    return { tag, start, end };
  }

  expect(tag: number): Tlv {
    const item = this.next();
    if (item.tag !== tag) throw new RangeError(`expected tag 0x${tag.toString(16)}`);
    return item;
  }

  inside(item: Tlv): Reader {
    return new Reader(this.buf, item.start, item.end);
  }

  int(): number {
    const item = this.expect(INTEGER);
    if (item.end - item.start > 6 || item.end === item.start) throw new RangeError('bad integer');
    let value = (this.buf[item.start] as number) & 0x80 ? -1 : 0;
    for (let i = item.start; i < item.end; i++) value = value * 256 + (this.buf[i] as number);
    return value;
  }

  octets(): Buffer {
    const item = this.expect(OCTET_STRING);
    return this.buf.subarray(item.start, item.end);
  }

  value(item: Tlv): Buffer {
    return this.buf.subarray(item.start, item.end);
  }
}

function decodeOid(bytes: Buffer): string {
  if (bytes.length === 0) return '';
  const first = bytes[0] as number;
  const parts = [Math.min(2, Math.floor(first / 40)), first - 40 * Math.min(2, Math.floor(first / 40))];
  let v = 0;
  for (let i = 1; i < bytes.length; i++) {
    const b = bytes[i] as number;
    v = v * 128 + (b & 0x7f);
    if (!(b & 0x80)) {
      parts.push(v);
      v = 0;
    }
  }
  return parts.join('.');
}

export type ProbeAnswer =
  | {
      kind: 'community';
      requestId: number;
      errorStatus: number;
      sysObjectId: string | null;
      sysName: string | null;
    }
  | { kind: 'engine'; msgId: number; engineId: string };

/** What an answer says, or null when it is not an answer to one of our probes (or garbled). */
export function decodeProbeAnswer(msg: Buffer): ProbeAnswer | null {
  try {
    const top = new Reader(msg);
    const body = top.inside(top.expect(SEQUENCE));
    const version = body.int();
    if (version === 0 || version === 1) return decodeCommunityAnswer(body);
    if (version === 3) return decodeEngineAnswer(body);
    return null;
  } catch {
    return null;
  }
}

function decodeCommunityAnswer(body: Reader): ProbeAnswer | null {
  body.octets();
  const pdu = body.next();
  if (pdu.tag !== RESPONSE) return null;
  const r = body.inside(pdu);
  const requestId = r.int();
  const errorStatus = r.int();
  r.int();
  const list = r.inside(r.expect(SEQUENCE));
  let sysObjectId: string | null = null;
  let sysName: string | null = null;
  for (let i = 0; i < 2; i++) {
    const vb = list.inside(list.expect(SEQUENCE));
    const name = decodeOid(vb.value(vb.expect(OBJECT_ID)));
    const value = vb.next();
    if (name === SYS_OBJECT_ID_0 && value.tag === OBJECT_ID) sysObjectId = decodeOid(vb.value(value));
    if (name === SYS_NAME_0 && value.tag === OCTET_STRING) sysName = vb.value(value).toString('utf8');
  }
  return { kind: 'community', requestId, errorStatus, sysObjectId, sysName };
}

function decodeEngineAnswer(body: Reader): ProbeAnswer | null {
  const header = body.inside(body.expect(SEQUENCE));
  const msgId = header.int();
  const securityParameters = body.octets();
  const usm = new Reader(securityParameters);
  const fields = usm.inside(usm.expect(SEQUENCE));
  const engineId = fields.octets();
  if (engineId.length < 5 || engineId.length > 32) return null;
  const scoped = body.next();
  // a Report in plaintext (noAuthNoPriv): the discovery answer; anything else is not for us
  if (scoped.tag !== SEQUENCE) return null;
  const s = body.inside(scoped);
  s.octets();
  s.octets();
  if (s.next().tag !== REPORT) return null;
  return { kind: 'engine', msgId, engineId: engineId.toString('hex') };
}

import { createSocket } from 'node:dgram';
import { BerReader, BerWriter, Tag, encodeOidTlv } from '../../simulator/ber';
import { parseOid } from '../../simulator/oid';

export interface Varbind {
  oid: string;
  tag: number;
  value: number | string | null;
}

export interface Response {
  requestId: number;
  errorStatus: number;
  errorIndex: number;
  varbinds: Varbind[];
}

/** Builds a v1/v2c request PDU by hand (so tests control every field). */
export function buildRequest(opts: {
  version: 0 | 1;
  community: string;
  type: number;
  requestId: number;
  a?: number;
  b?: number;
  oids: string[];
}): Buffer {
  const w = new BerWriter(70_000, 512);
  w.reset();
  for (const oid of opts.oids) {
    const start = w.pos;
    w.raw(encode(oid));
    w.null();
    const content = Buffer.from(w.buf.subarray(start, w.pos));
    w.pos = start;
    w.header(Tag.Sequence, content.length);
    w.raw(content);
  }
  w.wrap(Tag.Sequence);
  w.prependInt(opts.b ?? 0);
  w.prependInt(opts.a ?? 0);
  w.prependInt(opts.requestId);
  w.wrap(opts.type);
  w.prependOctets(Buffer.from(opts.community));
  w.prependInt(opts.version);
  w.wrap(Tag.Sequence);
  return w.finish();
}

function encode(oid: string): Buffer {
  return encodeOidTlv(parseOid(oid));
}

export function parseResponse(msg: Buffer): Response {
  const r = new BerReader(msg);
  r.enter(Tag.Sequence);
  r.readInt();
  r.readOctets();
  r.enter(Tag.Response);
  const requestId = r.readInt();
  const errorStatus = r.readInt();
  const errorIndex = r.readInt();
  const end = r.enter(Tag.Sequence);
  const varbinds: Varbind[] = [];
  while (r.pos < end) {
    const vbEnd = r.enter(Tag.Sequence);
    const { oid } = r.readOid();
    const tag = r.peekTag();
    let value: Varbind['value'] = null;
    if (tag === Tag.OctetString) value = r.readOctets().toString('utf8');
    else if (tag === Tag.Integer || tag === Tag.Counter32 || tag === Tag.Gauge32 || tag === Tag.TimeTicks)
      value = r.readInt(tag);
    else if (tag === Tag.Counter64) {
      const [, valueEnd] = r.enterAny();
      value = Number(BigInt(`0x${msg.subarray(r.pos, valueEnd).toString('hex')}`));
    }
    r.pos = vbEnd;
    varbinds.push({ oid: oid.join('.'), tag, value });
  }
  return { requestId, errorStatus, errorIndex, varbinds };
}

/** Sends one datagram and waits for one answer (or null after timeoutMs). */
export async function exchange(port: number, message: Buffer, timeoutMs = 1000): Promise<Buffer | null> {
  const socket = createSocket('udp4');
  try {
    return await new Promise<Buffer | null>((resolve) => {
      const timer = setTimeout(() => resolve(null), timeoutMs);
      socket.on('message', (msg) => {
        clearTimeout(timer);
        resolve(msg);
      });
      socket.send(message, port, '127.0.0.1');
    });
  } finally {
    socket.close();
  }
}

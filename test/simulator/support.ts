import { createSocket } from 'node:dgram';
import { BerReader, BerWriter, Tag, encodeOidTlv } from '../../simulator/ber';
import { parseOid } from '../../simulator/oid';
import { waitUntil } from '../support/wait';

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
export async function exchange(port: number, message: Buffer, timeoutMs = 5000): Promise<Buffer | null> {
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

/**
 * Sends a request, then `witness` (a request the agent surely answers, with another request id);
 * resolves with the request's answer, or with null once the agent showed it will not answer: the
 * witness was answered first (agents answer in order), or `declined()` holds (the simulator counted
 * the request as dropped, for an unreachable node whose witness goes unanswered too). No silence is
 * timed on the clock; `timeoutMs` is only a deadline for one of these to happen.
 */
export async function exchangeOrDeclined(
  port: number,
  message: Buffer,
  witness: { message: Buffer; requestId: number },
  declined: () => boolean,
  timeoutMs = 15_000,
): Promise<Buffer | null> {
  const socket = createSocket('udp4');
  let reply: Buffer | null = null;
  let witnessed = false;
  socket.on('message', (msg) => {
    if (reply !== null || witnessed) return;
    let isWitness = false;
    try {
      isWitness = parseResponse(msg).requestId === witness.requestId;
    } catch {
      // not a response we can read: it is the request's own (odd) answer
    }
    if (isWitness) witnessed = true;
    else reply = msg;
  });
  try {
    socket.send(message, port, '127.0.0.1');
    socket.send(witness.message, port, '127.0.0.1');
    const outcome = await waitUntil(
      'an answer, or the agent declining the request',
      () => (reply !== null ? { reply } : witnessed || declined() ? { reply: null } : undefined),
      { timeoutMs, intervalMs: 5 },
    );
    return outcome.reply;
  } finally {
    socket.close();
  }
}

import { BerError, BerReader, Tag, type BerWriter } from './ber';
import type { Device } from './device';
import type { Entry } from './mib/entry';
import type { MibView } from './view';

/** A parsed request PDU: its varbind OIDs (and their raw TLVs, to echo back unchanged). */
export interface PduRequest {
  type: number;
  requestId: number;
  /** error-status / non-repeaters and error-index / max-repetitions. */
  a: number;
  b: number;
  varbinds: { oid: number[]; tlv: Buffer }[];
}

export const ErrorStatus = {
  noError: 0,
  tooBig: 1,
  noSuchName: 2,
  readOnly: 4,
  genErr: 5,
  notWritable: 17,
  authorizationError: 16,
} as const;

const MAX_REQUEST_VARBINDS = 512;

/** Reads a PDU at the reader's position (the PDU tag). */
export function parsePdu(reader: BerReader): PduRequest {
  const [type, end] = reader.enterAny();
  if (
    type !== Tag.GetRequest &&
    type !== Tag.GetNextRequest &&
    type !== Tag.GetBulkRequest &&
    type !== Tag.SetRequest
  )
    throw new BerError(`unsupported PDU type 0x${type.toString(16)}`);
  const requestId = reader.readInt();
  const a = reader.readInt();
  const b = reader.readInt();
  const listEnd = reader.enter(Tag.Sequence);
  const varbinds: PduRequest['varbinds'] = [];
  while (reader.pos < listEnd) {
    const vbEnd = reader.enter(Tag.Sequence);
    const { oid, tlvStart, tlvEnd } = reader.readOid();
    varbinds.push({ oid, tlv: reader.buf.subarray(tlvStart, tlvEnd) });
    reader.pos = vbEnd;
    if (varbinds.length > MAX_REQUEST_VARBINDS) throw new BerError('too many varbinds');
  }
  if (listEnd > end) throw new BerError('varbind list beyond PDU');
  return { type, requestId, a, b, varbinds };
}

export interface PduAnswer {
  errorStatus: number;
  errorIndex: number;
}

/**
 * Writes the response varbinds forward into the writer (from w.head) and returns the error fields.
 * `limit` bounds the bytes of the varbind list (the response size limit minus headers).
 */
export function answerPdu(
  req: PduRequest,
  view: MibView,
  dev: Device,
  now: number,
  w: BerWriter,
  limit: number,
  v1: boolean,
): PduAnswer {
  const start = w.pos;
  const tooBig = (): PduAnswer => {
    w.pos = start;
    return { errorStatus: ErrorStatus.tooBig, errorIndex: 0 };
  };
  /** The request's varbinds back with the given error, or tooBig when even they do not fit. */
  const echo = (error: PduAnswer): PduAnswer => {
    w.pos = start;
    for (const vb of req.varbinds) writeVarbind(w, vb.tlv, null, Tag.Null, dev, now);
    return w.pos - start > limit ? tooBig() : error;
  };

  if (req.type === Tag.SetRequest)
    return echo({
      errorStatus: v1 ? ErrorStatus.noSuchName : ErrorStatus.notWritable,
      errorIndex: req.varbinds.length > 0 ? 1 : 0,
    });

  if (req.type === Tag.GetRequest || req.type === Tag.GetNextRequest) {
    for (let i = 0; i < req.varbinds.length; i++) {
      const vb = req.varbinds[i] as PduRequest['varbinds'][number];
      if (req.type === Tag.GetRequest) {
        const found = view.exact(vb.oid);
        if (found) {
          const ok = writeVarbind(w, found.tlv, found, 0, dev, now, v1);
          if (!ok) return v1Error(i);
        } else {
          if (v1) return v1Error(i);
          writeVarbind(w, vb.tlv, null, noSuchTag(view, vb.oid), dev, now);
        }
      } else {
        let next = view.next(vb.oid);
        let written = false;
        while (next) {
          if (writeVarbind(w, next.tlv, next, 0, dev, now, v1)) {
            written = true;
            break;
          }
          next = view.next(next.oid);
        }
        if (!written) {
          if (v1) return v1Error(i);
          writeVarbind(w, vb.tlv, null, Tag.EndOfMibView, dev, now);
        }
      }
      if (w.pos - start > limit) return tooBig();
    }
    return { errorStatus: 0, errorIndex: 0 };
  }

  function v1Error(index: number): PduAnswer {
    return echo({ errorStatus: ErrorStatus.noSuchName, errorIndex: index + 1 });
  }

  // GETBULK (RFC 3416 §4.2.3): trailing varbinds that do not fit are left out; tooBig only when
  // not even the first one fits.
  const n = Math.max(0, Math.min(req.a, req.varbinds.length));
  const m = Math.max(0, req.b);
  for (let i = 0; i < n; i++) {
    const vb = req.varbinds[i] as PduRequest['varbinds'][number];
    const before = w.pos;
    const next = view.next(vb.oid);
    if (next) writeVarbind(w, next.tlv, next, 0, dev, now);
    else writeVarbind(w, vb.tlv, null, Tag.EndOfMibView, dev, now);
    if (w.pos - start > limit) {
      w.pos = before;
      return before === start ? tooBig() : { errorStatus: 0, errorIndex: 0 };
    }
  }
  const repeaters = req.varbinds.slice(n);
  if (repeaters.length === 0 || m === 0) return { errorStatus: 0, errorIndex: 0 };
  const cursor: (Entry | null)[] = repeaters.map(() => null);
  const lastTlv: Buffer[] = repeaters.map((vb) => vb.tlv);
  const lastOid: (readonly number[])[] = repeaters.map((vb) => vb.oid);
  const ended: boolean[] = repeaters.map(() => false);
  for (let rep = 0; rep < m; rep++) {
    let allEnded = true;
    for (let r = 0; r < repeaters.length; r++) {
      const before = w.pos;
      if (!ended[r]) {
        const next = view.next(cursor[r]?.oid ?? (lastOid[r] as readonly number[]));
        if (next) {
          cursor[r] = next;
          lastTlv[r] = next.tlv;
          writeVarbind(w, next.tlv, next, 0, dev, now);
          allEnded = false;
        } else ended[r] = true;
      }
      if (ended[r]) writeVarbind(w, lastTlv[r] as Buffer, null, Tag.EndOfMibView, dev, now);
      if (w.pos - start > limit) {
        w.pos = before;
        if (w.pos === start) return tooBig();
        return { errorStatus: 0, errorIndex: 0 };
      }
    }
    if (allEnded) break;
  }
  return { errorStatus: 0, errorIndex: 0 };
}

function noSuchTag(view: MibView, oid: readonly number[]): number {
  const parent = oid.slice(0, -1);
  const next = view.next(parent);
  if (next && next.oid.length >= parent.length && parent.every((x, i) => next.oid[i] === x))
    return Tag.NoSuchInstance;
  return Tag.NoSuchObject;
}

/**
 * One varbind SEQUENCE: OID TLV then the entry's value (or an exception/NULL). Returns false (and
 * writes nothing) when a v1 request meets a Counter64, which SNMPv1 cannot carry.
 */
function writeVarbind(
  w: BerWriter,
  oidTlv: Buffer,
  found: Entry | null,
  tag: number,
  dev: Device,
  now: number,
  v1 = false,
): boolean {
  const start = w.pos;
  w.pos += 2;
  w.raw(oidTlv);
  const valueAt = w.pos;
  if (found) found.write(w, dev, now);
  else w.null(tag);
  if (v1 && w.buf[valueAt] === Tag.Counter64) {
    w.pos = start;
    return false;
  }
  const length = w.pos - start - 2;
  const b = w.buf;
  if (length < 0x80) {
    b[start] = Tag.Sequence;
    b[start + 1] = length;
    return true;
  }
  const extra = length < 0x100 ? 1 : 2;
  b.copyWithin(start + 2 + extra, start + 2, w.pos);
  w.pos += extra;
  b[start] = Tag.Sequence;
  if (extra === 1) {
    b[start + 1] = 0x81;
    b[start + 2] = length;
  } else {
    b[start + 1] = 0x82;
    b[start + 2] = length >> 8;
    b[start + 3] = length & 0xff;
  }
  return true;
}

/** Wraps the varbinds written since w.head into a full PDU with the given tag and header fields. */
export function wrapPdu(
  w: BerWriter,
  tag: number,
  requestId: number,
  errorStatus: number,
  errorIndex: number,
): void {
  w.wrap(Tag.Sequence);
  w.prependInt(errorIndex);
  w.prependInt(errorStatus);
  w.prependInt(requestId);
  w.wrap(tag);
}

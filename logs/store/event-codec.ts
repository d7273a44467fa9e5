/**
 * A SecurityEvent as bytes, for the store's buffer (event-pages.ts) and the SQLite writer thread:
 * its EVENT_COLUMNS values in order, each a tag byte and then the value — nothing for null, a
 * float64 for a number, a uint32 byte length and the UTF-8 bytes for a string. Strings go to the
 * database as UTF-8 anyway, so nothing is lost that storing would keep. Encoded events live off the
 * JavaScript heap: a queue of them costs its bytes and nothing the garbage collector promotes,
 * traces or grows its heap for.
 */
import { EVENT_COLUMNS } from './rows';

export type ColumnValue = string | number | null;

const NULL_TAG = 0;
const NUMBER_TAG = 1;
const STRING_TAG = 2;
/** A tag and a uint32 length (or a float64: the larger of the two value headers). */
const VALUE_HEADER_BYTES = 1 + 8;
/** A UTF-16 code unit takes at most 3 bytes in UTF-8. */
const MAX_UTF8_BYTES_PER_UNIT = 3;

/** The most bytes `values` can take encoded; reserve this much before `encodeValues`. */
export function maxEncodedBytes(values: readonly ColumnValue[]): number {
  let bytes = values.length * VALUE_HEADER_BYTES;
  for (const value of values) if (typeof value === 'string') bytes += value.length * MAX_UTF8_BYTES_PER_UNIT;
  return bytes;
}

/** The bytes `values` take encoded, exactly (a scan of every string: for events too large for a page). */
export function exactEncodedBytes(values: readonly ColumnValue[]): number {
  let bytes = 0;
  for (const value of values) {
    if (value === null) bytes += 1;
    else if (typeof value === 'number') bytes += 1 + 8;
    else bytes += 1 + 4 + Buffer.byteLength(value, 'utf8');
  }
  return bytes;
}

/** Writes `values` at `at` (room for `maxEncodedBytes` must be there); returns where the next event starts. */
export function encodeValues(values: readonly ColumnValue[], into: Buffer, at: number): number {
  let offset = at;
  for (const value of values) {
    if (value === null) {
      into[offset++] = NULL_TAG;
    } else if (typeof value === 'number') {
      into[offset++] = NUMBER_TAG;
      offset = into.writeDoubleLE(value, offset);
    } else {
      into[offset] = STRING_TAG;
      const length = into.write(value, offset + 5, 'utf8');
      into.writeUInt32LE(length, offset + 1);
      offset += 5 + length;
    }
  }
  return offset;
}

/**
 * Reads one event's values at `at` into `out` from `outAt` on (EVENT_COLUMNS order): a row of its
 * own, or a place in a multi-row statement's parameters. A string column that `strings` marks false
 * is passed over and read as null (a reader that needs a few columns creates no other string).
 * Returns where the next event starts.
 */
export function decodeValues(
  view: Buffer,
  at: number,
  out: ColumnValue[],
  outAt = 0,
  strings?: readonly boolean[],
): number {
  let offset = at;
  for (let column = 0; column < EVENT_COLUMNS.length; column++) {
    const tag = view[offset++];
    if (tag === NULL_TAG) {
      out[outAt + column] = null;
    } else if (tag === NUMBER_TAG) {
      out[outAt + column] = view.readDoubleLE(offset);
      offset += 8;
    } else if (tag === STRING_TAG) {
      const length = view.readUInt32LE(offset);
      out[outAt + column] =
        strings === undefined || strings[column] === true
          ? view.toString('utf8', offset + 4, offset + 4 + length)
          : null;
      offset += 4 + length;
    } else {
      throw new Error(`encoded log event: unknown value tag ${String(tag)} at byte ${offset - 1}`);
    }
  }
  return offset;
}

/** A page as a Buffer: one that crossed to the writer thread arrives as a plain Uint8Array. */
export const pageView = (page: Uint8Array): Buffer =>
  Buffer.from(page.buffer, page.byteOffset, page.byteLength);

/** Every event's values in `pages` (each page holds whole events, back to back). */
export function decodePages(pages: readonly Uint8Array[]): ColumnValue[][] {
  const rows: ColumnValue[][] = [];
  for (const page of pages) {
    const view = pageView(page);
    for (let at = 0; at < view.length;) {
      const row = new Array<ColumnValue>(EVENT_COLUMNS.length);
      at = decodeValues(view, at, row);
      rows.push(row);
    }
  }
  return rows;
}

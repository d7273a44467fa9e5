import { encodeOidTlv, type BerWriter } from '../ber';
import type { Device } from '../device';
import { compareOid, type Oid } from '../oid';

/** Writes one value TLV, computed at the request's instant. */
export type ValueWriter = (w: BerWriter, dev: Device, now: number) => void;

/** One object instance an agent serves: its OID (numeric and pre-encoded) and how to write its value. */
export interface Entry {
  oid: Oid;
  tlv: Buffer;
  write: ValueWriter;
}

export function entry(oid: Oid, write: ValueWriter): Entry {
  return { oid, tlv: encodeOidTlv(oid), write };
}

export function sortEntries(entries: Entry[]): Entry[] {
  entries.sort((a, b) => compareOid(a.oid, b.oid));
  for (let i = 1; i < entries.length; i++)
    if (compareOid((entries[i - 1] as Entry).oid, (entries[i] as Entry).oid) === 0)
      throw new Error(`duplicate OID ${(entries[i] as Entry).oid.join('.')}`);
  return entries;
}

/**
 * The unauthenticated outer fields of a trap datagram, read before net-snmp decodes it: the version
 * and community of SNMPv1/v2c, the sender engine's id, boots and time of SNMPv3 (RFC 3412 §6,
 * RFC 3414 §2.4). Nothing here is trusted until the message has been authenticated.
 */

export type TrapHeader =
  | { version: 0 | 1; community: Buffer }
  | { version: 3; engineId: Buffer; engineBoots: number; engineTime: number };

class Cursor {
  constructor(
    private readonly msg: Buffer,
    public pos = 0,
    private readonly end = msg.length,
  ) {}

  /** Enters a TLV of this tag; returns its content's bounds (pos moves past the whole TLV). */
  tlv(tag: number): { start: number; end: number } | null {
    const msg = this.msg;
    if (this.pos + 2 > this.end || msg[this.pos] !== tag) return null;
    let length = msg[this.pos + 1] as number;
    let at = this.pos + 2;
    if (length & 0x80) {
      const count = length & 0x7f;
      if (count === 0 || count > 3 || at + count > this.end) return null;
      length = 0;
      for (let i = 0; i < count; i++) length = length * 256 + (msg[at++] as number);
    }
    if (at + length > this.end) return null;
    this.pos = at + length;
    return { start: at, end: at + length };
  }

  /** A non-negative INTEGER of at most 4 content bytes. */
  uint(): number | null {
    const field = this.tlv(0x02);
    if (!field || field.end - field.start < 1 || field.end - field.start > 5) return null;
    if ((this.msg[field.start] as number) & 0x80) return null;
    return this.msg.readUIntBE(field.start, field.end - field.start);
  }

  octets(): Buffer | null {
    const field = this.tlv(0x04);
    return field ? this.msg.subarray(field.start, field.end) : null;
  }
}

export function readTrapHeader(msg: Buffer): TrapHeader | null {
  const outer = new Cursor(msg).tlv(0x30);
  if (!outer) return null;
  const top = new Cursor(msg, outer.start, outer.end);
  const version = top.uint();
  if (version === 0 || version === 1) {
    const community = top.octets();
    return community ? { version, community } : null;
  }
  if (version !== 3 || !top.tlv(0x30)) return null; // msgGlobalData
  const securityParameters = top.tlv(0x04);
  if (!securityParameters) return null;
  const sp = new Cursor(msg, securityParameters.start, securityParameters.end);
  const usm = sp.tlv(0x30);
  if (!usm) return null;
  const fields = new Cursor(msg, usm.start, usm.end);
  const engineId = fields.octets();
  const engineBoots = fields.uint();
  const engineTime = fields.uint();
  if (!engineId || engineBoots === null || engineTime === null) return null;
  return { version, engineId, engineBoots, engineTime };
}

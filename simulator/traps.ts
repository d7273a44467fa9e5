import { Tag, encodeOidContent, encodeOidTlv, lengthHeader } from './ber';
import type { Device } from './device';
import { OIDS, type Oid } from './oid';

/**
 * Notifications (coldStart, linkDown, linkUp) as the simulated devices send them: SNMPv2c with a
 * community for v1/v2c devices, SNMPv3 signed (and encrypted) with the device's own user otherwise
 * (see `buildV3Trap` in usm.ts).
 */

type TrapValue = { int: number } | { octets: Buffer } | { oid: Oid } | { ticks: number } | { ip: Buffer };

function tlv(tag: number, content: Buffer): Buffer {
  return Buffer.concat([lengthHeader(tag, content.length), content]);
}

function intContent(value: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeInt32BE(value | 0);
  let start = 0;
  while (
    start < 3 &&
    ((b[start] === 0 && ((b[start + 1] as number) & 0x80) === 0) ||
      (b[start] === 0xff && ((b[start + 1] as number) & 0x80) !== 0))
  )
    start++;
  return b.subarray(start);
}

function uintContent(value: number): Buffer {
  const b = Buffer.alloc(5);
  b.writeUInt32BE(value >>> 0, 1);
  let start = 0;
  while (start < 4 && b[start] === 0 && ((b[start + 1] as number) & 0x80) === 0) start++;
  return b.subarray(start);
}

function encodeValue(value: TrapValue): Buffer {
  if ('int' in value) return tlv(Tag.Integer, intContent(value.int));
  if ('octets' in value) return tlv(Tag.OctetString, value.octets);
  if ('oid' in value) return tlv(Tag.Oid, encodeOidContent(value.oid));
  if ('ticks' in value) return tlv(Tag.TimeTicks, uintContent(value.ticks));
  return tlv(Tag.IpAddress, value.ip);
}

export type TrapKind = 'coldStart' | 'linkDown' | 'linkUp';

/** Builds a v2c Trap-PDU message from a device. For linkDown/linkUp pass the interface's ifIndex. */
export function buildTrap(
  dev: Device,
  community: Buffer,
  kind: TrapKind,
  now: number,
  requestId: number,
  ifIndex?: number,
): Buffer {
  return tlv(
    Tag.Sequence,
    Buffer.concat([
      tlv(Tag.Integer, intContent(1)),
      tlv(Tag.OctetString, community),
      buildTrapPdu(dev, kind, now, requestId, ifIndex),
    ]),
  );
}

/** The SNMPv2-Trap-PDU alone (the same for v2c and v3). */
export function buildTrapPdu(
  dev: Device,
  kind: TrapKind,
  now: number,
  requestId: number,
  ifIndex?: number,
): Buffer {
  const varbinds: [Oid, TrapValue][] = [
    [OIDS.sysUpTime, { ticks: dev.upTicks(now) }],
    [OIDS.snmpTrapOID, { oid: OIDS[kind] }],
  ];
  if (kind !== 'coldStart') {
    const position = ifIndex === undefined ? undefined : dev.ifPosition.get(ifIndex);
    const s = position === undefined ? undefined : dev.ifs[position];
    if (!s || ifIndex === undefined)
      throw new Error(`buildTrap: ${dev.node.id} has no ifIndex ${String(ifIndex)}`);
    varbinds.push(
      [[...OIDS.ifEntry, 1, ifIndex], { int: ifIndex }],
      [[...OIDS.ifEntry, 7, ifIndex], { int: s.plan.adminUp ? 1 : 2 }],
      [[...OIDS.ifEntry, 8, ifIndex], { int: dev.operUp(s) ? 1 : 2 }],
      [[...OIDS.ifXEntry, 1, ifIndex], { octets: s.name }],
    );
  }
  varbinds.push([OIDS.snmpTrapAddress, { ip: dev.ipAddress }]);
  const list = Buffer.concat(
    varbinds.map(([oid, value]) => tlv(Tag.Sequence, Buffer.concat([encodeOidTlv(oid), encodeValue(value)]))),
  );
  return tlv(
    Tag.TrapV2,
    Buffer.concat([
      tlv(Tag.Integer, intContent(requestId)),
      tlv(Tag.Integer, intContent(0)),
      tlv(Tag.Integer, intContent(0)),
      tlv(Tag.Sequence, list),
    ]),
  );
}

import { Tag, encodeOidTlv, type BerWriter } from '../ber';
import type { Device, IfState } from '../device';
import { AVERAGE_PACKET_BYTES, unit } from '../traffic';
import { entry, sortEntries, type Entry } from './entry';

/**
 * The objects every agent serves whose OIDs depend only on the device's interface list: SNMPv2-MIB
 * system, IF-MIB ifTable/ifXTable and (on net-snmp hosts) HOST-RESOURCES-MIB. Built once per *shape* (the list of
 * ifIndexes) and shared by every device of that shape; values are read from the device at request time.
 */
const TWO_32 = 4294967296;
const SYSTEM = [1, 3, 6, 1, 2, 1, 1];
const IF_ENTRY = [1, 3, 6, 1, 2, 1, 2, 2, 1];
const IFX_ENTRY = [1, 3, 6, 1, 2, 1, 31, 1, 1, 1];
const HR_STORAGE_ENTRY = [1, 3, 6, 1, 2, 1, 25, 2, 3, 1];
const HR_STORAGE_RAM = encodeOidTlv([1, 3, 6, 1, 2, 1, 25, 2, 1, 2]);
const HR_STORAGE_FIXED_DISK = encodeOidTlv([1, 3, 6, 1, 2, 1, 25, 2, 1, 4]);
const HR_STORAGE_FLASH = encodeOidTlv([1, 3, 6, 1, 2, 1, 25, 2, 1, 9]);
const RAM_DESCR = Buffer.from('Physical memory');
const FLASH_DESCR = Buffer.from('flash:');
const DISK_DESCR = Buffer.from('/');

type IfWriter = (w: BerWriter, dev: Device, s: IfState, now: number) => void;

const octetsIn = (dev: Device, s: IfState, now: number) => {
  dev.octets(s, now);
  return s.cacheIn;
};
const octetsOut = (dev: Device, s: IfState, now: number) => {
  dev.octets(s, now);
  return s.cacheOut;
};

const IF_COLUMNS: [number, IfWriter][] = [
  [1, (w, _d, s) => w.int(s.plan.ifIndex)],
  [2, (w, _d, s) => w.octets(s.name)],
  [3, (w) => w.int(6)],
  [4, (w) => w.int(1500)],
  [5, (w, _d, s) => w.unsigned(Math.min(s.plan.speedMbps * 1e6, TWO_32 - 1), Tag.Gauge32)],
  [6, (w, _d, s) => w.octets(s.mac)],
  [7, (w, _d, s) => w.int(s.plan.adminUp ? 1 : 2)],
  [8, (w, d, s) => w.int(d.operUp(s) ? 1 : 2)],
  [
    9,
    (w, d, s) =>
      w.unsigned(Math.max(0, Math.floor((s.lastChangeMs - d.bootMs) / 10)) % TWO_32, Tag.TimeTicks),
  ],
  [10, (w, d, s, now) => w.unsigned((octetsIn(d, s, now) + s.wrapIn) % TWO_32, Tag.Counter32)],
  [
    11,
    (w, d, s, now) =>
      w.unsigned(Math.floor(octetsIn(d, s, now) / AVERAGE_PACKET_BYTES) % TWO_32, Tag.Counter32),
  ],
  [13, (w, d, s, now) => w.unsigned(Math.floor(octetsIn(d, s, now) / 3e9) % TWO_32, Tag.Counter32)],
  [14, (w, d, s, now) => w.unsigned(Math.floor(octetsIn(d, s, now) / 9e9) % TWO_32, Tag.Counter32)],
  [16, (w, d, s, now) => w.unsigned((octetsOut(d, s, now) + s.wrapOut) % TWO_32, Tag.Counter32)],
  [
    17,
    (w, d, s, now) =>
      w.unsigned(Math.floor(octetsOut(d, s, now) / AVERAGE_PACKET_BYTES) % TWO_32, Tag.Counter32),
  ],
  [19, (w, d, s, now) => w.unsigned(Math.floor(octetsOut(d, s, now) / 4e9) % TWO_32, Tag.Counter32)],
  [20, (w, d, s, now) => w.unsigned(Math.floor(octetsOut(d, s, now) / 1.2e10) % TWO_32, Tag.Counter32)],
];

const IFX_COLUMNS: [number, IfWriter][] = [
  [1, (w, _d, s) => w.octets(s.name)],
  [6, (w, d, s, now) => w.unsigned(octetsIn(d, s, now), Tag.Counter64)],
  [7, (w, d, s, now) => w.unsigned(Math.floor(octetsIn(d, s, now) / AVERAGE_PACKET_BYTES), Tag.Counter64)],
  [10, (w, d, s, now) => w.unsigned(octetsOut(d, s, now), Tag.Counter64)],
  [11, (w, d, s, now) => w.unsigned(Math.floor(octetsOut(d, s, now) / AVERAGE_PACKET_BYTES), Tag.Counter64)],
  [15, (w, _d, s) => w.unsigned(s.plan.speedMbps, Tag.Gauge32)],
  [18, (w, _d, s) => w.octets(s.alias)],
  [
    19,
    (w, d, s) =>
      w.unsigned(
        s.discontinuityMs === null
          ? 0
          : Math.max(0, Math.floor((s.discontinuityMs - d.bootMs) / 10)) % TWO_32,
        Tag.TimeTicks,
      ),
  ],
];

/** RAM and flash/disk sizes by role, in allocation units. */
function storage(dev: Device, index: 1 | 2): { units: number; size: number; usedShare: number } {
  const role = dev.node.role;
  if (index === 1) {
    const gib = role === 'server' ? 64 : role === 'mcu' ? 16 : role === 'codec' ? 2 : 4;
    return { units: 1024, size: gib * 1024 * 1024, usedShare: 0.35 + 0.25 * unit(`${dev.node.id}#ram`) };
  }
  const gib = role === 'server' ? 2048 : role === 'mcu' ? 64 : 1;
  return {
    units: 4096,
    size: (gib * 1024 * 1024 * 1024) / 4096,
    usedShare: 0.2 + 0.5 * unit(`${dev.node.id}#disk`),
  };
}

function storageEntries(): Entry[] {
  const out: Entry[] = [];
  for (const index of [1, 2] as const) {
    const o = (col: number) => [...HR_STORAGE_ENTRY, col, index];
    out.push(
      entry(o(1), (w) => w.int(index)),
      entry(o(2), (w, d) =>
        w.raw(
          index === 1 ? HR_STORAGE_RAM : d.node.role === 'server' ? HR_STORAGE_FIXED_DISK : HR_STORAGE_FLASH,
        ),
      ),
      entry(o(3), (w, d) =>
        w.octets(index === 1 ? RAM_DESCR : d.node.role === 'server' ? DISK_DESCR : FLASH_DESCR),
      ),
      entry(o(4), (w, d) => w.int(storage(d, index).units)),
      entry(o(5), (w, d) => w.int(storage(d, index).size)),
      entry(o(6), (w, d, now) => {
        const s = storage(d, index);
        const drift = index === 1 ? 0.05 * Math.sin(now / 3_600_000 + d.port) : 0;
        w.int(Math.floor(s.size * Math.min(0.95, s.usedShare + drift)));
      }),
    );
  }
  return out;
}

const shapes = new Map<string, Entry[]>();

/** Sorted entries for a device shape (shared, built on first use); HOST-RESOURCES only on net-snmp hosts. */
export function shapeEntries(dev: Device): Entry[] {
  const hostResources = dev.family === 'net-snmp';
  const key = `${hostResources ? 'hr' : 'device'}:${dev.ifs.map((s) => s.plan.ifIndex).join(',')}`;
  const cached = shapes.get(key);
  if (cached) return cached;
  const out: Entry[] = [
    entry([...SYSTEM, 1, 0], (w, d) => w.octets(d.sysDescr)),
    entry([...SYSTEM, 2, 0], (w, d) => w.raw(encodeOidTlvCached(d))),
    entry([...SYSTEM, 3, 0], (w, d, now) => w.unsigned(d.upTicks(now), Tag.TimeTicks)),
    entry([...SYSTEM, 4, 0], (w, d) => w.octets(d.sysContact)),
    entry([...SYSTEM, 5, 0], (w, d) => w.octets(d.sysName)),
    entry([...SYSTEM, 6, 0], (w, d) => w.octets(d.sysLocation)),
    entry([...SYSTEM, 7, 0], (w, d) => w.int(d.sysServices)),
    entry([1, 3, 6, 1, 2, 1, 2, 1, 0], (w, d) => w.int(d.ifs.length)),
  ];
  if (hostResources)
    out.push(
      entry([1, 3, 6, 1, 2, 1, 25, 1, 1, 0], (w, d, now) => w.unsigned(d.upTicks(now), Tag.TimeTicks)),
      entry([1, 3, 6, 1, 2, 1, 25, 3, 3, 1, 2, 1], (w, d, now) => w.int(d.cpuLoad(now))),
      ...storageEntries(),
    );
  dev.ifs.forEach((s, position) => {
    for (const [col, write] of IF_COLUMNS)
      out.push(
        entry([...IF_ENTRY, col, s.plan.ifIndex], (w, d, now) =>
          write(w, d, d.ifs[position] as IfState, now),
        ),
      );
    for (const [col, write] of IFX_COLUMNS)
      out.push(
        entry([...IFX_ENTRY, col, s.plan.ifIndex], (w, d, now) =>
          write(w, d, d.ifs[position] as IfState, now),
        ),
      );
  });
  const sorted = sortEntries(out);
  shapes.set(key, sorted);
  return sorted;
}

const objectIdTlv = new WeakMap<Device, Buffer>();
function encodeOidTlvCached(dev: Device): Buffer {
  let tlv = objectIdTlv.get(dev);
  if (!tlv) {
    tlv = encodeOidTlv(dev.sysObjectID);
    objectIdTlv.set(dev, tlv);
  }
  return tlv;
}

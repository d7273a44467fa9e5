import { Tag } from '../ber';
import type { Device } from '../device';
import { entry, type Entry } from './entry';

/**
 * LLDP-MIB (IEEE 802.1AB): local system and ports, and one lldpRemTable row per inventory link end,
 * so a poller can rediscover the topology. Rows are per device (they depend on its links).
 */
const LOC = [1, 0, 8802, 1, 1, 2, 1, 3];
const LOC_PORT_ENTRY = [...LOC, 7, 1];
const REM_ENTRY = [1, 0, 8802, 1, 1, 2, 1, 4, 1, 1];
const SUBTYPE_LOCAL = 7;
const SUBTYPE_INTERFACE_NAME = 5;

export function lldpEntries(dev: Device, deviceOf: (id: string) => Device | undefined): Entry[] {
  const out: Entry[] = [
    entry([...LOC, 1, 0], (w) => w.int(SUBTYPE_LOCAL)),
    entry([...LOC, 2, 0], (w, d) => w.octets(d.sysName)),
    entry([...LOC, 3, 0], (w, d) => w.octets(d.sysName)),
  ];
  for (const s of dev.ifs) {
    const peer = s.plan.peer;
    if (!peer) continue;
    const ifIndex = s.plan.ifIndex;
    const name = s.name;
    out.push(
      entry([...LOC_PORT_ENTRY, 2, ifIndex], (w) => w.int(SUBTYPE_INTERFACE_NAME)),
      entry([...LOC_PORT_ENTRY, 3, ifIndex], (w) => w.octets(name)),
      entry([...LOC_PORT_ENTRY, 4, ifIndex], (w) => w.octets(name)),
    );
    const peerId = Buffer.from(peer.node);
    const peerPort = Buffer.from(peer.ifName);
    const row = (col: number) => [...REM_ENTRY, col, 0, ifIndex, 1];
    out.push(
      entry(row(4), (w) => w.int(SUBTYPE_LOCAL)),
      entry(row(5), (w) => w.octets(peerId)),
      entry(row(6), (w) => w.int(SUBTYPE_INTERFACE_NAME)),
      entry(row(7), (w) => w.octets(peerPort)),
      entry(row(8), (w) => w.octets(peerPort)),
      entry(row(9), (w) => w.octets(peerId)),
      entry(row(10), (w) => w.octets(deviceOf(peer.node)?.sysDescr ?? Buffer.alloc(0), Tag.OctetString)),
    );
  }
  return out;
}

/** net-snmp's UCD-SNMP-MIB memory group (HOST-RESOURCES-MIB comes with the shared shape). */
import type { Device } from '../device';
import { memoryPct } from '../hardware';
import { entry, type Entry } from './entry';

const UCD_MEMORY = [1, 3, 6, 1, 4, 1, 2021, 4];

/** Physical memory in kB by role, as memTotalReal reports it. */
function totalKb(dev: Device): number {
  const gib = dev.node.role === 'server' ? 64 : dev.node.role === 'mcu' ? 16 : 4;
  return gib * 1024 * 1024;
}

export function netSnmpEntries(dev: Device): Entry[] {
  const total = totalKb(dev);
  return [
    entry([...UCD_MEMORY, 5, 0], (w) => w.int(total)),
    entry([...UCD_MEMORY, 6, 0], (w, d, now) =>
      w.int(Math.round(total * (1 - memoryPct(d.node, now) / 100))),
    ),
  ];
}

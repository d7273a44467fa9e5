/** CISCO-PROCESS-MIB, CISCO-ENHANCED-MEMPOOL-MIB and CISCO-ENVMON-MIB as IOS serves them. */
import { Tag } from '../ber';
import type { Device } from '../device';
import { FAN_COUNT, fanOk, memoryPct, PSU_COUNT, psuOk, temperatureC } from '../hardware';
import { entry, type Entry } from './entry';
import { BOARD_INDEX } from './entity';

const CPU_TOTAL_ENTRY = [1, 3, 6, 1, 4, 1, 9, 9, 109, 1, 1, 1, 1];
const MEMPOOL_ENTRY = [1, 3, 6, 1, 4, 1, 9, 9, 221, 1, 1, 1, 1];
const ENVMON = [1, 3, 6, 1, 4, 1, 9, 9, 13, 1];
/** ciscoEnvMon*State: normal(1), critical(3) */
const NORMAL = 1;
const CRITICAL = 3;
const PROCESSOR_POOL_BYTES = 512 * 1024 * 1024;

/** The same tables on every Cisco device; values are read from the device at request time. */
export function ciscoEntries(): Entry[] {
  const out: Entry[] = [
    // cpmCPUTotalPhysicalIndex (.2), cpmCPUTotal5minRev (.8)
    entry([...CPU_TOTAL_ENTRY, 2, 1], (w) => w.int(BOARD_INDEX)),
    entry([...CPU_TOTAL_ENTRY, 8, 1], (w, d, now) => w.unsigned(d.cpuLoad(now), Tag.Gauge32)),
  ];
  // cempMemPoolTable, indexed by entPhysicalIndex.poolIndex: name (.3), used (.7), free (.8).
  const pools: Array<[number, string, number]> = [
    [1, 'Processor', PROCESSOR_POOL_BYTES],
    [2, 'I/O', 64 * 1024 * 1024],
  ];
  for (const [pool, name, size] of pools) {
    const o = (col: number) => [...MEMPOOL_ENTRY, col, BOARD_INDEX, pool];
    const used = (d: Device, now: number) =>
      Math.round((size * (pool === 1 ? memoryPct(d.node, now) : 20)) / 100);
    out.push(
      entry(o(3), (w) => w.octets(Buffer.from(name))),
      entry(o(7), (w, d, now) => w.unsigned(used(d, now), Tag.Gauge32)),
      entry(o(8), (w, d, now) => w.unsigned(size - used(d, now), Tag.Gauge32)),
    );
  }
  // ciscoEnvMonTemperatureStatusTable: descr (.2), value °C (.3), threshold (.4), state (.6).
  const temp = (col: number) => [...ENVMON, 3, 1, col, 1];
  out.push(
    entry(temp(2), (w) => w.octets(Buffer.from('Intake Temperature'))),
    entry(temp(3), (w, d, now) => w.unsigned(temperatureC(d.node, d.hardware, now), Tag.Gauge32)),
    entry(temp(4), (w) => w.int(70)),
    entry(temp(6), (w, d, now) => w.int(temperatureC(d.node, d.hardware, now) > 70 ? CRITICAL : NORMAL)),
  );
  // ciscoEnvMonFanStatusTable (.4) and ciscoEnvMonSupplyStatusTable (.5): descr (.2), state (.3).
  for (let n = 0; n < FAN_COUNT; n++)
    out.push(
      entry([...ENVMON, 4, 1, 2, n + 1], (w) => w.octets(Buffer.from(`Fan ${n + 1}`))),
      entry([...ENVMON, 4, 1, 3, n + 1], (w, d) => w.int(fanOk(d.hardware, n) ? NORMAL : CRITICAL)),
    );
  for (let n = 0; n < PSU_COUNT; n++)
    out.push(
      entry([...ENVMON, 5, 1, 2, n + 1], (w) => w.octets(Buffer.from(`Power Supply ${n + 1}`))),
      entry([...ENVMON, 5, 1, 3, n + 1], (w, d) => w.int(psuOk(d.hardware, n) ? NORMAL : CRITICAL)),
    );
  return out;
}

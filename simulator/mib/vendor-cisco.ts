/** CISCO-PROCESS-MIB, CISCO-ENHANCED-MEMPOOL-MIB, CISCO-ENVMON-MIB and ENTITY-SENSOR-MIB as IOS-XE serves them. */
import { Tag } from '../ber';
import type { Device } from '../device';
import { FAN_COUNT, fanOk, memoryPct, PSU_COUNT, psuOk, temperatureC } from '../hardware';
import { entry, type Entry } from './entry';
import { BOARD_INDEX, fanIndex } from './entity';

const CPU_TOTAL_ENTRY = [1, 3, 6, 1, 4, 1, 9, 9, 109, 1, 1, 1, 1];
const MEMPOOL_ENTRY = [1, 3, 6, 1, 4, 1, 9, 9, 221, 1, 1, 1, 1];
const ENVMON = [1, 3, 6, 1, 4, 1, 9, 9, 13, 1];
/** ciscoEnvMon*State: normal(1), critical(3) */
const NORMAL = 1;
const CRITICAL = 3;
const PROCESSOR_POOL_BYTES = 512 * 1024 * 1024;
const ENT_PHYSICAL = [1, 3, 6, 1, 2, 1, 47, 1, 1, 1, 1];
/** entPhysicalClass sensor(8) */
const SENSOR_CLASS = 8;
/** ENTITY-SENSOR-MIB entPhySensorEntry (RFC 3433) */
const SENSOR_ENTRY = [1, 3, 6, 1, 2, 1, 99, 1, 1, 1];
/** entPhySensorType celsius(8), rpm(10); entPhySensorScale units(9); entPhySensorOperStatus ok(1), nonoperational(3) */
const CELSIUS = 8;
const RPM = 10;
const UNITS = 9;
const SENSOR_OK = 1;
const SENSOR_FAILED = 3;
const FAN_RPM = 5280;

interface Sensor {
  index: number;
  name: string;
  containedIn: number;
  type: number;
  value: (d: Device, now: number) => number;
  ok: (d: Device) => boolean;
}

/** IOS-XE's sensors: an inlet temperature on the board and a speed sensor in each fan. */
function sensors(): Sensor[] {
  const out: Sensor[] = [
    {
      index: 1010,
      name: 'Temp: Inlet',
      containedIn: BOARD_INDEX,
      type: CELSIUS,
      value: (d, now) => temperatureC(d.node, d.hardware, now),
      ok: () => true,
    },
  ];
  for (let n = 0; n < FAN_COUNT; n++)
    out.push({
      index: 1020 + n,
      name: `Fan ${n + 1} Speed`,
      containedIn: fanIndex(n),
      type: RPM,
      value: (d) => (fanOk(d.hardware, n) ? FAN_RPM + 120 * n : 0),
      ok: (d) => fanOk(d.hardware, n),
    });
  return out;
}

/** The sensors as entPhysicalTable rows of class sensor(8) and their entPhySensorTable rows. */
function sensorEntries(): Entry[] {
  const out: Entry[] = [];
  for (const s of sensors()) {
    const physical = (col: number) => [...ENT_PHYSICAL, col, s.index];
    const sensor = (col: number) => [...SENSOR_ENTRY, col, s.index];
    out.push(
      entry(physical(2), (w) => w.octets(Buffer.from(s.name))),
      entry(physical(4), (w) => w.int(s.containedIn)),
      entry(physical(5), (w) => w.int(SENSOR_CLASS)),
      entry(physical(7), (w) => w.octets(Buffer.from(s.name))),
      entry(sensor(1), (w) => w.int(s.type)),
      entry(sensor(2), (w) => w.int(UNITS)),
      entry(sensor(3), (w) => w.int(0)),
      entry(sensor(4), (w, d, now) => w.int(s.value(d, now))),
      entry(sensor(5), (w, d) => w.int(s.ok(d) ? SENSOR_OK : SENSOR_FAILED)),
    );
  }
  return out;
}

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
  out.push(...sensorEntries());
  return out;
}

/**
 * RUIJIE-PROCESS-MIB, RUIJIE-MEMORY-MIB, RUIJIE-SYSTEM-MIB and RUIJIE-FIBER-MIB as an RGOS device
 * serves them, all under RUIJIE-SMI ruijieMgmt (1.3.6.1.4.1.4881.1.1.10.2).
 */
import { Tag } from '../ber';
import type { Device } from '../device';
import {
  FAN_COUNT,
  fanOk,
  isOpticalPort,
  memoryPct,
  PSU_COUNT,
  psuOk,
  rxDbm,
  temperatureC,
  txDbm,
} from '../hardware';
import { entry, type Entry } from './entry';

const MGMT = [1, 3, 6, 1, 4, 1, 4881, 1, 1, 10, 2];
/** ruijieSystemMIBObjects (ruijieMgmt.1.1) */
const SYSTEM = [...MGMT, 1, 1];
/** ruijieFiberEntry (ruijieMgmt.105.1.1.1), by ifIndex */
const FIBER_ENTRY = [...MGMT, 105, 1, 1, 1];
/** ruijieSystemFanIsNormal / ruijieSystemElectricalSourceIsNormal: normal(4); a failed fan powerbutabnormal(5), a failed supply existnopower(2) */
const NORMAL = 4;
const FAN_ABNORMAL = 5;
const NO_POWER = 2;
const MEMORY_MB = 2048;

export function ruijieEntries(dev: Device): Entry[] {
  const text = (value: string) => Buffer.from(value);
  const out: Entry[] = [
    // RUIJIE-PROCESS-MIB ruijieCPUUtilization5Sec/1Min/5Min (.36.1.1.1-3), scalars
    entry([...MGMT, 36, 1, 1, 1, 0], (w, d, now) => w.int(d.cpuLoad(now))),
    entry([...MGMT, 36, 1, 1, 2, 0], (w, d, now) => w.int(d.cpuLoad(now))),
    entry([...MGMT, 36, 1, 1, 3, 0], (w, d, now) => w.int(d.cpuLoad(now))),
  ];
  // RUIJIE-MEMORY-MIB ruijieMemoryPoolUtilizationEntry (.35.1.1.1): index, name, current %, total MB (.12)
  const pool = (col: number) => [...MGMT, 35, 1, 1, 1, col, 1];
  out.push(
    entry(pool(1), (w) => w.int(1)),
    entry(pool(2), (w) => w.octets(text('dram'))),
    entry(pool(3), (w, d, now) => w.int(memoryPct(d.node, now))),
    entry(pool(12), (w) => w.unsigned(MEMORY_MB, Tag.Gauge32)),
  );
  // ruijieSystemElectricalSourceIsNormalEntry (.18.1): index, state, name
  for (let n = 0; n < PSU_COUNT; n++) {
    const o = (col: number) => [...SYSTEM, 18, 1, col, n + 1];
    out.push(
      entry(o(1), (w) => w.int(n + 1)),
      entry(o(2), (w, d) => w.int(psuOk(d.hardware, n) ? NORMAL : NO_POWER)),
      entry(o(3), (w) => w.octets(text(`Power ${n + 1}`))),
    );
  }
  // ruijieSystemFanIsNormalEntry (.21.1): index, state, name, speed
  for (let n = 0; n < FAN_COUNT; n++) {
    const o = (col: number) => [...SYSTEM, 21, 1, col, n + 1];
    out.push(
      entry(o(1), (w) => w.int(n + 1)),
      entry(o(2), (w, d) => w.int(fanOk(d.hardware, n) ? NORMAL : FAN_ABNORMAL)),
      entry(o(3), (w) => w.octets(text(`Fan ${n + 1}`))),
      entry(o(4), (w, d) => w.int(fanOk(d.hardware, n) ? 4500 : 0)),
    );
  }
  // ruijieSystemTemperatureEntry (.23.1): index, name, current °C, warning, critical
  const temp = (col: number) => [...SYSTEM, 23, 1, col, 1];
  out.push(
    entry(temp(1), (w) => w.int(1)),
    entry(temp(2), (w) => w.octets(text('Board'))),
    entry(temp(3), (w, d, now) => w.int(temperatureC(d.node, d.hardware, now))),
    entry(temp(4), (w) => w.int(75)),
    entry(temp(5), (w) => w.int(85)),
  );
  // ruijieFiberEntry by ifIndex: port descr (.2), ruijieFiberRXpower (.76), ruijieFiberTXpower (.81), 0.01 dBm
  for (const s of dev.ifs) {
    if (!isOpticalPort(s)) continue;
    const ifIndex = s.plan.ifIndex;
    const o = (col: number) => [...FIBER_ENTRY, col, ifIndex];
    out.push(
      entry(o(2), (w) => w.octets(s.name)),
      entry(o(76), (w, d) => w.int(Math.round(rxDbm(d.node, d.hardware, ifIndex) * 100))),
      entry(o(81), (w, d) => w.int(Math.round(txDbm(d.node, ifIndex) * 100))),
    );
  }
  return out;
}

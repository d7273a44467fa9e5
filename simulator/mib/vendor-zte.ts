/**
 * ZXR10-SYSTEM-HARDWARE-MIB (zxUPN.2 = 1.3.6.1.4.1.3902.3.6002.2) as a ZXR10 on ZXROS NG serves it:
 * the main board's CPU and memory, its temperature, the fans and the power modules.
 */
import { Tag } from '../ber';
import type { Device } from '../device';
import { FAN_COUNT, fanOk, memoryPct, PSU_COUNT, psuOk, temperatureC } from '../hardware';
import { entry, type Entry } from './entry';

const HARDWARE = [1, 3, 6, 1, 4, 1, 3902, 3, 6002, 2];
/** Rack 1, shelf 1; the main board is in slot 1 (a ZXR10's MPU). */
const RACK = 1;
const SHELF = 1;
const MPU_SLOT = 1;
/** zxr10FanStatus normal(1) abnormal(0); zxr10PowerModulePowerStatus normal(1) abnormal(2) */
const FAN_NORMAL = 1;
const FAN_ABNORMAL = 0;
const POWER_NORMAL = 1;
const POWER_ABNORMAL = 2;
const MEMORY_MB = 4096;

export function zteEntries(dev: Device): Entry[] {
  const text = (value: string) => Buffer.from(value);
  // zxr10CpusystemEntry (.1.1) by rack.shelf.slot.unit: unit description (.3), run status (.4),
  // memory size MB (.5), memory used % (.6), CPU 5 s / 1 min / 5 min % (.7/.8/.9)
  const cpu = (col: number) => [...HARDWARE, 1, 1, col, RACK, SHELF, MPU_SLOT, 1];
  const out: Entry[] = [
    entry(cpu(3), (w) => w.octets(text(`${dev.node.model} MPU`))),
    entry(cpu(4), (w) => w.int(1)),
    entry(cpu(5), (w) => w.unsigned(MEMORY_MB, Tag.Counter32)),
    entry(cpu(6), (w, d, now) => w.int(memoryPct(d.node, now))),
    entry(cpu(7), (w, d, now) => w.int(d.cpuLoad(now))),
    entry(cpu(8), (w, d, now) => w.int(d.cpuLoad(now))),
    entry(cpu(9), (w, d, now) => w.int(d.cpuLoad(now))),
  ];
  // zxr10FanEntry (.3.1) by rack.shelf.group.index: status (.7), speed level (.8)
  for (let n = 0; n < FAN_COUNT; n++) {
    const o = (col: number) => [...HARDWARE, 3, 1, col, RACK, SHELF, 1, n + 1];
    out.push(
      entry(o(7), (w, d) => w.int(fanOk(d.hardware, n) ? FAN_NORMAL : FAN_ABNORMAL)),
      entry(o(8), (w, d) => w.int(fanOk(d.hardware, n) ? 6 : 0)),
    );
  }
  // zxr10BoardTempEntry (.5.1) by rack.shelf.slot.i2c.addr: board (.6), point (.7), status (.8), °C (.9)
  const temp = (col: number) => [...HARDWARE, 5, 1, col, RACK, SHELF, MPU_SLOT, 0, 72];
  out.push(
    entry(temp(6), (w) => w.octets(text('MPU'))),
    entry(temp(7), (w) => w.octets(text('CPU board inlet'))),
    entry(temp(8), (w, d, now) => w.int(temperatureC(d.node, d.hardware, now) > 70 ? 2 : 1)),
    entry(temp(9), (w, d, now) => w.int(temperatureC(d.node, d.hardware, now))),
  );
  // zxr10PowerModuleEntry (.6.2.1) by rack.shelf.group.module: physical (.4), power status (.5), name (.13)
  for (let n = 0; n < PSU_COUNT; n++) {
    const o = (col: number) => [...HARDWARE, 6, 2, 1, col, RACK, SHELF, 1, n + 1];
    out.push(
      entry(o(4), (w) => w.int(1)),
      entry(o(5), (w, d) => w.int(psuOk(d.hardware, n) ? POWER_NORMAL : POWER_ABNORMAL)),
      entry(o(13), (w) => w.octets(text(`PWR${n + 1}`))),
    );
  }
  return out;
}

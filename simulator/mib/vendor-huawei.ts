/** HUAWEI-ENTITY-EXTENT-MIB (1.3.6.1.4.1.2011.5.25.31) as a VRP device serves it. */
import type { Device } from '../device';
import {
  dbmToMicrowatts,
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
import { BOARD_INDEX, physicalEntities, portIndex } from './entity';

const EXTENT = [1, 3, 6, 1, 4, 1, 2011, 5, 25, 31, 1, 1];
const STATE_ENTRY = [...EXTENT, 1, 1];
const OPTICAL_ENTRY = [...EXTENT, 3, 1];
const FAN_ENTRY = [...EXTENT, 10, 1];
const PWR_ENTRY = [...EXTENT, 18, 1];

export function huaweiEntries(dev: Device): Entry[] {
  const out: Entry[] = [];
  // hwEntityStateTable: a row per entity; CPU, memory and temperature only on the main board.
  for (const e of physicalEntities(dev)) {
    const board = e.index === BOARD_INDEX;
    const o = (col: number) => [...STATE_ENTRY, col, e.index];
    out.push(
      entry(o(5), (w, d, now) => w.int(board ? d.cpuLoad(now) : 0)),
      entry(o(7), (w, d, now) => w.int(board ? memoryPct(d.node, now) : 0)),
      entry(o(11), (w, d, now) => w.int(board ? temperatureC(d.node, d.hardware, now) : 0)),
    );
  }
  // hwFanStatusTable, indexed by hwEntityFanSlot.hwEntityFanSn: present(1), normal(1)/abnormal(2).
  for (let n = 0; n < FAN_COUNT; n++) {
    const o = (col: number) => [...FAN_ENTRY, col, 0, n];
    out.push(
      entry(o(5), (w, d) => w.int(fanOk(d.hardware, n) ? 55 : 0)),
      entry(o(6), (w) => w.int(1)),
      entry(o(7), (w, d) => w.int(fanOk(d.hardware, n) ? 1 : 2)),
    );
  }
  // hwPwrStatusTable, indexed by hwEntityPwrSlot.hwEntityPwrSn: supply(1)/notSupply(2); hwEntityPwrDesc.
  for (let n = 0; n < PSU_COUNT; n++) {
    const o = (col: number) => [...PWR_ENTRY, col, 0, n];
    const descr = Buffer.from(`PWR${n + 1}`);
    out.push(
      entry(o(5), (w) => w.int(1)),
      entry(o(6), (w, d) => w.int(psuOk(d.hardware, n) ? 1 : 2)),
      entry(o(9), (w) => w.octets(descr)),
    );
  }
  // hwOpticalModuleInfoTable by the port's entPhysicalIndex: Rx/Tx power in µW.
  dev.ifs.forEach((s, position) => {
    if (!isOpticalPort(s)) return;
    const o = (col: number) => [...OPTICAL_ENTRY, col, portIndex(position)];
    const ifIndex = s.plan.ifIndex;
    out.push(
      entry(o(8), (w, d) => w.int(dbmToMicrowatts(rxDbm(d.node, d.hardware, ifIndex)))),
      entry(o(9), (w, d) => w.int(dbmToMicrowatts(txDbm(d.node, ifIndex)))),
    );
  });
  return out;
}

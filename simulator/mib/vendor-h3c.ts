/** HH3C-ENTITY-EXT-MIB (state by entPhysicalIndex) and HH3C-TRANSCEIVER-INFO-MIB (by ifIndex) as Comware serves them. */
import type { Device } from '../device';
import { fanOk, isOpticalPort, memoryPct, psuOk, rxDbm, temperatureC, txDbm } from '../hardware';
import { entry, type Entry } from './entry';
import { BOARD_INDEX, ENTITY_CLASS, physicalEntities } from './entity';

const STATE_ENTRY = [1, 3, 6, 1, 4, 1, 25506, 2, 6, 1, 1, 1, 1];
const TRANSCEIVER_ENTRY = [1, 3, 6, 1, 4, 1, 25506, 2, 70, 1, 1, 1];
/** hh3cEntityExtErrorStatus */
const NORMAL = 2;
const FAN_ERROR = 41;
const PSU_ERROR = 51;

export function h3cEntries(dev: Device): Entry[] {
  const out: Entry[] = [];
  let fan = 0;
  let psu = 0;
  for (const e of physicalEntities(dev)) {
    const board = e.index === BOARD_INDEX;
    const o = (col: number) => [...STATE_ENTRY, col, e.index];
    const fanNumber = e.class === ENTITY_CLASS.fan ? fan++ : -1;
    const psuNumber = e.class === ENTITY_CLASS.powerSupply ? psu++ : -1;
    out.push(
      entry(o(6), (w, d, now) => w.int(board ? d.cpuLoad(now) : 0)),
      entry(o(8), (w, d, now) => w.int(board ? memoryPct(d.node, now) : 0)),
      // Entities without a sensor report 65535 (the collector treats it as "no reading").
      entry(o(12), (w, d, now) => w.int(board ? temperatureC(d.node, d.hardware, now) : 65535)),
      entry(o(19), (w, d) => {
        if (fanNumber >= 0 && !fanOk(d.hardware, fanNumber)) return w.int(FAN_ERROR);
        if (psuNumber >= 0 && !psuOk(d.hardware, psuNumber)) return w.int(PSU_ERROR);
        w.int(NORMAL);
      }),
    );
  }
  // hh3cTransceiverCurTXPower (.9) and hh3cTransceiverCurRXPower (.12), hundredths of a dBm.
  for (const s of dev.ifs) {
    if (!isOpticalPort(s)) continue;
    const ifIndex = s.plan.ifIndex;
    out.push(
      entry([...TRANSCEIVER_ENTRY, 9, ifIndex], (w, d) => w.int(Math.round(txDbm(d.node, ifIndex) * 100))),
      entry([...TRANSCEIVER_ENTRY, 12, ifIndex], (w, d) =>
        w.int(Math.round(rxDbm(d.node, d.hardware, ifIndex) * 100)),
      ),
    );
  }
  return out;
}

import type { DeviceProfile } from './profile';

/** HH3C-ENTITY-EXT-MIB hh3cEntityExtStateTable (1.3.6.1.4.1.25506.2.6.1.1.1.1), by entPhysicalIndex. */
const STATE = '1.3.6.1.4.1.25506.2.6.1.1.1.1';
/** hh3cEntityExtErrorStatus: notSupported(1) normal(2) … fanError(41) psuError(51) rpsError(61). */
const ERROR_STATUS = `${STATE}.19`;
/**
 * HH3C-TRANSCEIVER-INFO-MIB hh3cTransceiverInfoTable, by ifIndex, hundredths of a dBm: checked against
 * the MIB (hh3cTransceiverInfoEntry .9 hh3cTransceiverCurTXPower, .12 hh3cTransceiverCurRXPower; .10/.11
 * are the Max/Min TX thresholds) and LibreNMS's Comware transceiver discovery (divisor 100).
 */
const TRANSCEIVER = '1.3.6.1.4.1.25506.2.70.1.1.1';

export const H3C_COMWARE: DeviceProfile = {
  id: 'h3c-comware',
  vendor: 'h3c',
  sysObjectIdPrefixes: ['1.3.6.1.4.1.25506.1', '1.3.6.1.4.1.25506.11'],
  /** hh3cEntityExtCpuUsage */
  cpu: { kind: 'percent-column', oid: `${STATE}.6` },
  /** hh3cEntityExtMemUsage */
  memory: { kind: 'percent-column', oid: `${STATE}.8` },
  /** hh3cEntityExtTemperature */
  temperature: { kind: 'percent-column', oid: `${STATE}.12` },
  /** entPhysicalClass fan(7) */
  fans: { oid: ERROR_STATUS, healthy: [1, 2], absent: [4], entityClass: 7 },
  /** entPhysicalClass powerSupply(6) */
  powerSupplies: { oid: ERROR_STATUS, healthy: [1, 2], absent: [4], entityClass: 6 },
  /** hh3cTransceiverCurRXPower (.12), hh3cTransceiverCurTXPower (.9); 2147483647 = no reading */
  optics: { rxOid: `${TRANSCEIVER}.12`, txOid: `${TRANSCEIVER}.9`, unit: 'centi-dBm', index: 'ifIndex' },
  entityMib: true,
  entitySensors: false,
};

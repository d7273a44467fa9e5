import type { DeviceProfile } from './profile';

/**
 * Ruijie RGOS switches and routers (RG-S, RG-RSR). Every RUIJIE-*-MIB hangs under RUIJIE-SMI
 * ruijieMgmt (1.3.6.1.4.1.4881.1.1.10.2); OIDs from the MIB files LibreNMS ships (mibs/ruijie).
 */
const MGMT = '1.3.6.1.4.1.4881.1.1.10.2';
/** RUIJIE-SYSTEM-MIB ruijieSystemMIBObjects (ruijieMgmt.1.1) */
const SYSTEM = `${MGMT}.1.1`;
/**
 * RUIJIE-SYSTEM-MIB ruijieSystemFanIsNormal / ruijieSystemElectricalSourceIsNormal: noexist(1)
 * existnopower(2) existreadypower(3) normal(4) powerbutabnormal(5) unknow(6) linefail(7).
 */
const NOT_FITTED = 1;
const NORMAL = 4;
const READY = 3;

export const RUIJIE_RGOS: DeviceProfile = {
  id: 'ruijie-rgos',
  vendor: 'ruijie',
  /** RUIJIE-SMI products (ruijie.1): sysObjectID under ruijieSwitchProducts 1.3.6.1.4.1.4881.1.1.10.1 */
  sysObjectIdPrefixes: ['1.3.6.1.4.1.4881.1'],
  /** RUIJIE-PROCESS-MIB ruijieCPUUtilization5Min (ruijieMgmt.36.1.1.3, a scalar: .0) */
  cpu: { kind: 'percent-column', oid: `${MGMT}.36.1.1.3` },
  /** RUIJIE-MEMORY-MIB ruijieMemoryPoolCurrentUtilization (ruijieMemoryPoolUtilizationEntry.3) */
  memory: { kind: 'percent-column', oid: `${MGMT}.35.1.1.1.3` },
  /** RUIJIE-SYSTEM-MIB ruijieSystemTemperatureCurrent (ruijieSystemTemperatureEntry.3; 0 = no sensor) */
  temperature: { kind: 'percent-column', oid: `${SYSTEM}.23.1.3` },
  /** ruijieSystemFanIsNormal (.21.1.2), ruijieSystemFanName (.21.1.3) */
  fans: { oid: `${SYSTEM}.21.1.2`, nameOid: `${SYSTEM}.21.1.3`, healthy: [NORMAL], absent: [NOT_FITTED] },
  /** ruijieSystemElectricalSourceIsNormal (.18.1.2), ruijieSystemElectricalSourceName (.18.1.3); a supply ready to take over is healthy */
  powerSupplies: {
    oid: `${SYSTEM}.18.1.2`,
    nameOid: `${SYSTEM}.18.1.3`,
    healthy: [READY, NORMAL],
    absent: [NOT_FITTED],
  },
  /** RUIJIE-FIBER-MIB ruijieFiberRXpower (ruijieFiberEntry.76) / ruijieFiberTXpower (.81): 0.01 dBm by ifIndex, -10000 = invalid */
  optics: {
    rxOid: `${MGMT}.105.1.1.1.76`,
    txOid: `${MGMT}.105.1.1.1.81`,
    unit: 'centi-dBm',
    index: 'ifIndex',
    invalid: [-10000],
  },
  entityMib: true,
  entitySensors: false,
};

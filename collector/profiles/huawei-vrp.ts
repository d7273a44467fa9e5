import type { DeviceProfile } from './profile';

/** HUAWEI-ENTITY-EXTENT-MIB (1.3.6.1.4.1.2011.5.25.31): hwEntityStateTable, hwFanStatusTable, hwPwrStatusTable, hwOpticalModuleInfoTable. */
const EXTENT = '1.3.6.1.4.1.2011.5.25.31.1.1';

export const HUAWEI_VRP: DeviceProfile = {
  id: 'huawei-vrp',
  vendor: 'huawei',
  sysObjectIdPrefixes: ['1.3.6.1.4.1.2011.2'],
  /** hwEntityCpuUsage */
  cpu: { kind: 'percent-column', oid: `${EXTENT}.1.1.5` },
  /** hwEntityMemUsage */
  memory: { kind: 'percent-column', oid: `${EXTENT}.1.1.7` },
  /** hwEntityTemperature */
  temperature: { kind: 'percent-column', oid: `${EXTENT}.1.1.11` },
  /** hwEntityFanState normal(1) abnormal(2), indexed by slot.fan; hwEntityFanPresent is beside it. */
  fans: { oid: `${EXTENT}.10.1.7`, healthy: [1], absent: [] },
  /** hwEntityPwrState supply(1) notSupply(2) sleep(3) unknown(4); hwEntityPwrDesc (.9) names it. */
  powerSupplies: { oid: `${EXTENT}.18.1.6`, nameOid: `${EXTENT}.18.1.9`, healthy: [1, 3], absent: [] },
  /** hwEntityOpticalRxPower / TxPower, µW, by entPhysicalIndex of the port. */
  optics: { rxOid: `${EXTENT}.3.1.8`, txOid: `${EXTENT}.3.1.9`, unit: 'uW', index: 'entity' },
  entityMib: true,
  entitySensors: false,
};

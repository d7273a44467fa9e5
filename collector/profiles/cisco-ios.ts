import type { DeviceProfile } from './profile';

/** CISCO-ENVMON-MIB ciscoEnvMonObjects (1.3.6.1.4.1.9.9.13.1): normal(1) warning(2) critical(3) shutdown(4) notPresent(5) notFunctioning(6). */
const ENVMON = '1.3.6.1.4.1.9.9.13.1';
/** CISCO-ENHANCED-MEMPOOL-MIB cempMemPoolEntry */
const MEMPOOL = '1.3.6.1.4.1.9.9.221.1.1.1.1';

export const CISCO_IOS: DeviceProfile = {
  id: 'cisco-ios',
  vendor: 'cisco',
  sysObjectIdPrefixes: ['1.3.6.1.4.1.9.1'],
  sysDescrPattern: /Cisco IOS/i,
  /** CISCO-PROCESS-MIB cpmCPUTotal5minRev */
  cpu: { kind: 'percent-column', oid: '1.3.6.1.4.1.9.9.109.1.1.1.1.8' },
  /** cempMemPoolUsed / cempMemPoolFree of the pool named cempMemPoolName "Processor" */
  memory: {
    kind: 'used-free',
    usedOid: `${MEMPOOL}.7`,
    freeOid: `${MEMPOOL}.8`,
    nameOid: `${MEMPOOL}.3`,
    namePattern: /^Processor$/i,
  },
  /** ciscoEnvMonTemperatureStatusValue */
  temperature: { kind: 'percent-column', oid: `${ENVMON}.3.1.3` },
  /** ciscoEnvMonFanState, ciscoEnvMonFanStatusDescr */
  fans: { oid: `${ENVMON}.4.1.3`, nameOid: `${ENVMON}.4.1.2`, healthy: [1, 2], absent: [5] },
  /** ciscoEnvMonSupplyState, ciscoEnvMonSupplyStatusDescr */
  powerSupplies: { oid: `${ENVMON}.5.1.3`, nameOid: `${ENVMON}.5.1.2`, healthy: [1, 2], absent: [5] },
  optics: null,
  entityMib: true,
  /** IOS-XE reports temperatures, fan speeds and supply voltages in ENTITY-SENSOR-MIB */
  entitySensors: true,
};

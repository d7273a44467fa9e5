import type { DeviceProfile } from './profile';

/** UCD-SNMP-MIB memory group (1.3.6.1.4.1.2021.4): memTotalReal.0 and memAvailReal.0, kB. */
const UCD_MEMORY = '1.3.6.1.4.1.2021.4';

export const NET_SNMP_LINUX: DeviceProfile = {
  id: 'net-snmp-linux',
  vendor: 'net-snmp',
  /** NET-SNMP-MIB netSnmpAgentOIDs (linux is .10) */
  sysObjectIdPrefixes: ['1.3.6.1.4.1.8072.3.2'],
  cpu: { kind: 'host-resources' },
  /** memAvailReal counts what the kernel can hand out (caches included), unlike hrStorage RAM. */
  memory: { kind: 'total-available', totalOid: `${UCD_MEMORY}.5`, availableOid: `${UCD_MEMORY}.6` },
  temperature: null,
  fans: null,
  powerSupplies: null,
  optics: null,
  entityMib: false,
  entitySensors: false,
};

/** Any agent no profile claims: the standard MIBs only, as polled before profiles existed. */
export const GENERIC: DeviceProfile = {
  id: 'generic',
  vendor: 'unknown',
  sysObjectIdPrefixes: [],
  cpu: { kind: 'host-resources' },
  memory: { kind: 'host-resources' },
  temperature: null,
  fans: null,
  powerSupplies: null,
  optics: null,
  entityMib: true,
  /** Any device that answers ENTITY-SENSOR-MIB: its temperatures, and its rpm sensors as fans. */
  entitySensors: true,
};

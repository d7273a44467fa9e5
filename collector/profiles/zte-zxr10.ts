import type { DeviceProfile } from './profile';

/**
 * ZTE ZXR10 routers and switches (M6000, T8000, 5960 on ZXROS NG). ZXR10-PROJECT-MIB zxUPN is
 * 1.3.6.1.4.1.3902.3.6002; ZXR10-SYSTEM-HARDWARE-MIB is zxUPN.2. OIDs from the MIB files LibreNMS
 * ships (mibs/zte).
 */
const HARDWARE = '1.3.6.1.4.1.3902.3.6002.2';

export const ZTE_ZXR10: DeviceProfile = {
  id: 'zte-zxr10',
  vendor: 'zte',
  /** ZXR10-MIB zxr10 (zte.3); as LibreNMS's zxr10 OS, the sysDescr names ZXR10 (ZTE's OLTs are not ZXR10) */
  sysObjectIdPrefixes: ['1.3.6.1.4.1.3902'],
  sysDescrPattern: /ZXR10|ZTE Ethernet Switch/,
  /** zxr10CpusystemTable zxr10SystemCpuUtility5m (zxr10CpusystemEntry.9) */
  cpu: { kind: 'percent-column', oid: `${HARDWARE}.1.1.9` },
  /** zxr10SystemMemUsed (zxr10CpusystemEntry.6, UNITS "percent") */
  memory: { kind: 'percent-column', oid: `${HARDWARE}.1.1.6` },
  /** zxr10BoardTempTable zxr10BoardTempCurTemp (zxr10BoardTempEntry.9, °C) */
  temperature: { kind: 'percent-column', oid: `${HARDWARE}.5.1.9` },
  /** zxr10FanTable zxr10FanStatus (zxr10FanEntry.7): abnormal(0) normal(1) */
  fans: { oid: `${HARDWARE}.3.1.7`, healthy: [1], absent: [] },
  /** zxr10PowerModuleTable zxr10PowerModulePowerStatus (.6.2.1.5): unknow(0) normal(1) abnormal(2); zxr10PowerModuleName (.13) */
  powerSupplies: { oid: `${HARDWARE}.6.2.1.5`, nameOid: `${HARDWARE}.6.2.1.13`, healthy: [1], absent: [] },
  optics: null,
  entityMib: true,
  entitySensors: false,
};

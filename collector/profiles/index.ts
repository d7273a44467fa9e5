import { CISCO_IOS } from './cisco-ios';
import { H3C_COMWARE } from './h3c-comware';
import { HUAWEI_VRP } from './huawei-vrp';
import { GENERIC, NET_SNMP_LINUX } from './net-snmp-linux';
import type { DeviceProfile } from './profile';

/** Every profile the collector knows; the first whose sysObjectID prefix (and sysDescr) matches wins. */
export const PROFILES: readonly DeviceProfile[] = [HUAWEI_VRP, H3C_COMWARE, CISCO_IOS, NET_SNMP_LINUX];

const startsWithOid = (oid: string, prefix: string) => oid === prefix || oid.startsWith(`${prefix}.`);

/** The profile for a device by its sysObjectID and sysDescr; GENERIC when none claims it. */
export function matchProfile(sysObjectId: string | null, sysDescr: string | null): DeviceProfile {
  const oid = (sysObjectId ?? '').replace(/^\./, '');
  for (const profile of PROFILES) {
    if (!profile.sysObjectIdPrefixes.some((prefix) => startsWithOid(oid, prefix))) continue;
    if (profile.sysDescrPattern && !profile.sysDescrPattern.test(sysDescr ?? '')) continue;
    return profile;
  }
  return GENERIC;
}

export { GENERIC };
export type { DeviceProfile } from './profile';
export { pollProfile, identifyDevice, type HealthReading, type DeviceIdentity } from './poll';
export { healthPoints } from './points';

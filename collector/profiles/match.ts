import { CISCO_IOS } from './cisco-ios';
import { H3C_COMWARE } from './h3c-comware';
import { HUAWEI_VRP } from './huawei-vrp';
import { GENERIC, NET_SNMP_LINUX } from './net-snmp-linux';
import type { DeviceProfile } from './profile';
import { RUIJIE_RGOS } from './ruijie-rgos';
import { ZTE_ZXR10 } from './zte-zxr10';

/** Every profile the collector knows; the first whose sysObjectID prefix (and sysDescr) matches wins. */
export const PROFILES: readonly DeviceProfile[] = [
  HUAWEI_VRP,
  H3C_COMWARE,
  CISCO_IOS,
  RUIJIE_RGOS,
  ZTE_ZXR10,
  NET_SNMP_LINUX,
];

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

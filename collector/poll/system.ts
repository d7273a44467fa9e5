/** SNMPv2-MIB system group: the device's clock (sysUpTime) and its name. */
import { toNumber, toText, type Varbind } from '../snmp/session';

export const SYS_UPTIME = '1.3.6.1.2.1.1.3';
export const SYS_NAME = '1.3.6.1.2.1.1.5';

/** Asked as GETBULK non-repeaters (GETNEXT semantics): the answers are sysUpTime.0 and sysName.0. */
export const SYSTEM_SCALARS = [SYS_UPTIME, SYS_NAME];

export interface SystemReading {
  uptimeCs: number;
  sysName: string | null;
}

/** Parse the non-repeater answers; null when the agent gave no sysUpTime (nothing to time rates by). */
export function parseSystem(scalars: Array<Varbind | null>): SystemReading | null {
  const [uptime, name] = scalars;
  if (!uptime || uptime.oid !== `${SYS_UPTIME}.0`) return null;
  const uptimeCs = toNumber(uptime);
  if (uptimeCs === null || uptimeCs < 0) return null;
  return { uptimeCs, sysName: name && name.oid === `${SYS_NAME}.0` ? toText(name) : null };
}

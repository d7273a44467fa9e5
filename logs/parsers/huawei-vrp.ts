/**
 * Huawei VRP (routers, switches) and USG firewalls: `%%01MODULE/LEVEL/DIGEST(l)[seq]:text (Key=Value, …)`,
 * e.g. `%%01SSH/4/SSH_FAIL(l)[0]:Failed to login through SSH. (Ip=10.1.1.1, UserName=admin, …)`,
 * `%%01SHELL/5/CMDRECORD(s)[1]:Recorded command information. (Task=VT0, Ip=…, User=admin, Command="…")`,
 * `%%01POLICY/6/POLICYDENY(l):vsys=public, protocol=6, source-ip=…, destination-ip=…, rule-name=…`.
 * The two digits after `%%` are the log version: Huawei sends 01 (H3C's 10 is h3c-comware.ts).
 */
import type { SecurityCategory } from '../../domain';
import { categorize } from './category';
import {
  ADDRESS_KEYS,
  addressIn,
  firstIpv4,
  firstOf,
  keyValues,
  USER_AND_ADDRESS_KEYS,
  USER_KEYS,
} from './fields';
import type { VendorParser } from './types';

const MARKER =
  /%%(\d\d)([A-Z][A-Z0-9_-]{0,31})\/(\d)\/([A-Za-z][\w-]{0,63})(?:\([a-z]\))?(?:\[\d{1,10}\])?: ?/;

/** Message ids whose meaning their name does not spell out for category.ts. */
// A Map: looking up a string built per line in an object literal costs its internalization.
const KNOWN = new Map<string, SecurityCategory>([
  ['SSH/SSH_USER_LOGIN', 'auth-success'],
  ['SSH/SSH_USER_LOGOUT', 'system'],
  ['SHELL/LOGIN', 'auth-success'],
  ['SHELL/LOGOUT', 'system'],
  ['SHELL/CMDRECORD', 'command'],
  ['SHELL/CMDRECORDFAILED', 'command'],
  ['SSH/IP_LOCKED', 'auth-failure'],
  ['SSH/SSHS_IP_BLOCK_CLIENT', 'auth-failure'],
  ['TELNETS/TELNETS_IP_BLOCK_CLIENT', 'auth-failure'],
  ['CONFIGURATION/CFG_FILE_CHANGE', 'config-change'],
  ['HWCM/CFGCHANGE', 'config-change'],
  ['POLICY/POLICYPERMIT', 'system'],
  ['POLICY/POLICYDENY', 'policy-deny'],
]);

export const readHuaweiVrp: VendorParser = (message) => {
  const m = MARKER.exec(message);
  if (!m || m[1] === '10') return null;
  const [marker, , module, level, digest] = m as unknown as [string, string, string, string, string];
  const body = message.slice(m.index + marker.length);
  const key = `${module}/${digest}`;
  const pairs = keyValues(body, USER_AND_ADDRESS_KEYS);
  return {
    format: 'huawei-vrp',
    messageId: `${module}/${level}/${digest}`,
    level: Number(level),
    category: KNOWN.get(key) ?? categorize(key, body),
    user: firstOf(pairs, USER_KEYS),
    sourceAddress: addressIn(firstOf(pairs, ADDRESS_KEYS)) ?? firstIpv4(body),
  };
};

/**
 * Cisco IOS / IOS-XE and ASA: `%FACILITY-SEVERITY-MNEMONIC: text`, after an optional sequence number
 * and timestamp (`123: *Dec  6 10:00:00.123 UTC: %SEC_LOGIN-4-LOGIN_FAILED: Login failed [user: admin]
 * [Source: 10.1.1.1] …`), or ASA's `%ASA-4-106023: Deny tcp src outside:1.2.3.4/5555 dst …`.
 */
import type { SecurityCategory } from '../../domain';
import { categorize } from './category';
import { addressIn, firstIpv4, firstOf, keyValues } from './fields';
import { selectKeys } from './key-values';
import { readBsdTimestamp } from './timestamp';
import type { VendorParser } from './types';

const MARKER = /%([A-Z][A-Z0-9_]{0,31})-([0-7])-([A-Z0-9_]{1,48}): ?/;
const SEQUENCE = /^\d{1,10}: /;
/** Where a Cisco body says the peer is, in order. */
const ADDRESS_KEYS = ['source', 'from', 'ip'];
const WANTED_KEYS = selectKeys(ADDRESS_KEYS);

// A Map: looking up a string built per line in an object literal costs its internalization.
const KNOWN = new Map<string, SecurityCategory>([
  ['SYS-CONFIG_I', 'config-change'],
  ['PARSER-CFGLOG_LOGGEDCMD', 'command'],
  ['SSH-SSH2_USERAUTH', 'auth-success'],
  ['ASA-605004', 'auth-failure'],
  ['ASA-605005', 'auth-success'],
  ['ASA-113004', 'auth-success'],
  ['ASA-113012', 'auth-success'],
  ['ASA-113015', 'auth-failure'],
  ['ASA-611102', 'auth-failure'],
  ['ASA-611101', 'auth-success'],
  ['ASA-111008', 'command'],
  ['ASA-111010', 'command'],
  ['ASA-111001', 'config-change'],
  ['ASA-733100', 'attack'],
  ['ASA-733101', 'attack'],
]);

/** The user a Cisco body names: `[user: x]`, `User:x`, `by x on`, `User 'x'`, `user = x`, `for user "x"`. */
const USER =
  /\[user: ([^\]\s]{1,64})\]|User:\s?([^\s,]{1,64})|\bby ([^\s,]{1,64}) on\b|[Uu]ser '([^']{1,64})'|\buser = ([^\s,]{1,64})|for user "([^"]{1,64})"/;

function userIn(body: string): string | null {
  const m = USER.exec(body);
  return m ? (m.slice(1).find((g) => g !== undefined) ?? null) : null;
}

function categoryOf(facility: string, mnemonic: string, body: string): SecurityCategory {
  const known = KNOWN.get(`${facility}-${mnemonic}`);
  if (known === 'auth-success' && /\bfail/i.test(body)) return 'auth-failure';
  if (known) return known;
  // IOS ACL logging says permitted or denied in the body.
  if (facility === 'SEC' && mnemonic.startsWith('IPACCESSLOG'))
    return /\bdenied\b/.test(body) ? 'policy-deny' : 'system';
  // ASA 4000xx are IPS signatures; 106xxx access-list and deny messages.
  if ((facility === 'ASA' || facility === 'FTD') && /^400\d\d\d$/.test(mnemonic)) return 'attack';
  if (
    (facility === 'ASA' || facility === 'FTD') &&
    /^106\d\d\d$/.test(mnemonic) &&
    /\bden(?:y|ied)\b/i.test(body)
  )
    return 'policy-deny';
  return categorize(`${facility}-${mnemonic}`, body);
}

export const readCiscoIos: VendorParser = (message, receivedAtMs) => {
  const m = MARKER.exec(message);
  if (!m) return null;
  const [marker, facility, level, mnemonic] = m as unknown as [string, string, string, string];
  const body = message.slice(m.index + marker.length);
  const pairs = keyValues(body, WANTED_KEYS);
  const time = readBsdTimestamp(message.slice(0, m.index).replace(SEQUENCE, ''), receivedAtMs);
  const src = /\bsrc (?:[\w-]{1,64}:)?(\d{1,3}(?:\.\d{1,3}){3})/.exec(body)?.[1] ?? null;
  return {
    format: 'cisco-ios',
    messageId: `${facility}-${level}-${mnemonic}`,
    level: Number(level),
    category: categoryOf(facility, mnemonic, body),
    user: userIn(body),
    sourceAddress: src ?? addressIn(firstOf(pairs, ADDRESS_KEYS)) ?? firstIpv4(body),
    timeMs: time ? time.timeMs : null,
  };
};

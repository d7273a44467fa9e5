/**
 * H3C Comware, as sent to a log host — `%%10MODULE/LEVEL/DIGEST: text` — and in the info-center's own
 * format — `%Dec  6 10:00:00:123 2026 H3C SSHS/6/SSHS_LOG: text`. Bodies are sentences
 * (`admin logged in from 10.1.1.1.`, `SSH user admin (IP: 10.1.1.1) …`,
 * `Authentication failed for admin from 10.1.1.1 port 5000 …`) or `-Key=Value` lists
 * (`-Line=vty0-IPAddr=10.1.1.1-User=admin; Command is display version`).
 */
import type { SecurityCategory } from '../../domain';
import { categorize, categoryFromWords } from './category';
import {
  ADDRESS_KEYS,
  addressIn,
  firstIpv4,
  firstOf,
  keyValues,
  USER_AND_ADDRESS_KEYS,
  USER_KEYS,
} from './fields';
import { readBsdTimestamp } from './timestamp';
import type { VendorParser } from './types';

const LOGHOST = /%%10([A-Z][A-Z0-9_]{0,31})\/(\d)\/([A-Za-z][\w-]{0,63}): ?/;
const INFO_CENTER =
  /^%([A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d(?::\d{3})? \d{4}) \S{1,64} ([A-Z][A-Z0-9_]{0,31})\/(\d)\/([A-Za-z][\w-]{0,63}): ?/;

// A Map: looking up a string built per line in an object literal costs its internalization.
const KNOWN = new Map<string, SecurityCategory>([
  ['SHELL/SHELL_LOGIN', 'auth-success'],
  ['SHELL/SHELL_LOGOUT', 'system'],
  ['SHELL/SHELL_CMD', 'command'],
  ['SHELL/SHELL_CMD_CONFIRM', 'command'],
  ['SSHS/SSHS_LOGIN', 'auth-success'],
  ['SSHS/SSHS_LOGOUT', 'system'],
  ['SSHS/SSHS_AUTH_SUCCESS', 'auth-success'],
  ['CFGMAN/CFGMAN_CFGCHANGED', 'config-change'],
  ['CFGMAN/CFGMAN_WRITE_CFG', 'config-change'],
  ['LOGIN/LOGIN_FAILED', 'auth-failure'],
  ['LOGIN/LOGIN_AUTHENTICATION_FAILED', 'auth-failure'],
]);

/** Digests whose meaning is in the sentence: SSHS_LOG says both "accepted" and "failed". */
const BY_WORDS = new Set(['SSHS/SSHS_LOG', 'SSHS/SSHS_CONNECT', 'LOGIN/LOGIN_INFO']);

const USER_SENTENCE =
  /(?:^|\s)(?:user\s)?([^\s(),;]{1,64}) (?:logged in|logged out|failed to log in) from|(?:user|for)\s'?([^\s'(),;]{1,64})'?\s(?:\(|from)/i;

/** The user a sentence names (`admin logged in from …`), when no `User=` pair did. */
function userInSentence(body: string): string | null {
  const sentence = USER_SENTENCE.exec(body);
  return sentence?.[1] ?? sentence?.[2] ?? null;
}

export const readH3cComware: VendorParser = (message, receivedAtMs) => {
  const loghost = LOGHOST.exec(message);
  const infoCenter = loghost ? null : INFO_CENTER.exec(message);
  const m = loghost ?? infoCenter;
  if (!m) return null;
  const groups = m.slice(infoCenter ? 2 : 1);
  const [module, level, digest] = groups as [string, string, string];
  const body = message.slice(m.index + m[0].length);
  const key = `${module}/${digest}`;
  // `-Line=vty0-IPAddr=10.1.1.1-User=admin;`: the dash before each key separates the pairs.
  const pairs = keyValues(body.replace(/-(?=[A-Za-z]{1,32}=)/g, ', '), USER_AND_ADDRESS_KEYS);
  const time = infoCenter ? readBsdTimestamp(infoCenter[1] as string, receivedAtMs) : null;
  return {
    format: 'h3c-comware',
    messageId: `${module}/${level}/${digest}`,
    level: Number(level),
    category: KNOWN.get(key) ?? (BY_WORDS.has(key) ? categoryFromWords(body) : categorize(key, body)),
    user: firstOf(pairs, USER_KEYS) ?? userInSentence(body),
    sourceAddress: addressIn(firstOf(pairs, ADDRESS_KEYS)) ?? firstIpv4(body),
    timeMs: time ? time.timeMs : null,
  };
};

/**
 * Anything else (Linux servers' sshd and sudo, appliances without a vendor parser): the category from
 * the words, the user and address from the common sentence shapes (`Failed password for invalid user
 * x from 1.2.3.4 port 22`, `Accepted publickey for x from …`, `sudo: x : … COMMAND=…`) or `Key=Value`.
 */
import type { SecurityCategory } from '../../domain';
import { categoryFromWords } from './category';
import {
  ADDRESS_KEYS,
  addressIn,
  firstIpv4,
  firstOf,
  keyValues,
  USER_AND_ADDRESS_KEYS,
  USER_KEYS,
} from './fields';

const USER =
  /\b(?:for (?:invalid |illegal )?user |for |user[= ]|sudo: {1,4}|by )([A-Za-z0-9_][\w.@-]{0,63})/i;

export interface GenericReading {
  category: SecurityCategory;
  user: string | null;
  sourceAddress: string | null;
}

/** `Key=Value` pairs first (a vendor body whose tag a relay cut off still has them), then sentences. */
export function readGeneric(message: string): GenericReading {
  const pairs = keyValues(message, USER_AND_ADDRESS_KEYS);
  return {
    category: categoryFromWords(message),
    user: firstOf(pairs, USER_KEYS) ?? USER.exec(message)?.[1] ?? null,
    sourceAddress: addressIn(firstOf(pairs, ADDRESS_KEYS)) ?? firstIpv4(message),
  };
}

/**
 * Reading who and from where out of message bodies: `Key=Value` lists (Huawei, H3C; key-values.ts), IPv4
 * addresses and quoted user names. Device lines are untrusted input, so every pattern here is bounded
 * and free of nested quantifiers: its cost stays linear in the line's length.
 */
const IPV4 = /(?<!\d|\d\.)((?:25[0-5]|2[0-4]\d|1?\d?\d)(?:\.(?:25[0-5]|2[0-4]\d|1?\d?\d)){3})(?!\.?\d)/;
const IPV4_ONLY = new RegExp(`^${IPV4.source}$`);

import { selectKeys } from './key-values';

export { keyValues } from './key-values';

/** The first of `keys` with a meaningful value (not empty, `**` or `-`). */
export function firstOf(pairs: Map<string, string>, keys: readonly string[]): string | null {
  for (const key of keys) {
    const value = pairs.get(key);
    if (value && value !== '**' && value !== '-' && value !== '_system_') return value;
  }
  return null;
}

export function firstIpv4(text: string): string | null {
  return IPV4.exec(text)?.[1] ?? null;
}

export function isIpv4(text: string): boolean {
  return IPV4_ONLY.test(text);
}

/** An address value that may carry a port or a zone (`outside:1.2.3.4/5555`, `1.2.3.4(22)`). */
export function addressIn(value: string | null): string | null {
  return value === null ? null : firstIpv4(value);
}

// Huawei's configuration-change logs name the operator `TerUser` (terminal user).
export const USER_KEYS = ['user', 'username', 'user-name', 'user_name', 'usr', 'login', 'teruser'] as const;
export const ADDRESS_KEYS = [
  'ip',
  'ipaddress',
  'ipaddr',
  'useraddress',
  'source',
  'source-ip',
  'srcip',
  'sourceip',
  'src-ip',
  'src',
  'srcipaddr',
  'srcaddr',
  'clientip',
] as const;

/** The pairs a reading of who and from where needs: the rest of a body's pairs are not copied. */
export const USER_AND_ADDRESS_KEYS = selectKeys([...USER_KEYS, ...ADDRESS_KEYS]);

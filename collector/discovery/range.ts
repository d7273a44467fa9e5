/** IPv4 ranges to sweep (CIDR), as 32-bit integers: parsed once at the edge, iterated lazily. */

export interface AddressRange {
  cidr: string;
  /** First host address (the network address is skipped for prefixes up to /30). */
  first: number;
  /** Host addresses in the range. */
  count: number;
}

/** The most addresses one discovery sweeps: a /12 (a province's /16s fit many times over). */
export const MAX_ADDRESSES = 1 << 20;

export function ipToInt(address: string): number | null {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(address.trim());
  if (!match) return null;
  const octets = match.slice(1).map(Number);
  if (octets.some((o) => o > 255)) return null;
  return (
    (((octets[0] as number) << 24) |
      ((octets[1] as number) << 16) |
      ((octets[2] as number) << 8) |
      (octets[3] as number)) >>>
    0
  );
}

export function intToIp(value: number): string {
  return `${value >>> 24}.${(value >>> 16) & 0xff}.${(value >>> 8) & 0xff}.${value & 0xff}`;
}

/** `10.41.0.0/16` (or a single address) → its host addresses; a message naming the problem otherwise. */
export function parseRange(text: string): { ok: true; range: AddressRange } | { ok: false; message: string } {
  const [base = '', prefixText] = text.trim().split('/');
  const address = ipToInt(base);
  if (address === null)
    return { ok: false, message: `"${text}" is not an IPv4 address or CIDR (e.g. 10.41.0.0/16)` };
  const prefix = prefixText === undefined ? 32 : Number(prefixText);
  if (!Number.isInteger(prefix) || prefix < 8 || prefix > 32)
    return { ok: false, message: `"${text}": the prefix must be /8 to /32` };
  const size = 2 ** (32 - prefix);
  const network = prefix === 32 ? address : (address & ~(size - 1)) >>> 0;
  if (network !== address)
    return { ok: false, message: `"${text}" has host bits set: did you mean ${intToIp(network)}/${prefix}?` };
  // /31 and /32 have no network or broadcast address to skip (RFC 3021).
  const hostsOnly = prefix <= 30;
  const range = {
    cidr: `${intToIp(network)}/${prefix}`,
    first: hostsOnly ? network + 1 : network,
    count: hostsOnly ? size - 2 : size,
  };
  if (range.count > MAX_ADDRESSES)
    return {
      ok: false,
      message: `"${text}" holds ${range.count} addresses; at most ${MAX_ADDRESSES} (a /12) per discovery`,
    };
  return { ok: true, range };
}

export function* addressesOf(ranges: readonly AddressRange[]): Generator<string> {
  const seen = new Set<number>();
  for (const range of ranges)
    for (let i = 0; i < range.count; i++) {
      const value = range.first + i;
      if (ranges.length > 1) {
        if (seen.has(value)) continue;
        seen.add(value);
      }
      yield intToIp(value);
    }
}

export function inRanges(address: string, ranges: readonly AddressRange[]): boolean {
  const value = ipToInt(address);
  if (value === null) return false;
  return ranges.some((r) => value >= r.first && value < r.first + r.count);
}

export function totalAddresses(ranges: readonly AddressRange[]): number {
  return ranges.reduce((sum, r) => sum + r.count, 0);
}

import { BlockList, isIP } from 'node:net';

/** CIDR lists for security rules (management subnets): parsed once, checked per event in O(prefixes). */

export interface Cidr {
  address: string;
  prefix: number;
  family: 'ipv4' | 'ipv6';
}

/** "10.0.0.0/8" or "fd00::/8" → its parts; null when it is not an address with a prefix in range. */
export function parseCidr(text: string): Cidr | null {
  const slash = text.indexOf('/');
  if (slash < 0) return null;
  const address = text.slice(0, slash);
  const prefixText = text.slice(slash + 1);
  const version = isIP(address);
  if (version === 0 || !/^\d{1,3}$/.test(prefixText)) return null;
  const prefix = Number(prefixText);
  if (prefix > (version === 4 ? 32 : 128)) return null;
  return { address, prefix, family: version === 4 ? 'ipv4' : 'ipv6' };
}

export type AddressVerdict = 'inside' | 'outside' | 'not-an-address';

/** A set of subnets; an IPv4-mapped IPv6 address (::ffff:10.1.2.3) counts as its IPv4 address. */
export class SubnetSet {
  private readonly blocks = new BlockList();

  constructor(cidrs: readonly string[]) {
    for (const text of cidrs) {
      const cidr = parseCidr(text);
      if (cidr === null) throw new Error(`not a CIDR: ${text}`);
      this.blocks.addSubnet(cidr.address, cidr.prefix, cidr.family);
    }
  }

  classify(address: string): AddressVerdict {
    const version = isIP(address);
    if (version === 0) return 'not-an-address';
    return this.blocks.check(address, version === 4 ? 'ipv4' : 'ipv6') ? 'inside' : 'outside';
  }
}

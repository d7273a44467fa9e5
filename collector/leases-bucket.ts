import type { Zone } from '../domain';

/**
 * The key-value bucket where the collectors of one network (and zone, when confined) keep their
 * leases: collectors confined to different zones never divide each other's nodes.
 */
export function leasesBucket(networkId: string, zone: Zone | undefined): string {
  const safe = (text: string) => text.replace(/[^A-Za-z0-9_-]/g, '_');
  return `egov-collectors-${safe(networkId)}${zone === undefined ? '' : `-${safe(zone)}`}`;
}

/** A collector id usable as a key: letters, digits, _ and -. */
export const memberIdOf = (text: string) => text.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 64);

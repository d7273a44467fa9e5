import type { SnmpV3Credentials } from './credentials';

/**
 * Where one node's SNMP agent answers when it is not at the node's management address — the
 * simulator's manifest (`egov-noc simulate --manifest FILE`) lists one per simulated agent, and the
 * collector (`--manifest`) polls and hears traps from them there. The file holds the agents'
 * communities and SNMPv3 keys, so it is readable by its owner only (0600).
 */
export interface AgentEndpoint {
  /** The inventory node id. */
  id: string;
  host: string;
  port: number;
  /** v1/v2c community, when the node's credentials are community-based. */
  community?: string;
  v3?: Omit<SnmpV3Credentials, 'name' | 'version'> & {
    /** The agent's snmpEngineID in hex: its traps are signed by this engine (receivers localize keys with it). */
    engineId?: string;
  };
}

/**
 * The loopback address standing in for a management address 10.a.b.c: 127.a.b.c. Linux routes all of
 * 127.0.0.0/8 to `lo`, so a simulated agent can bind there without setup and a discovery sweep of
 * 10.41.0.0/16 reaches it at 127.41.0.0/16 (`simulate --addresses loopback`, `discover --address-map
 * loopback`). Null for any address outside 10.0.0.0/8.
 */
export function loopbackAddressOf(address: string): string | null {
  const match = /^10\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(address);
  if (!match || match.slice(1).some((octet) => Number(octet) > 255)) return null;
  return `127.${match[1]}.${match[2]}.${match[3]}`;
}

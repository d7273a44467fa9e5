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

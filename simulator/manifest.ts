/**
 * The simulator's manifest: one entry per simulated agent, so any SNMP tool (and the collector's
 * --manifest flag) can poll it. Written as a JSON array by `egov-noc simulate --manifest FILE`, readable by
 * its owner only (0600): it holds the agents' communities and SNMPv3 keys. The control endpoint's GET
 * /manifest never serves those.
 */
export interface ManifestEntry {
  /** The inventory node id. */
  id: string;
  host: string;
  port: number;
  /** v1/v2c community, when the node's credentials are community-based. */
  community?: string;
  v3?: {
    user: string;
    level: 'authNoPriv' | 'authPriv';
    authProtocol: 'sha' | 'sha256' | 'sha512';
    authKey: string;
    /** The agent's snmpEngineID in hex: its traps are signed by this engine (receivers localize keys with it). */
    engineId?: string;
    privProtocol?: 'aes' | 'aes256b' | 'aes256r';
    privKey?: string;
  };
}

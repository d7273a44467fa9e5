/** SNMP credentials as the inventory names them; one shape for the inventory, collector and simulator. */

export const SNMP_AUTH_PROTOCOLS = ['sha', 'sha256', 'sha512'] as const;
export type SnmpAuthProtocol = (typeof SNMP_AUTH_PROTOCOLS)[number];

export const SNMP_PRIV_PROTOCOLS = ['aes', 'aes256b', 'aes256r'] as const;
export type SnmpPrivProtocol = (typeof SNMP_PRIV_PROTOCOLS)[number];

export const SNMP_V3_LEVELS = ['authNoPriv', 'authPriv'] as const;
export type SnmpV3Level = (typeof SNMP_V3_LEVELS)[number];

export interface SnmpCommunityCredentials {
  name: string;
  version: '1' | '2c';
  community: string;
}

export interface SnmpV3Credentials {
  name: string;
  version: '3';
  user: string;
  level: SnmpV3Level;
  authProtocol: SnmpAuthProtocol;
  authKey: string;
  privProtocol?: SnmpPrivProtocol;
  privKey?: string;
}

export type SnmpCredentials = SnmpCommunityCredentials | SnmpV3Credentials;

/**
 * The slice of the `net-snmp` package (3.29, no bundled types) the collector uses, typed at this one
 * edge. Everything else in collector/ sees only these shapes.
 */
import { createRequire } from 'node:module';
import type { EventEmitter } from 'node:events';
import type { RemoteInfo } from 'node:dgram';

export interface RawVarbind {
  oid: string;
  type: number;
  value: unknown;
}

export type ResponseCallback<T> = (error: Error | null, result: T) => void;

export interface RawSession extends EventEmitter {
  get(oids: string[], cb: ResponseCallback<RawVarbind[]>): RawSession;
  getBulk(
    oids: string[],
    nonRepeaters: number,
    maxRepetitions: number,
    cb: ResponseCallback<Array<RawVarbind | RawVarbind[]>>,
  ): RawSession;
  close(): RawSession;
}

export interface SessionOptions {
  port: number;
  version: number;
  retries: number;
  timeout: number;
  backoff: number;
  transport: 'udp4' | 'udp6';
  idBitsSize?: 16 | 32;
}

export interface V3User {
  name: string;
  level: number;
  authProtocol?: number;
  authKey?: string;
  privProtocol?: number;
  privKey?: string;
}

export interface TrapPdu {
  type: number;
  id?: number;
  varbinds: RawVarbind[];
  /** v1 Trap PDU only. */
  enterprise?: string;
  agentAddr?: string;
  generic?: number;
  specific?: number;
  upTime?: number;
  community?: string;
  user?: string;
}

export interface RawReceiver {
  getAuthorizer(): {
    addCommunity(community: string): void;
    addUser(user: V3User): void;
  };
  close(cb?: () => void): void;
}

export interface ReceiverOptions {
  port: number;
  address?: string;
  transport: 'udp4' | 'udp6';
  disableAuthorization: boolean;
  includeAuthentication: boolean;
  engineID?: string;
}

export interface NetSnmp {
  createSession(target: string, community: string, options: SessionOptions): RawSession;
  createV3Session(target: string, user: V3User, options: SessionOptions): RawSession;
  createReceiver(
    options: ReceiverOptions,
    cb: (error: Error | null, data: { pdu: TrapPdu; rinfo: RemoteInfo } | undefined) => void,
  ): RawReceiver;
  isVarbindError(varbind: RawVarbind): boolean;
  Version1: number;
  Version2c: number;
  Version3: number;
  ObjectType: Record<string, number>;
  PduType: Record<string, number>;
  SecurityLevel: { noAuthNoPriv: number; authNoPriv: number; authPriv: number };
  AuthProtocols: Record<'sha' | 'sha256' | 'sha512' | 'md5' | 'none', number>;
  PrivProtocols: Record<'aes' | 'aes256b' | 'aes256r' | 'des' | 'none', number>;
  ResponseInvalidCode: Record<string, number>;
  ErrorStatus: Record<string, number>;
}

export const snmp = createRequire(import.meta.url)('net-snmp') as NetSnmp;

/** ASN.1 / SMI type tags of varbind values (net-snmp's ObjectType). */
export const ObjectType = {
  Integer: 2,
  OctetString: 4,
  Null: 5,
  OID: 6,
  IpAddress: 64,
  Counter32: 65,
  Gauge32: 66,
  TimeTicks: 67,
  Opaque: 68,
  Counter64: 70,
  NoSuchObject: 128,
  NoSuchInstance: 129,
  EndOfMibView: 130,
} as const;

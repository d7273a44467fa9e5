/**
 * What a device that answered the sweep is: its system group, its chassis (ENTITY-MIB), its ports'
 * names and speeds, and its LLDP neighbours with their management addresses. Read with the collector's
 * own SNMP sessions (v1/v2c/v3), with the credentials the sweep found working. Every request takes a
 * token from the bucket.
 */
import type { SnmpCredentials } from '../../domain';
import { ENTITY_COLUMN_OIDS, parseEntityTable } from '../profiles/entity';
import { matchProfile } from '../profiles';
import {
  openSession,
  toNumber,
  toText,
  type Column,
  type SessionTiming,
  type SnmpSession,
} from '../snmp/session';
import type { SweepHit } from './sweep';
import type { TokenBucket } from './token-bucket';

const SYSTEM = '1.3.6.1.2.1.1';
const SYSTEM_OIDS = [1, 2, 5, 6, 7].map((n) => `${SYSTEM}.${n}.0`);
const IF_NAME = '1.3.6.1.2.1.31.1.1.1.1';
const IF_HIGH_SPEED = '1.3.6.1.2.1.31.1.1.1.15';
const LLDP_LOC_PORT_ID = '1.0.8802.1.1.2.1.3.7.1.3';
const LLDP_REM = '1.0.8802.1.1.2.1.4.1.1';
const LLDP_REM_PORT_ID = `${LLDP_REM}.7`;
const LLDP_REM_SYS_NAME = `${LLDP_REM}.9`;
const LLDP_REM_MAN_ADDR_IF_SUBTYPE = '1.0.8802.1.1.2.1.4.2.1.3';
const MAX_REPETITIONS = 25;

export interface Neighbour {
  localPort: string;
  remoteSysName: string;
  remotePort: string;
  /** The neighbour's management address (IPv4) from lldpRemManAddrTable, when it advertises one. */
  remoteAddress: string | null;
}

export interface FoundDevice {
  address: string;
  /** The credentials' name (never the secret). */
  credentials: string;
  sysName: string;
  sysDescr: string;
  sysObjectId: string;
  sysLocation: string;
  sysServices: number | null;
  profileId: string;
  /** The profile's vendor ("net-snmp" and "unknown" say only what software answered). */
  profileVendor: string;
  /** entPhysicalModelName of the chassis, when the device has ENTITY-MIB. */
  model: string | null;
  /** ifName → ifHighSpeed (Mbit/s). */
  ports: Map<string, number>;
  neighbours: Neighbour[];
}

export type IdentifyOutcome = { ok: true; device: FoundDevice } | { ok: false; reason: string };

export interface IdentifyOptions {
  credentials: readonly SnmpCredentials[];
  sendAddressOf: (address: string) => string;
  port: number;
  timing: SessionTiming;
  bucket: TokenBucket;
  signal?: AbortSignal;
}

/**
 * The credentials to try on a device: the communities that answered the sweep, else the v3 users
 * when its engine answered. v3 is not tried on a device a community already reads: each v3 attempt
 * costs a password-to-key derivation (a megabyte of hashing) per device, and most v2c agents also
 * answer an engine discovery, so a /16 of v2c devices would spend minutes failing v3 logins.
 */
function candidates(hit: SweepHit, credentials: readonly SnmpCredentials[]): SnmpCredentials[] {
  const communities = credentials.filter((c) => c.version !== '3' && hit.communities.includes(c.name));
  if (communities.length > 0) return communities;
  return hit.engineId ? credentials.filter((c) => c.version === '3') : [];
}

export async function identify(hit: SweepHit, options: IdentifyOptions): Promise<IdentifyOutcome> {
  const target = { host: options.sendAddressOf(hit.address), port: options.port };
  let lastReason = 'no credentials answered';
  for (const credentials of candidates(hit, options.credentials)) {
    if (options.signal?.aborted) return { ok: false, reason: 'stopped' };
    const session = openSession(target, credentials, options.timing);
    try {
      await options.bucket.take(1, options.signal);
      const system = await session.get(SYSTEM_OIDS);
      if (!system.ok) {
        lastReason = `${credentials.name}: ${system.error.message}`;
        continue;
      }
      return {
        ok: true,
        device: await readDevice(hit.address, credentials.name, system.value, session, options),
      };
    } finally {
      session.close();
    }
  }
  return { ok: false, reason: lastReason };
}

async function walk(session: SnmpSession, columns: string[], options: IdentifyOptions): Promise<Column[]> {
  await options.bucket.take(1, options.signal);
  const walked = await session.walkColumns(columns, MAX_REPETITIONS);
  // a walk is several requests: the ones beyond the first are paid afterwards (the bucket's debt)
  if (walked.ok && walked.value.requests > 1)
    await options.bucket.take(walked.value.requests - 1, options.signal);
  return walked.ok ? walked.value.columns : columns.map((): Column => new Map());
}

async function readDevice(
  address: string,
  credentials: string,
  system: Array<{ oid: string; type: number; value: unknown } | null>,
  session: SnmpSession,
  options: IdentifyOptions,
): Promise<FoundDevice> {
  const [descr, objectId, name, location, services] = system;
  const sysObjectId = objectId ? String(objectId.value).replace(/^\./, '') : '';
  const sysDescr = toText(descr) ?? '';
  const profile = matchProfile(sysObjectId, sysDescr);
  const entity = profile.entityMib
    ? parseEntityTable(await walk(session, [...ENTITY_COLUMN_OIDS], options))
    : null;
  const [ifNames, speeds] = await walk(session, [IF_NAME, IF_HIGH_SPEED], options);
  const [locPorts, remPorts, remNames, manAddrs] = await walk(
    session,
    [LLDP_LOC_PORT_ID, LLDP_REM_PORT_ID, LLDP_REM_SYS_NAME, LLDP_REM_MAN_ADDR_IF_SUBTYPE],
    options,
  );
  const ports = new Map<string, number>();
  for (const [index, vb] of ifNames ?? []) {
    const ifName = toText(vb);
    if (ifName) ports.set(ifName, toNumber(speeds?.get(index)) ?? 0);
  }
  const addressOf = remoteAddresses(manAddrs ?? (new Map() as Column));
  const neighbours: Neighbour[] = [];
  for (const [suffix, vb] of remNames ?? []) {
    const parts = suffix.split('.');
    const localPort = parts[1] ?? '';
    neighbours.push({
      localPort: toText(locPorts?.get(localPort)) ?? ifNameAt(ifNames, localPort) ?? `port${localPort}`,
      remoteSysName: toText(vb) ?? '',
      remotePort: toText(remPorts?.get(suffix)) ?? '',
      remoteAddress: addressOf.get(suffix) ?? null,
    });
  }
  return {
    address,
    credentials,
    sysName: toText(name) ?? '',
    sysDescr,
    sysObjectId,
    sysLocation: toText(location) ?? '',
    sysServices: toNumber(services),
    profileId: profile.id,
    profileVendor: profile.vendor,
    model: entity?.chassis?.model || null,
    ports,
    neighbours,
  };
}

function ifNameAt(ifNames: Column | undefined, ifIndex: string): string | null {
  return toText(ifNames?.get(ifIndex));
}

/** lldpRemManAddrTable index: TimeMark.LocalPort.RemIndex.subtype.length.octets → IPv4 by the neighbour's row. */
function remoteAddresses(column: Column): Map<string, string> {
  const out = new Map<string, string>();
  for (const suffix of column.keys()) {
    const parts = suffix.split('.').map(Number);
    const [timeMark, localPort, remIndex, subtype, length] = parts;
    if (subtype !== 1 || length !== 4 || parts.length !== 9) continue;
    const row = `${timeMark}.${localPort}.${remIndex}`;
    if (!out.has(row)) out.set(row, parts.slice(5).join('.'));
  }
  return out;
}

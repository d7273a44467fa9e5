/**
 * One SNMP session per node (one UDP socket): v1, v2c or v3 (authNoPriv/authPriv, SHA/SHA-256/512,
 * AES-128/AES-256). Failures are values ({ ok: false }) an operator can read, never exceptions:
 * a timeout, failed authentication, an agent error, or a garbled answer.
 */
import type { SnmpCredentials } from '../../domain';
import {
  ObjectType,
  snmp,
  type RawSession,
  type RawVarbind,
  type SessionOptions,
  type V3User,
} from './net-snmp';

export type SnmpFailureKind = 'timeout' | 'auth' | 'agent' | 'garbled' | 'socket';

export interface SnmpFailure {
  kind: SnmpFailureKind;
  /** Safe to log: never holds a community or a key. */
  message: string;
}

export type SnmpResult<T> = { ok: true; value: T } | { ok: false; error: SnmpFailure };

export interface SnmpTarget {
  host: string;
  port: number;
}

export interface SessionTiming {
  /** Per-request timeout before the first retry. */
  timeoutMs: number;
  retries: number;
  /** Each retry waits this many times longer than the one before (>= 1). */
  backoff: number;
}

export const DEFAULT_TIMING: SessionTiming = { timeoutMs: 2000, retries: 1, backoff: 1.5 };

export type Varbind = RawVarbind;

/** Rows of one table column: index suffix (after the column OID) → varbind, in agent order. */
export type Column = Map<string, Varbind>;

export interface BulkWalkResult {
  /** Values of the non-repeater OIDs, by the OID asked for (GETNEXT semantics: ask for `sysUpTime`, get `sysUpTime.0`). */
  scalars: Array<Varbind | null>;
  columns: Column[];
  requests: number;
}

export interface SnmpSession {
  readonly target: SnmpTarget;
  get(oids: string[]): Promise<SnmpResult<Array<Varbind | null>>>;
  /**
   * Walk whole table columns with GETBULK (GETNEXT for v1), several columns per request, until each
   * leaves its subtree or hits endOfMibView. Partial tables are fine: each column stops on its own.
   * `scalars` are fetched once, as non-repeaters of the first request.
   */
  walkColumns(
    columns: string[],
    maxRepetitions: number,
    scalars?: string[],
  ): Promise<SnmpResult<BulkWalkResult>>;
  /** Answers that could not be decoded since the session opened. */
  readonly garbledCount: number;
  close(): void;
}

function versionOf(credentials: SnmpCredentials): number {
  switch (credentials.version) {
    case '1':
      return snmp.Version1;
    case '2c':
      return snmp.Version2c;
    case '3':
      return snmp.Version3;
  }
}

/** Our credential names → net-snmp's constants. */
export function toV3User(credentials: Extract<SnmpCredentials, { version: '3' }>): V3User {
  const user: V3User = {
    name: credentials.user,
    level: snmp.SecurityLevel[credentials.level],
    authProtocol: snmp.AuthProtocols[credentials.authProtocol],
    authKey: credentials.authKey,
  };
  if (credentials.level === 'authPriv') {
    if (credentials.privProtocol === undefined || credentials.privKey === undefined)
      throw new Error(`credentials "${credentials.name}": authPriv needs privProtocol and privKey`);
    user.privProtocol = snmp.PrivProtocols[credentials.privProtocol];
    user.privKey = credentials.privKey;
  }
  return user;
}

const TOO_BIG = 1;
const NO_SUCH_NAME = 2;

function classify(error: Error): SnmpFailure & { tooBig?: boolean } {
  const detail = error as Error & { code?: number; status?: number };
  switch (error.name) {
    case 'RequestTimedOutError':
      return { kind: 'timeout', message: 'no answer (timeout)' };
    case 'ResponseInvalidError': {
      const codes = snmp.ResponseInvalidCode;
      if (detail.code === codes.EAuthFailure || detail.code === codes.ECouldNotDecrypt)
        // net-snmp's message may carry digests and its error object the user (with keys): say it plainly.
        return { kind: 'auth', message: `authentication failed: ${authReason(error.message)}` };
      if (detail.code === codes.ECommunityNoMatch)
        return { kind: 'auth', message: 'community mismatch in answer' };
      return { kind: 'garbled', message: `invalid answer: ${error.message}` };
    }
    case 'RequestFailedError':
      return { kind: 'agent', message: `agent error: ${error.message}`, tooBig: detail.status === TOO_BIG };
    default:
      return { kind: 'socket', message: error.message };
  }
}

function authReason(message: string): string {
  if (message.startsWith('Authentication digest')) return 'wrong authentication key (digest mismatch)';
  if (/unknown user name/i.test(message)) return 'unknown user name';
  if (/wrong digest/i.test(message)) return 'wrong authentication key';
  if (/decrypt/i.test(message)) return 'wrong privacy key (cannot decrypt)';
  if (/security level/i.test(message)) return 'unsupported security level';
  if (/time window/i.test(message)) return 'not in time window';
  return 'rejected by agent';
}

export function isVarbindError(varbind: Varbind): boolean {
  return (
    varbind.type === ObjectType.NoSuchObject ||
    varbind.type === ObjectType.NoSuchInstance ||
    varbind.type === ObjectType.EndOfMibView
  );
}

/** Numeric OID order (1.3.6.1.10 after 1.3.6.1.9); scans the strings without allocating (hot path). */
export function compareOids(a: string, b: string): number {
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    let x = 0;
    let y = 0;
    let c: number;
    while (i < a.length && (c = a.charCodeAt(i)) !== 46) {
      x = x * 10 + (c - 48);
      i++;
    }
    while (j < b.length && (c = b.charCodeAt(j)) !== 46) {
      y = y * 10 + (c - 48);
      j++;
    }
    if (x !== y) return x - y;
    i++;
    j++;
  }
  return (i < a.length ? 1 : 0) - (j < b.length ? 1 : 0);
}

export function openSession(
  target: SnmpTarget,
  credentials: SnmpCredentials,
  timing: SessionTiming = DEFAULT_TIMING,
  onGarbled?: (message: string) => void,
): SnmpSession {
  const options: SessionOptions = {
    port: target.port,
    version: versionOf(credentials),
    retries: timing.retries,
    timeout: timing.timeoutMs,
    backoff: Math.max(1, timing.backoff),
    transport: target.host.includes(':') ? 'udp6' : 'udp4',
  };
  const raw =
    credentials.version === '3'
      ? snmp.createV3Session(target.host, toV3User(credentials), options)
      : snmp.createSession(target.host, credentials.community, options);
  return new NetSnmpSession(target, raw, credentials.version === '1', onGarbled);
}

class NetSnmpSession implements SnmpSession {
  garbledCount = 0;
  private closed = false;

  constructor(
    readonly target: SnmpTarget,
    private readonly raw: RawSession,
    private readonly v1: boolean,
    onGarbled?: (message: string) => void,
  ) {
    // A datagram net-snmp cannot decode is emitted as 'error'; unhandled, it would crash the process.
    raw.on('error', (error: unknown) => {
      this.garbledCount++;
      onGarbled?.(error instanceof Error ? error.message : String(error));
    });
  }

  get(oids: string[]): Promise<SnmpResult<Array<Varbind | null>>> {
    return new Promise((resolve) => {
      if (this.closed) return resolve({ ok: false, error: { kind: 'socket', message: 'session closed' } });
      this.raw.get(oids, (error, varbinds) => {
        if (error) return resolve({ ok: false, error: classify(error) });
        resolve({ ok: true, value: varbinds.map((vb) => (isVarbindError(vb) ? null : vb)) });
      });
    });
  }

  private bulk(oids: string[], nonRepeaters: number, maxRepetitions: number) {
    return new Promise<SnmpResult<Array<Varbind | Varbind[]>> & { tooBig?: boolean }>((resolve) => {
      if (this.closed) return resolve({ ok: false, error: { kind: 'socket', message: 'session closed' } });
      const done = (error: Error | null, varbinds: Array<Varbind | Varbind[]>) => {
        if (error) {
          const failure = classify(error);
          return resolve({
            ok: false,
            error: { kind: failure.kind, message: failure.message },
            tooBig: failure.tooBig,
          });
        }
        resolve({ ok: true, value: varbinds });
      };
      if (this.v1) {
        // SNMPv1 has no GETBULK: one GETNEXT is a bulk of one repetition.
        const getNext = (this.raw as unknown as { getNext: RawSession['get'] }).getNext.bind(this.raw);
        getNext(oids, (error, varbinds) => {
          // v1 says "end of the MIB" with a noSuchName error for the whole PDU: every column is done.
          if (
            error &&
            error.name === 'RequestFailedError' &&
            (error as Error & { status?: number }).status === NO_SUCH_NAME
          )
            return done(
              null,
              oids.map((_, i) =>
                i < nonRepeaters ? { oid: '', type: ObjectType.EndOfMibView, value: null } : [],
              ),
            );
          done(error, error ? [] : varbinds.map((vb, i) => (i < nonRepeaters ? vb : [vb])));
        });
      } else this.raw.getBulk(oids, nonRepeaters, maxRepetitions, done);
    });
  }

  async walkColumns(
    columns: string[],
    maxRepetitions: number,
    scalars: string[] = [],
  ): Promise<SnmpResult<BulkWalkResult>> {
    const result: BulkWalkResult = {
      scalars: scalars.map(() => null),
      columns: columns.map(() => new Map<string, Varbind>()),
      requests: 0,
    };
    let pending = columns.map((base, index) => ({ base, prefix: `${base}.`, last: base, index }));
    let repetitions = Math.max(1, Math.floor(maxRepetitions));
    let first = scalars.length > 0;
    // Bounded: a table of 100k rows at one repetition per request is far beyond any device.
    for (let round = 0; round < 10_000 && (pending.length > 0 || first); round++) {
      const oids = [...(first ? scalars : []), ...pending.map((p) => p.last)];
      const nonRepeaters = first ? scalars.length : 0;
      const answer = await this.bulk(oids, nonRepeaters, repetitions);
      result.requests++;
      if (!answer.ok) {
        if (answer.tooBig === true && repetitions > 1) {
          repetitions = Math.max(1, Math.floor(repetitions / 2));
          continue;
        }
        return answer;
      }
      const rows = answer.value;
      if (first) {
        for (let i = 0; i < nonRepeaters; i++) {
          const vb = rows[i];
          if (vb !== undefined && !Array.isArray(vb) && !isVarbindError(vb)) result.scalars[i] = vb;
        }
        first = false;
      }
      let progressed = false;
      const still: typeof pending = [];
      pending.forEach((column, j) => {
        const got = rows[nonRepeaters + j];
        if (got === undefined) {
          // The agent trimmed its answer before reaching this column: ask again next round.
          still.push(column);
          return;
        }
        const list = Array.isArray(got) ? got : [got];
        let finished = list.length === 0;
        for (const vb of list) {
          if (
            isVarbindError(vb) ||
            !vb.oid.startsWith(column.prefix) ||
            compareOids(vb.oid, column.last) <= 0
          ) {
            finished = true;
            break;
          }
          result.columns[column.index]?.set(vb.oid.slice(column.prefix.length), vb);
          column.last = vb.oid;
          progressed = true;
        }
        if (!finished) still.push(column);
      });
      pending = still;
      if (!progressed && pending.length > 0) {
        return { ok: false, error: { kind: 'garbled', message: 'agent answers GETBULK without progress' } };
      }
    }
    return { ok: true, value: result };
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      this.raw.close();
    } catch {
      // Closing an already-closed socket: nothing left to release.
    }
  }
}

/** Counter64 arrives as a variable-length big-endian Buffer; Counter32/Gauge/TimeTicks as numbers. */
export function toBigInt(varbind: Varbind | null | undefined): bigint | null {
  if (!varbind) return null;
  const { value } = varbind;
  if (typeof value === 'number') return Number.isFinite(value) ? BigInt(Math.trunc(value)) : null;
  if (typeof value === 'bigint') return value;
  if (Buffer.isBuffer(value)) {
    if (value.length === 0 || value.length > 9) return null;
    let n = 0n;
    for (const byte of value) n = (n << 8n) | BigInt(byte);
    return n;
  }
  return null;
}

export function toNumber(varbind: Varbind | null | undefined): number | null {
  if (!varbind) return null;
  const { value } = varbind;
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  const big = toBigInt(varbind);
  if (big !== null) return Number(big);
  if (Buffer.isBuffer(value) || typeof value === 'string') {
    // Some agents (and DISMAN/NQA tables on some firmware) render numbers as DisplayString.
    const n = Number(String(value).trim());
    return Number.isFinite(n) ? n : null;
  }
  return null;
}

/** OCTET STRING as text when printable, else colon-separated hex (MAC-style port ids). */
export function toText(varbind: Varbind | null | undefined): string | null {
  if (!varbind) return null;
  const { value } = varbind;
  if (Buffer.isBuffer(value)) {
    const text = value.toString('utf8');
    // eslint-disable-next-line no-control-regex
    if (!/[\u0000-\u0008\u000e-\u001f\ufffd]/.test(text)) return text;
    return [...value].map((b) => b.toString(16).padStart(2, '0')).join(':');
  }
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean')
    return String(value);
  return null;
}

/**
 * Video-conference link quality, as deployed gear measures it. One file per vendor MIB behind this
 * interface; adding a vendor is adding a file and a line in index.ts.
 */
import type { ProbeKind } from '../../../domain';
import type { SnmpResult, SnmpSession } from '../../snmp/session';

export interface VideoReading {
  /** The inventory video link id (the probe's test name or tag). */
  linkId: string;
  rttMs: number | null;
  jitterMs: number | null;
  lossPct: number | null;
  /** MOS as the device reports it; null when it gives none (the normalizer computes one). */
  mos: number | null;
}

export interface VideoPollResult {
  readings: VideoReading[];
  values: number;
  requests: number;
}

export interface VideoProbe {
  kind: ProbeKind;
  poll(session: SnmpSession, maxRepetitions: number): Promise<SnmpResult<VideoPollResult>>;
}

/** Decode an SnmpAdminString index component (length then bytes) starting at parts[at]. */
export function decodeStringIndex(parts: number[], at: number): { text: string; next: number } | null {
  const length = parts[at];
  if (length === undefined || at + 1 + length > parts.length) return null;
  const bytes = parts.slice(at + 1, at + 1 + length);
  if (bytes.some((b) => !Number.isInteger(b) || b < 0 || b > 255)) return null;
  return { text: Buffer.from(bytes).toString('utf8'), next: at + 1 + length };
}

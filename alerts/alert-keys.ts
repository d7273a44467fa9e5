import { createHash } from 'node:crypto';
import type { NodeId } from '../domain';

/** How the engine names things it keeps by key: interfaces (node|ifName) and problems (fingerprints). */

/** Evidence lines kept per alert (oldest dropped first). */
export const MAX_EVIDENCE = 20;

export const ifKey = (node: NodeId, ifName: string): string => `${node}|${ifName}`;

export function splitIfKey(key: string): [NodeId, string] {
  const at = key.indexOf('|');
  return [key.slice(0, at) as NodeId, key.slice(at + 1)];
}

export const fingerprintOf = (...parts: string[]): string =>
  createHash('sha1').update(parts.join('\u0000')).digest('hex').slice(0, 20);

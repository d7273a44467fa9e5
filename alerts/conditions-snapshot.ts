import type { NodeId } from '../domain';

/**
 * Engine state that must survive a restart, saved with every alert change in the same transaction
 * (meta key `conditions`). Each part writes and reads its own fields; the shape stays what older
 * versions stored.
 */

export interface Unreachable {
  sinceMs: number;
  reason: string;
}

export interface LinkEndDown {
  sinceMs: number;
  source: 'poll' | 'trap';
}

export interface ConditionsSnapshot {
  unreachable: Array<[NodeId, Unreachable]>;
  linkedDown: Array<[string, LinkEndDown]>;
  doubtUntil: Array<[NodeId, number]>;
  doubtSince?: Array<[NodeId, number]>;
  transitions: Array<[string, number[]]>;
  flapping: string[];
  thresholdPending: Array<[string, number]>;
  /** Nodes that have sent logs (logs-silent judges only those); absent in older snapshots. */
  logsSeen?: NodeId[];
}

/** A part of the engine whose conditions are in the snapshot. */
export interface KeepsConditions {
  saveConditions(into: ConditionsSnapshot): void;
  restoreConditions(from: ConditionsSnapshot): void;
}

export function emptySnapshot(): ConditionsSnapshot {
  return {
    unreachable: [],
    linkedDown: [],
    doubtUntil: [],
    doubtSince: [],
    transitions: [],
    flapping: [],
    thresholdPending: [],
  };
}

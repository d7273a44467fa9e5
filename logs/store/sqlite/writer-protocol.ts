/**
 * What the embedded log store's main thread asks its writer (a worker thread for a file, the same
 * thread for `memory`) and what the writer answers. Requests are numbered; answers name the number.
 */
import type { WorkerStartup } from '../../../common';

export type LogWriterRequest =
  /** Events encoded back to back (event-codec.ts), in one or more pages. */
  | { kind: 'write'; seq: number; pages: Uint8Array[] }
  | { kind: 'expire'; seq: number; cutoffMs: number }
  | { kind: 'close'; seq: number };

export type LogWriterReply =
  | { kind: 'written'; seq: number; added: number }
  | { kind: 'expired'; seq: number; deleted: number }
  | { kind: 'done'; seq: number }
  | { kind: 'failed'; seq: number; message: string; code: string };

/** The worker's first message: its connection is open, or why it is not. */
export type LogWriterStartup = WorkerStartup;

export interface LogWriterWorkerData {
  path: string;
}

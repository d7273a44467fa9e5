/**
 * What the embedded store's main thread asks its writer (a worker thread, or the same thread for an
 * in-memory database) and what the writer answers. Every request carries a sequence number; the
 * answer names it, since a prune (run in slices) may finish after batches sent later.
 */
import type { WorkerStartup } from '../../common';
import type { CatalogAdditions } from './catalog';

export type WriterRequest =
  /** Points as JSON: stringifying costs this thread a third of what a structured clone would. */
  | { kind: 'batch'; seq: number; pointsJson: string; rawCutoffMs: number }
  | { kind: 'rollup'; seq: number }
  | {
      kind: 'prune';
      seq: number;
      nowMs: number;
      rawRetentionDays: number;
      rollupRetentionDays: number;
      dailyRetentionDays: number;
    }
  | { kind: 'close'; seq: number };

export type WriterReply =
  | { kind: 'written'; seq: number; tooOld: number; added: CatalogAdditions }
  | { kind: 'pruned'; seq: number; rawRows: number; rollupRows: number; dailyRows: number }
  | { kind: 'done'; seq: number }
  | { kind: 'failed'; seq: number; message: string };

/** The worker's first message: its connection is open, or why it is not. */
export type WriterStartup = WorkerStartup;

/** What the worker thread is started with. */
export interface WriterWorkerData {
  path: string;
}

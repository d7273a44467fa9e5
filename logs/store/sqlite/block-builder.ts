/**
 * One block of the embedded store (block-schema.ts) built from its events: their encoded bytes back
 * to back (copied, not re-encoded), the ranges of event and received times, the counts the console's
 * per-county view and top sources read without decoding the block, and its full-text entry
 * (block-index.ts: the distinct words of the searchable fields and a key word per node, user and
 * source address).
 */
import { BlockWords } from './block-index';
import {
  CATEGORY,
  HOSTNAME,
  ID,
  MESSAGE_ID,
  NODE,
  RECEIVED,
  SOURCE,
  TEXT,
  TIME,
  USER,
  stringColumns,
  textOrNull,
  type EventValues,
} from './block-events';

/** A block's counts, stored as JSON: [node, category, events] and [node, source address, events]. */
export interface BlockSummary {
  c: Array<[node: string | null, category: string, count: number]>;
  s: Array<[node: string | null, sourceAddress: string, count: number]>;
}

export interface BuiltBlock {
  events: number;
  minTimeMs: number;
  maxTimeMs: number;
  minReceivedMs: number;
  maxReceivedMs: number;
  /** JSON of a BlockSummary. */
  summary: string;
  body: Buffer;
  /** The full-text entry (block-index.ts). */
  doc: string;
}

/** The string columns a block is built from (block-events.ts stringColumns): its bytes are copied as they are. */
export const BUILT_FROM = stringColumns([ID, NODE, CATEGORY, SOURCE, USER, TEXT, MESSAGE_ID, HOSTNAME]);

/** Counts by node, then by a key (category, source address). */
export type NodeCounts = Map<string | null, Map<string, number>>;

export function addCount(counts: NodeCounts, node: string | null, key: string, count = 1): void {
  let byKey = counts.get(node);
  if (byKey === undefined) counts.set(node, (byKey = new Map<string, number>()));
  byKey.set(key, (byKey.get(key) ?? 0) + count);
}

/** [node, key, count] for each entry. */
export function countRows(counts: NodeCounts): Array<[string | null, string, number]> {
  const rows: Array<[string | null, string, number]> = [];
  for (const [node, byKey] of counts) for (const [key, n] of byKey) rows.push([node, key, n]);
  return rows;
}

/** A built block's column values in `event_blocks` order, after `block`: events, the time ranges, summary, body. */
export function blockColumns(built: BuiltBlock): [number, number, number, number, number, string, Buffer] {
  return [
    built.events,
    built.minTimeMs,
    built.maxTimeMs,
    built.minReceivedMs,
    built.maxReceivedMs,
    built.summary,
    built.body,
  ];
}

export class BlockBuilder {
  /** Runs of encoded bytes: events next to each other in one buffer are copied as one run. */
  private readonly runs: Buffer[] = [];
  private runSource: Buffer | null = null;
  private runStart = 0;
  private runEnd = 0;
  private bytes = 0;
  private minTimeMs = Infinity;
  private maxTimeMs = -Infinity;
  private minReceivedMs = Infinity;
  private maxReceivedMs = -Infinity;
  private readonly words = new BlockWords();
  private readonly categories: NodeCounts = new Map();
  private readonly sources: NodeCounts = new Map();
  events = 0;

  /** Adds the event whose values these are and which `source[start, end)` holds encoded. */
  add(values: EventValues, source: Buffer, start: number, end: number): void {
    const time = values[TIME] as number;
    const received = values[RECEIVED] as number;
    if (time < this.minTimeMs) this.minTimeMs = time;
    if (time > this.maxTimeMs) this.maxTimeMs = time;
    if (received < this.minReceivedMs) this.minReceivedMs = received;
    if (received > this.maxReceivedMs) this.maxReceivedMs = received;
    const node = textOrNull(values[NODE]);
    const sourceAddress = textOrNull(values[SOURCE]);
    addCount(this.categories, node, values[CATEGORY] as string);
    if (sourceAddress !== null) addCount(this.sources, node, sourceAddress);
    this.words.add([
      values[TEXT] as string,
      textOrNull(values[MESSAGE_ID]),
      textOrNull(values[USER]),
      textOrNull(values[HOSTNAME]),
    ]);
    this.words.addNode(node);
    this.words.addWords(sourceAddress);
    this.addBytes(source, start, end);
    this.events += 1;
  }

  build(): BuiltBlock {
    this.closeRun();
    const summary: BlockSummary = { c: countRows(this.categories), s: countRows(this.sources) };
    return {
      events: this.events,
      minTimeMs: this.minTimeMs,
      maxTimeMs: this.maxTimeMs,
      minReceivedMs: this.minReceivedMs,
      maxReceivedMs: this.maxReceivedMs,
      summary: JSON.stringify(summary),
      body: Buffer.concat(this.runs, this.bytes),
      doc: this.words.doc(),
    };
  }

  private addBytes(source: Buffer, start: number, end: number): void {
    if (source !== this.runSource || start !== this.runEnd) {
      this.closeRun();
      this.runSource = source;
      this.runStart = start;
    }
    this.runEnd = end;
    this.bytes += end - start;
  }

  private closeRun(): void {
    if (this.runSource !== null && this.runEnd > this.runStart)
      this.runs.push(this.runSource.subarray(this.runStart, this.runEnd));
    this.runSource = null;
  }
}

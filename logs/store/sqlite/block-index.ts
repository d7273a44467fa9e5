/**
 * The embedded store's full-text index, one entry per block of rows (schema version 2). Block `b`
 * holds the rows whose `seq` lies in [b × BLOCK_ROWS, (b + 1) × BLOCK_ROWS); its entry is the set of
 * distinct words (runs of non-whitespace) of those rows' searchable text, case-folded, in a
 * contentless FTS5 table with the trigram tokenizer, positions kept (detail='full', so a term is
 * matched as a phrase of consecutive trigrams). A search term never holds whitespace (the query
 * is split on it), so a term found in a row lies inside one of the row's words and all its trigrams
 * are in the block's entry: the index never misses a row. Device logs repeat the same few message
 * shapes, so a block's distinct words are a fraction of its text and a trigram shared by its rows is
 * written once, not once a row. A search asks the index for the blocks holding the term and checks
 * each row of those blocks exactly (term-check.ts): the answer is a per-row index's.
 *
 * Each batch starts at a block boundary (`firstSeqOfBatch`), so a block is written by one batch and
 * its entry never changes after; retention removes an entry once no row of its block is left.
 */
import type Database from 'better-sqlite3';
import { fold } from './schema';

/** Rows per block: the index shrinks as blocks grow; a search checks up to this many rows per block found. */
export const BLOCK_ROWS = 256;

export const BLOCK_INDEX_TABLE = 'events_blocks_fts';

const BLOCK_INDEX_SCHEMA = `
CREATE VIRTUAL TABLE IF NOT EXISTS ${BLOCK_INDEX_TABLE} USING fts5(
  doc, content = '', contentless_delete = 1, tokenize = 'trigram', detail = 'full'
);`;

/** The block a row belongs to, in SQL (`seq` an integer, so `/` is integer division). */
const blockOfSql = (seq: string): string => `(${seq} / ${BLOCK_ROWS})`;

/** The FTS5 query for a (folded) term: one phrase, its trigrams in a row, nothing in it read as syntax. */
export const termPhrase = (term: string): string => `"${term.replaceAll('"', '""')}"`;

/** How many blocks hold the phrase `?` (positions kept, detail='full': the term itself, not just its trigrams somewhere). */
export const COUNT_BLOCKS_SQL = `SELECT count(*) FROM ${BLOCK_INDEX_TABLE} WHERE ${BLOCK_INDEX_TABLE} MATCH ?`;

/**
 * Rows (`seq`) of the blocks whose entry holds the phrase `?`: for a term found in few blocks, the
 * candidates the search starts from, each then checked exactly.
 */
export const BLOCK_CANDIDATES_SQL = `SELECT candidate.seq FROM ${BLOCK_INDEX_TABLE} AS block
  JOIN events AS candidate
    ON candidate.seq BETWEEN block.rowid * ${BLOCK_ROWS} AND block.rowid * ${BLOCK_ROWS} + ${BLOCK_ROWS - 1}
  WHERE ${BLOCK_INDEX_TABLE} MATCH ?`;

/**
 * True when a row's block holds the phrase `?`: for a term found in many blocks, a test on each row
 * the other conditions (time order, node …) reach, so a page of newest events stops early.
 */
export const IN_MATCHING_BLOCK_SQL = `${blockOfSql('seq')} IN (SELECT rowid FROM ${BLOCK_INDEX_TABLE} WHERE ${BLOCK_INDEX_TABLE} MATCH ?)`;

/** The first seq of a batch written after `lastSeq`: the start of the next block. */
export function firstSeqOfBatch(lastSeq: number): number {
  return (Math.floor(lastSeq / BLOCK_ROWS) + 1) * BLOCK_ROWS;
}

/** The fields a row is searched by (query.ts: message, message id, user, hostname). */
export type SearchableFields = readonly [text: string, ...extras: Array<string | null>];

/** The same split as the query's terms (query.ts). */
const WHITESPACE = /\s+/u;

/** One block's entry: the distinct folded words of its rows' searchable fields. */
export class BlockWords {
  private readonly words = new Set<string>();

  add(fields: SearchableFields): void {
    for (const field of fields) {
      if (field === null || field === '') continue;
      for (const word of fold(field).split(WHITESPACE)) if (word !== '') this.words.add(word);
    }
  }

  doc(): string {
    return [...this.words].join('\n');
  }
}

/**
 * Index entries built row by row, for rows numbered from `firstSeq` on (a block boundary): one per
 * block of BLOCK_ROWS rows, the last one possibly short.
 */
export class BlockEntries {
  private readonly entries: Array<[block: number, doc: string]> = [];
  private readonly firstBlock: number;
  private words = new BlockWords();
  private rows = 0;

  constructor(firstSeq: number) {
    this.firstBlock = firstSeq / BLOCK_ROWS;
  }

  add(fields: SearchableFields): void {
    this.words.add(fields);
    this.rows += 1;
    if (this.rows % BLOCK_ROWS === 0) this.closeBlock();
  }

  /** Every block's entry, the last one's too. */
  finish(): Array<[block: number, doc: string]> {
    if (this.rows % BLOCK_ROWS !== 0) this.closeBlock();
    return this.entries;
  }

  private closeBlock(): void {
    this.entries.push([this.firstBlock + Math.floor((this.rows - 1) / BLOCK_ROWS), this.words.doc()]);
    this.words = new BlockWords();
  }
}

/** Stored rows read per query while indexing them: bounded memory on a store of any size. */
const STORED_ROWS_PER_READ = 4_096;

interface StoredRow {
  seq: number;
  text: string;
  message_id: string | null;
  user_name: string | null;
  hostname: string | null;
}

/**
 * Indexes the blocks of every stored row with `seq >= fromSeq` (blocks that have no entry yet): after
 * a batch that skipped rows it already had, and when a version 1 store is upgraded.
 */
export function indexStoredBlocks(db: Database.Database, fromSeq: number): void {
  const read = db.prepare(
    `SELECT seq, text, message_id, user_name, hostname FROM events WHERE seq >= ? ORDER BY seq LIMIT ${STORED_ROWS_PER_READ}`,
  );
  const insert = db.prepare(`INSERT INTO ${BLOCK_INDEX_TABLE} (rowid, doc) VALUES (?, ?)`);
  let block = -1;
  let words = new BlockWords();
  const finish = () => {
    if (block >= 0) insert.run(block, words.doc());
  };
  for (let from = fromSeq; ;) {
    const rows = read.all(from) as StoredRow[];
    for (const row of rows) {
      const rowBlock = Math.floor(row.seq / BLOCK_ROWS);
      if (rowBlock !== block) {
        finish();
        block = rowBlock;
        words = new BlockWords();
      }
      words.add([row.text, row.message_id, row.user_name, row.hostname]);
    }
    if (rows.length < STORED_ROWS_PER_READ) break;
    from = (rows.at(-1) as StoredRow).seq + 1;
  }
  finish();
}

/** Retention's part: the entries of blocks with no row left once the expired rows are gone. */
export class BlockExpiry {
  private readonly blocksOfExpired: Database.Statement;
  private readonly blockHasRows: Database.Statement;
  private readonly deleteEntry: Database.Statement;

  constructor(db: Database.Database) {
    this.blocksOfExpired = db
      .prepare(`SELECT DISTINCT ${blockOfSql('seq')} FROM events WHERE received_at_ms < ?`)
      .pluck();
    this.blockHasRows = db.prepare('SELECT EXISTS (SELECT 1 FROM events WHERE seq BETWEEN ? AND ?)').pluck();
    this.deleteEntry = db.prepare(`DELETE FROM ${BLOCK_INDEX_TABLE} WHERE rowid = ?`);
  }

  /** Before the rows are deleted: the blocks they belong to. */
  blocksBefore(cutoffMs: number): number[] {
    return this.blocksOfExpired.all(cutoffMs) as number[];
  }

  /** After: drops the entry of each of those blocks that has no row left (a block partly kept keeps its entry). */
  dropEmpty(blocks: readonly number[]): void {
    for (const block of blocks) {
      const first = block * BLOCK_ROWS;
      if (this.blockHasRows.get(first, first + BLOCK_ROWS - 1) === 0) this.deleteEntry.run(block);
    }
  }
}

/** Schema step 2: the per-row index of version 1 replaced by the block index, built from the rows stored. */
export function upgradeToBlockIndex(db: Database.Database): void {
  db.exec('DROP TABLE IF EXISTS events_fts');
  db.exec(BLOCK_INDEX_SCHEMA);
  indexStoredBlocks(db, 0);
}

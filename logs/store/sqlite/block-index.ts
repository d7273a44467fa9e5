/**
 * The embedded store's full-text index, one entry per block of events (schema version 2: blocks of
 * rows by `seq`; version 3: the stored blocks themselves, block-schema.ts, the entry under the
 * block's number). An entry is the set of distinct words (runs of characters but the space) of its events'
 * searchable text, case-folded, plus each source address and a key word per node (`nodeWord`), in a
 * contentless FTS5 table with the trigram tokenizer, positions kept (detail='full', so a term is
 * matched as a phrase of consecutive trigrams). A search term never holds whitespace (the query is
 * split on it), so a term found in an event lies inside one of its words and all its trigrams are in
 * the block's entry: the index never misses an event. Device logs repeat the same few message
 * shapes, so a block's distinct words are a fraction of its text and a trigram its events share is
 * written once. A search asks the index for the blocks holding every term and checks each event of
 * those blocks exactly (event-filter.ts): the answer is a per-event index's.
 *
 * A block is written once, by one batch; retention removes its entry with its last event.
 */
import type Database from 'better-sqlite3';
import { fold } from './schema';

/**
 * Events per block (version 3): the index shrinks as blocks grow (an event of the benchmark's mix
 * adds 75 characters of words to a block of 256, 53 to one of 1,024), and a search decodes up to
 * this many events per block found.
 */
export const BLOCK_ROWS = 1024;

/** Rows per block in version 2, where a block was the rows numbered [b × 256, (b + 1) × 256). */
const VERSION_2_BLOCK_ROWS = 256;

export const BLOCK_INDEX_TABLE = 'events_blocks_fts';

/** Version 2's index, as it was created (the upgrade to version 3 replaces it). */
export const BLOCK_INDEX_SCHEMA = `
CREATE VIRTUAL TABLE IF NOT EXISTS ${BLOCK_INDEX_TABLE} USING fts5(
  doc, content = '', contentless_delete = 1, tokenize = 'trigram', detail = 'full'
);`;

/**
 * Version 3's index. Entries and queries are folded in JavaScript before they reach it (`fold`),
 * so the tokenizer does not fold again (`case_sensitive 1`): cheaper, and both sides fold alike by
 * construction rather than by SQLite's folding agreeing with JavaScript's.
 */
export const BLOCK_STORE_INDEX_SCHEMA = `
CREATE VIRTUAL TABLE IF NOT EXISTS ${BLOCK_INDEX_TABLE} USING fts5(
  doc, content = '', contentless_delete = 1, tokenize = 'trigram case_sensitive 1', detail = 'full'
);`;

/** The FTS5 query for a (folded) term: one phrase, its trigrams in a row, nothing in it read as syntax. */
export const termPhrase = (term: string): string => `"${term.replaceAll('"', '""')}"`;

/** The blocks whose entry holds the phrase `?`. */
export const BLOCKS_MATCHING_SQL = `SELECT rowid FROM ${BLOCK_INDEX_TABLE} WHERE ${BLOCK_INDEX_TABLE} MATCH ?`;

/**
 * The word a block's entry holds for each node of its events, so a filter on a node narrows to
 * blocks as a text term does (then checked exactly): a node's id is not in its events' text. The
 * control character keeps it apart from the words of device text; were it matched by a text term,
 * that would only add a block to check, never lose an event. A user is a searchable field and a
 * source address is added as a plain word (`addWords`): both narrow as text terms do
 * (`valueTerms`), and an address the text already holds costs the index nothing more.
 */
export const nodeWord = (node: string): string => `\u0001node=${fold(node)}`;

/** The terms a block's entry holds for a user or source address it names: its folded space-separated parts. */
export const valueTerms = (value: string): string[] =>
  fold(value)
    .split(SPACE)
    .filter((part) => part !== '');

/** The fields a row is searched by (query.ts: message, message id, user, hostname). */
export type SearchableFields = readonly [text: string, ...extras: Array<string | null>];

/**
 * Words split at spaces only: coarser than the query's split at any whitespace (query.ts), so a
 * term still lies inside one word, and a plain string split is several times cheaper than a regular
 * expression's on every event written. A tab or line break then stays inside a word.
 */
const SPACE = ' ';

/** One block's entry: the distinct folded words of its rows' searchable fields. */
export class BlockWords {
  private readonly words = new Set<string>();

  add(fields: SearchableFields): void {
    for (const field of fields) {
      if (field === null || field === '') continue;
      for (const word of fold(field).split(SPACE)) if (word !== '') this.words.add(word);
    }
  }

  addNode(node: string | null): void {
    if (node !== null) this.words.add(nodeWord(node));
  }

  /** A value's words, for a filter on it to narrow by (`valueTerms`). */
  addWords(value: string | null): void {
    if (value !== null) for (const word of valueTerms(value)) this.words.add(word);
  }

  /** The entry: every word on a line of its own (a term never holds a line break). */
  doc(): string {
    return [...this.words].join('\n');
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
      const rowBlock = Math.floor(row.seq / VERSION_2_BLOCK_ROWS);
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

/** Schema step 2: the per-row index of version 1 replaced by the block index, built from the rows stored. */
export function upgradeToBlockIndex(db: Database.Database): void {
  db.exec('DROP TABLE IF EXISTS events_fts');
  db.exec(BLOCK_INDEX_SCHEMA);
  indexStoredBlocks(db, 0);
}

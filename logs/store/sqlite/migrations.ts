/** The embedded log store's schema versions (common/migrations.ts). */
import type { Migration } from '../../../common';
import { upgradeToBlockIndex } from './block-index';
import { upgradeToBlockStore } from './block-schema';
import { SQLITE_SCHEMA } from './schema';

/** By PRAGMA user_version (common/migrations.ts); a schema change is a new step, never an edit of one. */
export const LOG_STORE_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'events and their trigram full-text index',
    up: (db) => db.exec(SQLITE_SCHEMA),
  },
  {
    version: 2,
    description:
      'the full-text index per block of rows instead of per row (block-index.ts), built from the rows stored',
    up: upgradeToBlockIndex,
  },
  {
    version: 3,
    description:
      'events stored a block at a time (block-schema.ts): the rows moved into blocks, the full-text index rebuilt per block',
    up: upgradeToBlockStore,
  },
];

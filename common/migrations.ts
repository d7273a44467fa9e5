/**
 * Schema versions for the SQLite stores: each store lists its steps (version 1, 2, …, in order) and
 * calls `migrate` when it opens. The version lives in the file (`PRAGMA user_version`); the steps a
 * file lacks run in one transaction, so a failed upgrade leaves the file as it was. A file written
 * by a newer release (a version this code does not know) is refused with a message saying so:
 * running old code on it could lose what the new schema holds.
 *
 * Files from before versioning read as version 0; every store's step 1 is the schema they already
 * have, written so that it is a no-op on them (CREATE … IF NOT EXISTS, columns added when missing).
 */
import type Database from 'better-sqlite3';

export interface Migration {
  /** 1 for the first step, then each step one more. */
  version: number;
  /** What the step changes, for the log and for the reader of the step list. */
  description: string;
  up(db: Database.Database): void;
}

export interface MigrationOutcome {
  from: number;
  to: number;
}

/** A file this code must not open (written by a newer release); the CLI prints its message alone. */
export class SchemaVersionError extends Error {
  override readonly name = 'SchemaVersionError';
}

export function schemaVersion(db: Database.Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

function checkSteps(store: string, steps: readonly Migration[]): number {
  steps.forEach((step, index) => {
    if (step.version !== index + 1)
      throw new Error(
        `${store}: migration steps must be numbered 1, 2, 3 … in order; step ${index + 1} says ${step.version}`,
      );
  });
  return steps.length;
}

/**
 * Brings the file to the newest version this code knows. `store` names the file in messages
 * (e.g. "alerts store /var/lib/egov-noc/alerts.sqlite").
 */
export function migrate(db: Database.Database, store: string, steps: readonly Migration[]): MigrationOutcome {
  const known = checkSteps(store, steps);
  const from = schemaVersion(db);
  if (from > known)
    throw new SchemaVersionError(
      `${store} has schema version ${from}, newer than the ${known} this egov-noc knows: it was written by a newer release. ` +
        'Run that release (or newer) on it, or restore a backup taken before the upgrade.',
    );
  if (from === known) return { from, to: known };
  db.transaction(() => {
    for (const step of steps.slice(from)) step.up(db);
    db.pragma(`user_version = ${known}`);
  }).immediate();
  return { from, to: known };
}

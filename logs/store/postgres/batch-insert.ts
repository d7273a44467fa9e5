/**
 * One batch of events into PostgreSQL: COPY into a session's temporary table, then one INSERT …
 * SELECT … ON CONFLICT DO NOTHING into the partitioned table, in one transaction. COPY spares the
 * client building and the server parsing a statement with 15 parameters a row; the INSERT keeps an
 * event stored once when a batch is written again after an ambiguous failure (COPY alone cannot
 * skip a duplicate key). Plain COPY text format: KingbaseES and openGauss read it too.
 */
import type pg from 'pg';
import type { SecurityEvent } from '../../../domain';
import { EVENT_COLUMNS, eventValues } from '../rows';
import { copyIn, copyText } from './copy-in';
import { PARENT_TABLE } from './schema';

const INCOMING = 'security_events_incoming';
const COLUMNS = EVENT_COLUMNS.join(', ');

/** Sessions (pooled connections) whose temporary table exists: created once per session. */
const prepared = new WeakSet<pg.PoolClient>();

export async function insertBatch(pool: pg.Pool, events: readonly SecurityEvent[]): Promise<void> {
  const data = copyText(events.map(eventValues));
  const client = await pool.connect();
  let broken: Error | undefined;
  // A checked-out client's connection error is ours to take (the pool listens to idle ones only);
  // the query in flight fails with it too, and the client is not handed out again.
  const onError = (error: Error): void => {
    broken = error;
  };
  client.on('error', onError);
  try {
    await client.query('BEGIN');
    if (!prepared.has(client)) {
      await client.query(
        `CREATE TEMPORARY TABLE IF NOT EXISTS ${INCOMING} (LIKE ${PARENT_TABLE}) ON COMMIT DELETE ROWS`,
      );
      prepared.add(client);
    }
    await copyIn(client, `COPY ${INCOMING} (${COLUMNS}) FROM STDIN`, data);
    await client.query(
      `INSERT INTO ${PARENT_TABLE} (${COLUMNS}) SELECT ${COLUMNS} FROM ${INCOMING} ON CONFLICT DO NOTHING`,
    );
    await client.query('COMMIT');
  } catch (error) {
    // A rolled-back transaction takes a temporary table it created with it.
    prepared.delete(client);
    await client.query('ROLLBACK').catch((rollbackError: unknown) => {
      // The session is unusable: the pool closes it instead of handing it out again.
      broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
    });
    throw error;
  } finally {
    client.off('error', onError);
    client.release(broken);
  }
}

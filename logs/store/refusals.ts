/**
 * Which backend errors mean "up, but this data is refused" (set the event aside) rather than "down"
 * (keep it and retry): retrying a refusal forever would block every event behind it.
 */

function errorCode(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : '';
}

/** SQLite result codes about the row itself: a constraint or trigger, a value too big or of the wrong type. */
export function isSqliteRefusal(error: unknown): boolean {
  const code = errorCode(error);
  return (
    code.startsWith('SQLITE_CONSTRAINT') ||
    code === 'SQLITE_TOOBIG' ||
    code === 'SQLITE_MISMATCH' ||
    code === 'SQLITE_RANGE'
  );
}

/**
 * PostgreSQL SQLSTATE classes about the data: 22 data exception (bad encoding, value too long),
 * 23 integrity constraint, 54 program limit (an index row too large). Connection, permission and
 * server-state errors are outages.
 */
export function isPostgresRefusal(error: unknown): boolean {
  const sqlState = errorCode(error);
  return /^(22|23|54)[0-9A-Z]{3}$/.test(sqlState);
}

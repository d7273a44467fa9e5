import type Database from 'better-sqlite3';

/**
 * Makes `db.prepare(sql)` compile each SQL text once: code that prepares its statements where it
 * runs them (per request) then costs a map lookup instead of SQLite compiling the statement again
 * (that was a tenth of the console's REST time: the session check on every request). A statement
 * still being iterated is busy; asking for its SQL then prepares a fresh one.
 */
export function cacheStatements<T extends Database.Database>(db: T): T {
  const compiled = new Map<string, Database.Statement>();
  const compile = db.prepare.bind(db);
  const prepare = (sql: string): Database.Statement => {
    const cached = compiled.get(sql);
    if (cached !== undefined && !cached.busy) return cached;
    const statement = compile(sql);
    if (cached === undefined) compiled.set(sql, statement);
    return statement;
  };
  db.prepare = prepare as typeof db.prepare;
  return db;
}

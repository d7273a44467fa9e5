/**
 * Store specs: `sqlite:PATH` (or `memory`) and `postgres://HOST[:PORT]/DB`. Credentials never ride
 * in the spec (they would end up in process lists and logs): the caller passes them. A spec is
 * quoted in errors only with any user:password@ part replaced.
 */
export type LogStoreSpec =
  { kind: 'sqlite'; path: string } | { kind: 'postgres'; host: string; port: number; database: string };

const SPEC_HELP = 'use sqlite:PATH or postgres://HOST:PORT/DB';
export const DEFAULT_POSTGRES_PORT = 5432;

/** The spec as it may appear in an error: userinfo (user:password@) replaced. */
export function redactSpec(spec: string): string {
  return spec.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/?#]*@/i, '$1[redacted]@').slice(0, 200);
}

function parsePostgres(text: string, spec: string): LogStoreSpec {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new Error(`log store spec "${redactSpec(spec)}" is not a valid URL: ${SPEC_HELP}`);
  }
  if (url.username !== '' || url.password !== '') {
    throw new Error(
      'log store spec must not carry credentials (they would end up in logs and process lists): ' +
        'set EGOV_NOC_LOGSTORE_USER and EGOV_NOC_LOGSTORE_PASSWORD instead',
    );
  }
  if (url.search !== '' || url.hash !== '')
    throw new Error(`log store spec "${redactSpec(spec)}": query strings and fragments are not supported`);
  const database = decodeURIComponent(url.pathname.replace(/^\//, '').replace(/\/$/, ''));
  if (database === '' || database.includes('/'))
    throw new Error(
      `log store spec "${redactSpec(spec)}" must name one database, e.g. postgres://127.0.0.1:5432/egov_noc`,
    );
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (host === '') throw new Error(`log store spec "${redactSpec(spec)}" names no host: ${SPEC_HELP}`);
  return {
    kind: 'postgres',
    host,
    port: url.port === '' ? DEFAULT_POSTGRES_PORT : Number(url.port),
    database,
  };
}

/** Parse a spec; throws an Error that says what is wrong and what is accepted (never quoting a password). */
export function parseLogStoreSpec(spec: string): LogStoreSpec {
  const text = spec.trim();
  if (text === '') throw new Error(`log store spec is empty: ${SPEC_HELP}`);
  if (text === 'memory') return { kind: 'sqlite', path: ':memory:' };
  if (text.startsWith('sqlite:')) {
    const path = text.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
    if (path === '') throw new Error(`log store spec "${text}" names no file: ${SPEC_HELP}`);
    return { kind: 'sqlite', path };
  }
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(text)?.[1]?.toLowerCase();
  if (scheme === 'postgres' || scheme === 'postgresql') return parsePostgres(text, spec);
  const what = scheme === undefined ? 'has no scheme' : `has an unknown scheme "${scheme}://"`;
  throw new Error(`log store spec "${redactSpec(text)}" ${what}: ${SPEC_HELP}`);
}

/** The spec as it may be logged. */
export function describeLogStoreSpec(spec: LogStoreSpec): string {
  if (spec.kind === 'sqlite') return spec.path === ':memory:' ? 'memory' : `sqlite:${spec.path}`;
  const host = spec.host.includes(':') ? `[${spec.host}]` : spec.host;
  return `postgres://${host}:${spec.port}/${spec.database}`;
}

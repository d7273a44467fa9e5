import type { Command } from 'commander';
import type { SecurityEvent } from '../../domain';
import type { LogPage, LogQuery, LogStore } from '../../logs';
import { readEnvironment } from '../environment';
import { fail } from '../fail';

/**
 * `egov-noc logs search`: security events from a log store (sqlite:PATH or postgres://HOST:PORT/DB,
 * account from EGOV_NOC_LOGSTORE_USER / EGOV_NOC_LOGSTORE_PASSWORD), newest first, as a table or JSON.
 */

interface SearchFlags {
  store?: string;
  node?: string;
  user?: string;
  source?: string;
  category?: string;
  zone?: string;
  since?: string;
  until?: string;
  limit?: string;
  cursor?: string;
  json?: boolean;
}

const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `30m`, `1h`, `7d` before now, or an ISO date/time (`2026-12-06`, `2026-12-06T08:00+08:00`). */
export function parseInstant(flag: string, text: string, nowMs: number): number {
  const ago = /^(\d{1,6})([smhd])$/.exec(text.trim());
  if (ago) return nowMs - Number(ago[1]) * (UNIT_MS[ago[2] as string] as number);
  const iso = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(text.trim());
  const ms = iso ? Date.parse(text.trim()) : Number.NaN;
  if (Number.isNaN(ms))
    fail(
      `${flag} "${text.slice(0, 40)}" is neither a duration (30m, 1h, 7d) nor a date (2026-12-06T08:00+08:00)`,
    );
  return ms;
}

function oneOf<T extends string>(
  flag: string,
  value: string | undefined,
  allowed: readonly T[],
): T | undefined {
  if (value === undefined) return undefined;
  const found = allowed.find((candidate) => candidate === value);
  if (found === undefined) fail(`${flag} "${value.slice(0, 40)}" is not one of: ${allowed.join(', ')}`);
  return found;
}

/** Device text may carry terminal control sequences: shown as visible escapes, never interpreted. */
const isControl = (code: number): boolean =>
  code < 0x20 ||
  (code >= 0x7f && code <= 0x9f) ||
  (code >= 0x202a && code <= 0x202e) ||
  (code >= 0x2066 && code <= 0x2069);

const printable = (text: string): string =>
  Array.from(text, (c) => {
    const code = c.codePointAt(0) ?? 0;
    return isControl(code) ? `\\u${code.toString(16).padStart(4, '0')}` : c;
  }).join('');

const cell = (value: string | null, width: number): string => {
  const text = printable(value ?? '-');
  return text.length > width ? `${text.slice(0, width - 1)}…` : text.padEnd(width);
};

export function formatEventTable(events: SecurityEvent[]): string {
  const header = `${'TIME (UTC)'.padEnd(24)} ${'NODE'.padEnd(18)} ${'CATEGORY'.padEnd(13)} ${'SEVERITY'.padEnd(8)} ${'USER'.padEnd(12)} ${'SOURCE'.padEnd(15)} TEXT`;
  const rows = events.map((event) =>
    [
      new Date(event.timeMs).toISOString().padEnd(24),
      cell(event.node ?? `(${event.senderAddress})`, 18),
      event.category.padEnd(13),
      event.severity.padEnd(8),
      cell(event.user, 12),
      cell(event.sourceAddress, 15),
      printable(event.text.length > 200 ? `${event.text.slice(0, 199)}…` : event.text),
    ].join(' '),
  );
  return [header, ...rows].join('\n');
}

async function buildQuery(flags: SearchFlags, text: string[]): Promise<LogQuery> {
  const { SECURITY_CATEGORIES, ZONES, asNodeId } = await import('../../domain');
  const now = Date.now();
  const limit = flags.limit === undefined ? undefined : Number(flags.limit);
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 1 || limit > 1000))
    fail(`--limit must be a whole number from 1 to 1000, got "${flags.limit?.slice(0, 20)}"`);
  const category = oneOf('--category', flags.category, SECURITY_CATEGORIES);
  const zone = oneOf('--zone', flags.zone, ZONES);
  const query: LogQuery = {
    ...(flags.node === undefined ? {} : { node: asNodeId(flags.node) }),
    ...(flags.user === undefined ? {} : { user: flags.user }),
    ...(flags.source === undefined ? {} : { sourceAddress: flags.source }),
    ...(category === undefined ? {} : { category }),
    ...(zone === undefined ? {} : { zone }),
    ...(flags.since === undefined ? {} : { sinceMs: parseInstant('--since', flags.since, now) }),
    ...(flags.until === undefined ? {} : { untilMs: parseInstant('--until', flags.until, now) }),
    ...(limit === undefined ? {} : { limit }),
    ...(flags.cursor === undefined ? {} : { cursor: flags.cursor }),
  };
  return text.length === 0 ? query : { ...query, text: text.join(' ') };
}

async function openStore(specFlag: string | undefined): Promise<LogStore> {
  const environment = readEnvironment();
  const spec = specFlag ?? environment.logStore.spec;
  if (spec === undefined || spec === '')
    fail('logs search: give --store sqlite:PATH or postgres://HOST:PORT/DB, or set EGOV_NOC_LOGSTORE');
  const { createLogger } = await import('../../common');
  const { openLogStore, parseLogStoreSpec } = await import('../../logs');
  let parsed;
  try {
    parsed = parseLogStoreSpec(spec);
  } catch (error) {
    fail(error instanceof Error ? error.message : String(error));
  }
  const { existsSync } = await import('node:fs');
  // Searching must not create an empty store where the path was mistyped.
  if (parsed.kind === 'sqlite' && parsed.path !== ':memory:' && !existsSync(parsed.path))
    fail(`logs search: no log store at ${parsed.path}`);
  const { user, password } = environment.logStore;
  const store = openLogStore(spec, {
    logger: createLogger({ level: environment.logLevel ?? 'warn' }),
    credentials: { ...(user === undefined ? {} : { user }), ...(password === undefined ? {} : { password }) },
  });
  // No init(): searching creates nothing, so a read-only database account is enough.
  return store;
}

export function registerLogsCommand(program: Command): void {
  const logs = program.command('logs').description('security events kept in the log store');
  logs
    .command('search')
    .description(
      'search security events, newest first; TEXT terms must all appear (any script, case-insensitive)',
    )
    .argument('[text...]', 'free-text terms, e.g. 登录失败 admin')
    .option(
      '--store <spec>',
      'sqlite:PATH or postgres://HOST:PORT/DB (default $EGOV_NOC_LOGSTORE); PostgreSQL account from EGOV_NOC_LOGSTORE_USER / EGOV_NOC_LOGSTORE_PASSWORD',
    )
    .option('--node <id>', 'inventory node id')
    .option('--user <name>', 'user named in the event')
    .option('--source <address>', 'source address of the login or denied flow')
    .option(
      '--category <c>',
      'auth-success, auth-failure, command, config-change, policy-deny, attack or system',
    )
    .option('--zone <zone>', 'internal, external, public or video')
    .option('--since <when>', 'events from: a duration before now (30m, 1h, 7d) or a date/time')
    .option('--until <when>', 'events before: a duration before now or a date/time')
    .option('--limit <n>', 'events per page (1-1000, default 100)')
    .option('--cursor <c>', 'the next-page cursor a previous search printed')
    .option('--json', 'print {"events": [...], "nextCursor": ...} instead of a table')
    .action(async (text: string[], flags: SearchFlags) => {
      const query = await buildQuery(flags, text);
      const store = await openStore(flags.store);
      let page: LogPage;
      try {
        page = await store.search(query);
      } catch (error) {
        await store.close();
        fail(error instanceof Error ? error.message : String(error));
      }
      await store.close();
      if (flags.json === true) {
        console.log(JSON.stringify(page));
        return;
      }
      console.log(formatEventTable(page.events));
      if (page.nextCursor !== null) process.stderr.write(`more: add --cursor ${page.nextCursor}\n`);
    });
}

/**
 * `egov-noc checks`: the service checks' stored state. `rebaseline` accepts a legitimate change of a
 * watched page (a redesign, new content) so defacement stops firing; `baselines` lists what is stored
 * and who changed it. Both work on the collector's state directory (collect --state-dir), also while
 * the collector runs: it reads the stored baseline on every run. Loaded on use.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import type { BaselineStore } from '../../collector';
import { readEnvironment } from '../environment';
import { fail } from '../fail';

const DEFAULT_STATE_DIR = '.data/collector';

interface StateFlags {
  stateDir?: string;
}

interface RebaselineFlags extends StateFlags {
  check: string;
  url?: string;
  sha256?: string;
  reason: string;
}

interface ListFlags extends StateFlags {
  check?: string;
  history?: number;
}

const count = (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 10_000) fail(`--history must be 1–10000, got "${value}"`);
  return n;
};

/** The baseline file of a state directory; a missing one is an error (a wrong --state-dir, not "no baselines"). */
async function openStore(stateDir: string | undefined): Promise<{ store: BaselineStore; file: string }> {
  const { BASELINES_FILE, BaselineStore } = await import('../../collector');
  const file = join(stateDir ?? DEFAULT_STATE_DIR, BASELINES_FILE);
  if (!existsSync(file))
    fail(
      `${file} does not exist: give the collector's --state-dir (a collector with defacement checks creates it)`,
    );
  return { store: new BaselineStore(file), file };
}

const short = (sha: string | null) => (sha === null ? 'none' : sha.slice(0, 16));

function rebaseline(store: BaselineStore, file: string, flags: RebaselineFlags): void {
  const actor = readEnvironment().user ?? 'unknown';
  const stored = store.list(flags.check).filter((b) => flags.url === undefined || b.url === flags.url);
  if (stored.length === 0 && flags.sha256 === undefined) {
    const checks = [...new Set(store.list().map((b) => b.check))];
    fail(
      `no baseline stored for check "${flags.check}"${flags.url ? ` and ${flags.url}` : ''} in ${file} (stored: ${checks.join(', ') || 'none'})`,
    );
  }
  const replaced = store.rebaseline({
    check: flags.check,
    ...(flags.url === undefined ? {} : { url: flags.url }),
    ...(flags.sha256 === undefined ? {} : { sha256: flags.sha256 }),
    actor,
    reason: flags.reason,
    atMs: Date.now(),
  });
  const outcome =
    flags.sha256 === undefined
      ? 'dropped: the next run adopts the page as it then is'
      : `set to ${short(flags.sha256)}…`;
  for (const old of replaced.length > 0 ? replaced : [{ url: flags.url ?? '', sha256: null }])
    console.log(
      `egov-noc checks rebaseline: ${flags.check} ${old.url}: baseline ${short(old.sha256)}… ${outcome} (by ${actor}: ${flags.reason}; recorded in ${file})`,
    );
}

function list(store: BaselineStore, flags: ListFlags): void {
  const baselines = store.list(flags.check);
  if (baselines.length === 0) console.log('no baselines stored');
  for (const b of baselines)
    console.log(`${b.check}\t${b.url}\t${b.sha256}\t${new Date(b.setAtMs).toISOString()}\t${b.setBy}`);
  if (flags.history === undefined) return;
  for (const c of store.changes(flags.history).filter((c) => !flags.check || c.check === flags.check))
    console.log(
      `${new Date(c.atMs).toISOString()}\t${c.action}\t${c.check}\t${c.url}\t${short(c.oldSha256)} → ${short(c.newSha256)}\t${c.actor}\t${c.reason}`,
    );
}

export function registerChecksCommand(program: Command): void {
  const checks = program
    .command('checks')
    .description("service checks' stored state: defacement baselines (accept a legitimate page change)");

  checks
    .command('rebaseline')
    .description(
      "accept a watched page's change: drop the check's defacement baseline (the next run adopts the page) or set it; recorded with who and why",
    )
    .requiredOption('--check <id>', 'the check id in the checks file')
    .requiredOption(
      '--reason <text>',
      'why the change is legitimate (kept with the change, e.g. 门户改版上线)',
    )
    .option('--url <url>', 'only this URL of the check (default: every stored URL of it)')
    .option(
      '--sha256 <hex>',
      "the accepted content's hash (a service.check event's defaced.sha256); needs --url",
    )
    .option('--state-dir <dir>', `the collector's state directory (default ${DEFAULT_STATE_DIR})`)
    .action(async (flags: RebaselineFlags) => {
      const { store, file } = await openStore(flags.stateDir);
      try {
        rebaseline(store, file, flags);
      } catch (error) {
        fail((error as Error).message);
      } finally {
        store.close();
      }
    });

  checks
    .command('baselines')
    .description(
      'list the stored defacement baselines (check, URL, sha256, since, set by) and, with --history, their changes',
    )
    .option('--check <id>', 'only this check')
    .option('--history <n>', 'also the last n baseline changes (adopted, rebaselined, pinned)', count)
    .option('--state-dir <dir>', `the collector's state directory (default ${DEFAULT_STATE_DIR})`)
    .action(async (flags: ListFlags) => {
      const { store } = await openStore(flags.stateDir);
      try {
        list(store, flags);
      } finally {
        store.close();
      }
    });
}

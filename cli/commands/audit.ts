import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { ChainedAuditRecord } from '../../console/shared';
import { fail } from '../fail';

/** Loaded on use: the console's identity store (SQLite) only for the command that runs. */
const loadIdentity = () => import('../../console/server/identity');

type Verdict = Awaited<ReturnType<typeof verifyState>>;

async function verifyState(state: string) {
  const { openIdentity } = await loadIdentity();
  const identity = openIdentity(state);
  try {
    return identity.audit.verify();
  } finally {
    identity.close();
  }
}

/** An export (JSON array) verified on its own: its first record's previous hash is where it starts. */
async function verifyExport(file: string) {
  const { verifyChain } = await loadIdentity();
  let records: ChainedAuditRecord[];
  try {
    records = JSON.parse(readFileSync(file, 'utf8')) as ChainedAuditRecord[];
  } catch (error) {
    fail(`cannot read ${file} as a JSON audit export: ${(error as Error).message}`);
  }
  if (!Array.isArray(records)) fail(`${file} is not a JSON audit export (an array of records)`);
  const first = records[0];
  const anchor = first ? { id: first.id - 1, hash: first.prevHash } : null;
  const verdict = verifyChain(records, anchor, null);
  // The export's first line is "[": record N is on line N + 1.
  return verdict.ok ? verdict : { ...verdict, line: verdict.line + 1 };
}

function report(verdict: Verdict, where: string): void {
  if (verdict.ok) {
    console.log(
      `${where}: the audit chain holds: ${verdict.entries} entries` +
        (verdict.firstId === null ? '' : ` (${verdict.firstId}–${verdict.lastId})`),
    );
    return;
  }
  console.error(`${where}: line ${verdict.line}, entry ${verdict.entryId}: ${verdict.reason}`);
  process.exit(1);
}

export function registerAuditCommand(program: Command): void {
  const audit = program
    .command('audit')
    .description('the console audit (hash-chained): verify it, or export it as evidence');

  audit
    .command('verify')
    .description(
      'check the console audit hash chain; exits 1 naming the first changed, inserted or deleted entry',
    )
    .option('--state <dir>', 'console state folder (holds console.sqlite)')
    .option('--file <export.json>', 'a JSON export (GET /api/audit/export?format=json) instead')
    .action(async (opts: { state?: string; file?: string }) => {
      if ((opts.state === undefined) === (opts.file === undefined))
        fail('give --state DIR or --file EXPORT.json');
      if (opts.file !== undefined) report(await verifyExport(opts.file), opts.file);
      else report(await verifyState(opts.state as string), `${opts.state}/console.sqlite`);
    });

  audit
    .command('export')
    .description('write the console audit to stdout as JSON (as the API exports it) or CSV')
    .requiredOption('--state <dir>', 'console state folder')
    .option('--format <format>', 'json | csv', 'json')
    .action(async (opts: { state: string; format: string }) => {
      if (opts.format !== 'json' && opts.format !== 'csv')
        fail(`--format must be json or csv, got "${opts.format}"`);
      const { openIdentity } = await loadIdentity();
      const { auditCsvHeader, auditCsvLine } = await import('../../console/server/identity');
      const identity = openIdentity(opts.state);
      try {
        const records = [...identity.audit.chained()];
        if (opts.format === 'csv')
          process.stdout.write(auditCsvHeader() + records.map(auditCsvLine).join(''));
        else
          process.stdout.write(`[${records.map((record) => `\n${JSON.stringify(record)}`).join(',')}\n]\n`);
      } finally {
        identity.close();
      }
    });
}

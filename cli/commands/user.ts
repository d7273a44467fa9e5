import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { USER_ROLES, type UserRole } from '../../console/shared';
import { readEnvironment } from '../environment';
import { fail } from '../fail';

interface AddOptions {
  state: string;
  username: string;
  role: string;
  scope?: string;
  displayName?: string;
  passwordFile?: string;
  inventory?: string;
}

const cliActor = () => ({ actor: `cli:${readEnvironment().user ?? 'unknown'}`, from: 'local' });

/** Loaded on use: the console's identity store (SQLite, password hashing) only for the command that runs. */
const loadIdentity = () => import('../../console/server/identity');

async function readOrGeneratePassword(
  file: string | undefined,
): Promise<{ password: string; generated: boolean }> {
  if (file === undefined) return { password: (await loadIdentity()).generatePassword(), generated: true };
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    fail(`cannot read --password-file ${file}: ${(error as Error).message}`);
  }
  return { password: text.split(/\r?\n/)[0] ?? '', generated: false };
}

export function registerUserCommand(program: Command): void {
  const user = program
    .command('user')
    .description('manage console users (local accounts in the console state folder)');

  user
    .command('add')
    .description(
      'add a console user; without --password-file a random password is generated and printed once',
    )
    .requiredOption('--state <dir>', 'console state folder (holds console.sqlite)')
    .requiredOption('--username <name>', 'login name (a-z 0-9 . _ -)')
    .requiredOption('--role <role>', `one of ${USER_ROLES.join(', ')}`)
    .option('--scope <node>', 'subtree root node id the user sees and acts on (default: the whole network)')
    .option('--display-name <text>', 'name shown in the console')
    .option('--password-file <file>', 'read the password from this file (first line)')
    .option('--inventory <file>', 'check --scope against this inventory')
    .action(async (opts: AddOptions) => {
      if (!(USER_ROLES as readonly string[]).includes(opts.role))
        fail(`--role must be one of ${USER_ROLES.join(', ')}, got "${opts.role}"`);
      let topology;
      if (opts.inventory !== undefined) {
        const { loadInventory } = await import('../../inventory');
        const loaded = loadInventory(opts.inventory);
        if (!loaded.ok)
          fail(`${opts.inventory} has errors; run "egov-noc inventory check ${opts.inventory}"`);
        topology = loaded.topology;
        if (opts.scope !== undefined && !topology.has(opts.scope))
          fail(`--scope "${opts.scope}" is not a node in ${opts.inventory}`);
      }
      const { password, generated } = await readOrGeneratePassword(opts.passwordFile);
      const { openIdentity } = await loadIdentity();
      const identity = openIdentity(opts.state, topology ? { topology } : {});
      try {
        const created = await identity.users.create(
          {
            username: opts.username,
            displayName: opts.displayName ?? opts.username,
            role: opts.role as UserRole,
            scope: opts.scope ?? null,
            password,
          },
          cliActor(),
        );
        if (!created.ok) fail(`cannot add user "${opts.username}": ${created.message}`);
        console.log(
          `added ${opts.role} "${opts.username}" (scope: ${opts.scope ?? 'whole network'}) in ${opts.state}`,
        );
        if (generated) console.log(`password (shown once, store it now): ${password}`);
      } finally {
        identity.close();
      }
    });

  user
    .command('passwd')
    .description(
      "set a user's password (ends their sessions, revokes their API tokens); without --password-file one is generated and printed once",
    )
    .requiredOption('--state <dir>', 'console state folder')
    .requiredOption('--username <name>', 'the user')
    .option('--password-file <file>', 'read the password from this file (first line)')
    .action(async (opts: { state: string; username: string; passwordFile?: string }) => {
      const { password, generated } = await readOrGeneratePassword(opts.passwordFile);
      const { openIdentity } = await loadIdentity();
      const identity = openIdentity(opts.state);
      try {
        const updated = await identity.users.update(opts.username, { password }, cliActor());
        if (!updated.ok) fail(`cannot change the password of "${opts.username}": ${updated.message}`);
        console.log(`password of "${opts.username}" changed; their sessions ended and API tokens revoked`);
        if (generated) console.log(`password (shown once, store it now): ${password}`);
      } finally {
        identity.close();
      }
    });

  user
    .command('unlock')
    .description('unlock a user locked by an admin or by too many failed logins')
    .requiredOption('--state <dir>', 'console state folder')
    .requiredOption('--username <name>', 'the user')
    .action(async (opts: { state: string; username: string }) => {
      const { openIdentity } = await loadIdentity();
      const identity = openIdentity(opts.state);
      try {
        const updated = await identity.users.update(opts.username, { locked: false }, cliActor());
        if (!updated.ok) fail(`cannot unlock "${opts.username}": ${updated.message}`);
        console.log(`unlocked "${opts.username}"`);
      } finally {
        identity.close();
      }
    });

  user
    .command('list')
    .description('list console users')
    .requiredOption('--state <dir>', 'console state folder')
    .action(async (opts: { state: string }) => {
      const { openIdentity } = await loadIdentity();
      const identity = openIdentity(opts.state);
      try {
        for (const record of identity.users.list()) {
          const view = identity.users.view(record);
          console.log(
            `${view.username}\t${view.role}\t${view.scope ?? '*'}\t${view.locked ? 'locked' : 'active'}\t${view.displayName}`,
          );
        }
      } finally {
        identity.close();
      }
    });
}

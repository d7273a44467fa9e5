import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { USER_ROLES, type UserRole } from '../../console/shared';
import type { Identity } from '../../console/server';
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
  certName?: string;
}

const cliActor = () => ({ actor: `cli:${readEnvironment().user ?? 'unknown'}`, from: 'local' });

/** Loaded on use: the console's identity store (SQLite, password hashing) only for the command that runs. */
const loadIdentity = () => import('../../console/server/identity');

const ROLE_HELP = `exactly one of ${USER_ROLES.join(', ')} (sysadmin: users and configuration; secadmin: security policy, rules, silences, certificates; auditadmin: reads and exports the audit; an account never holds two)`;

function checkRole(role: string): UserRole {
  if (role.includes(',') || role.includes(' '))
    fail(`--role takes one role: an account never holds two (三权分立); got "${role}"`);
  if (!(USER_ROLES as readonly string[]).includes(role))
    fail(
      role === 'admin'
        ? '--role admin is retired: use sysadmin (users, configuration), secadmin (security policy) or auditadmin (the audit)'
        : `--role must be one of ${USER_ROLES.join(', ')}, got "${role}"`,
    );
  return role as UserRole;
}

/** Opens the state; prints what opening it migrated (old admin accounts), once. */
async function openState(
  state: string,
  options: Parameters<Awaited<ReturnType<typeof loadIdentity>>['openIdentity']>[1] = {},
): Promise<Identity> {
  const { openIdentity } = await loadIdentity();
  const identity = openIdentity(state, options);
  for (const note of identity.migrationNotes) console.log(`note: ${note}`);
  return identity;
}

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
    .requiredOption('--role <role>', ROLE_HELP)
    .option('--scope <node>', 'subtree root node id the user sees and acts on (default: the whole network)')
    .option('--display-name <text>', 'name shown in the console')
    .option('--password-file <file>', 'read the password from this file (first line)')
    .option('--inventory <file>', 'check --scope against this inventory')
    .option('--cert-name <cn>', 'subject CN of the operator certificate this user signs in with (mutual TLS)')
    .action(async (opts: AddOptions) => {
      const role = checkRole(opts.role);
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
      const identity = await openState(opts.state, topology ? { topology } : {});
      try {
        const created = await identity.users.create(
          {
            username: opts.username,
            displayName: opts.displayName ?? opts.username,
            role,
            scope: opts.scope ?? null,
            password,
          },
          cliActor(),
        );
        if (!created.ok) fail(`cannot add user "${opts.username}": ${created.message}`);
        if (opts.certName !== undefined) {
          const bound = await identity.users.update(
            opts.username,
            { certificateName: opts.certName },
            cliActor(),
          );
          if (!bound.ok) fail(`added "${opts.username}" but cannot bind --cert-name: ${bound.message}`);
        }
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
      const identity = await openState(opts.state);
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
      const identity = await openState(opts.state);
      try {
        const updated = await identity.users.update(opts.username, { locked: false }, cliActor());
        if (!updated.ok) fail(`cannot unlock "${opts.username}": ${updated.message}`);
        console.log(`unlocked "${opts.username}"`);
      } finally {
        identity.close();
      }
    });

  user
    .command('role')
    .description('give a user another role (one role per account: the new one replaces the old)')
    .requiredOption('--state <dir>', 'console state folder')
    .requiredOption('--username <name>', 'the user')
    .requiredOption('--role <role>', ROLE_HELP)
    .action(async (opts: { state: string; username: string; role: string }) => {
      const role = checkRole(opts.role);
      const identity = await openState(opts.state);
      try {
        const updated = await identity.users.update(opts.username, { role }, cliActor());
        if (!updated.ok) fail(`cannot change the role of "${opts.username}": ${updated.message}`);
        console.log(`"${opts.username}" is now ${role}`);
      } finally {
        identity.close();
      }
    });

  user
    .command('reset-totp')
    .description("remove a user's TOTP second factor and recovery codes (they enrol again at next sign-in)")
    .requiredOption('--state <dir>', 'console state folder')
    .requiredOption('--username <name>', 'the user')
    .action(async (opts: { state: string; username: string }) => {
      const identity = await openState(opts.state);
      try {
        const updated = await identity.users.update(opts.username, { totp: false }, cliActor());
        if (!updated.ok) fail(`cannot reset the second factor of "${opts.username}": ${updated.message}`);
        console.log(`second factor of "${opts.username}" removed; they enrol again at their next sign-in`);
      } finally {
        identity.close();
      }
    });

  user
    .command('list')
    .description('list console users')
    .requiredOption('--state <dir>', 'console state folder')
    .action(async (opts: { state: string }) => {
      const identity = await openState(opts.state);
      try {
        for (const record of identity.users.list()) {
          const view = identity.users.view(record);
          console.log(
            `${view.username}\t${view.role}\t${view.scope ?? '*'}\t${view.locked ? 'locked' : 'active'}\t${view.totpEnabled ? 'totp' : '-'}\t${view.displayName}`,
          );
        }
      } finally {
        identity.close();
      }
    });
}

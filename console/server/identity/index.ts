import { join } from 'node:path';
import type { Topology } from '../../../inventory';
import { AuditTrail } from './audit';
import { guardRoles, openIdentityDb, type IdentityDb } from './db';
import { migrateAdminRoles } from './migrate-roles';
import { generatePassword } from './passwords';
import { Policies } from './policy';
import { SessionStore } from './sessions';
import { SecretBox } from './secret-box';
import { TotpStore } from './totp';
import { UserAdmin } from './users';

export { AuditTrail, verifyChain, auditHash, type AuditInput, type AuditVerdict } from './audit';
export { adminNotices } from './migrate-roles';
export { auditCsvHeader, auditCsvLine } from './audit-csv';
export { LoginRateLimiter } from './login-rate-limit';
export { SessionStore, SESSION_COOKIE, TOKEN_PREFIX, csrfTokenFor, csrfMatches } from './sessions';
export type { ApiTokenRecord, SignInMethod } from './sessions';
export { UserAdmin, type UserRecord, type Actor, type EndedAccess } from './users';
export { DEFAULT_LOCKOUT, type LockoutPolicy } from './login-failures';
export { refuse, type Outcome, type Refusal } from './outcome';
export { decoyHash, generatePassword, hashPassword, verifyPassword } from './passwords';
export {
  ACCOUNT_POLICY_BOUNDS,
  DEFAULT_ACCOUNT_POLICY,
  DEFAULT_SECURITY_POLICY,
  Policies,
  passwordProblem,
} from './policy';
export { TotpStore } from './totp';
export { SecretBox, isSealed } from './secret-box';

/** The key file sealing TOTP seeds when none is configured: works, but sits beside the database. */
export const defaultSecretKeyFile = (stateDir: string): string => join(stateDir, 'secret.key');

export const DEFAULT_SESSION_TTL_MS = 8 * 3600_000;

export interface Identity {
  db: IdentityDb;
  users: UserAdmin;
  sessions: SessionStore;
  audit: AuditTrail;
  policies: Policies;
  totp: TotpStore;
  /** What opening this state changed and administrators should know (role migrations), once. */
  migrationNotes: string[];
  close(): void;
}

export function openIdentity(
  stateDir: string,
  options: {
    topology?: Topology;
    sessionTtlMs?: number;
    now?: () => number;
    /** The key sealing TOTP seeds (default `<stateDir>/secret.key`). */
    secretKeyFile?: string;
  } = {},
): Identity {
  const db = openIdentityDb(stateDir);
  const now = options.now ?? Date.now;
  const audit = new AuditTrail(db, now);
  audit.chainUnhashed();
  const migrationNotes = migrateAdminRoles(db, audit);
  guardRoles(db);
  const policies = new Policies(db);
  const totp = new TotpStore(db, new SecretBox(options.secretKeyFile ?? defaultSecretKeyFile(stateDir)), now);
  const topology = options.topology;
  const users = new UserAdmin(db, audit, {
    policies,
    totp,
    knownNode: topology ? (id) => topology.has(id) : null,
    scopePath: topology ? (scope) => (topology.has(scope) ? topology.pathNames(scope) : []) : () => [],
    now,
  });
  const sessions = new SessionStore(
    db,
    () =>
      Math.min(options.sessionTtlMs ?? DEFAULT_SESSION_TTL_MS, policies.account().idleTimeoutMin * 60_000),
    now,
  );
  return { db, users, sessions, audit, policies, totp, migrationNotes, close: () => db.close() };
}

/**
 * For a fresh demo: a security administrator (`secadmin`) and an audit administrator (`auditadmin`)
 * beside the first admin, each with a random password returned once, so the three separated roles
 * can be tried. Creates nothing when an account of that role exists already.
 */
export async function ensureSeparatedAdmins(
  stateDir: string,
): Promise<Array<{ username: string; role: 'secadmin' | 'auditadmin'; password: string }>> {
  const identity = openIdentity(stateDir);
  try {
    const made: Array<{ username: string; role: 'secadmin' | 'auditadmin'; password: string }> = [];
    for (const [role, displayName] of [
      ['secadmin', '安全管理员'],
      ['auditadmin', '审计管理员'],
    ] as const) {
      if (identity.users.list().some((user) => user.role === role)) continue;
      const password = generatePassword();
      const created = await identity.users.create(
        { username: role, displayName, role, scope: null, password },
        { actor: 'system', from: 'local' },
      );
      if (!created.ok) throw new Error(`could not create ${role}: ${created.message}`);
      made.push({ username: role, role, password });
    }
    return made;
  } finally {
    identity.close();
  }
}

/**
 * When no user exists yet, create `admin` (system administrator, whole network) with a random
 * password and return that password — once; the caller prints it. Returns null when users exist.
 */
export async function ensureFirstAdmin(
  stateDir: string,
): Promise<{ username: string; password: string } | null> {
  const identity = openIdentity(stateDir);
  try {
    if (identity.users.count() > 0) return null;
    const password = generatePassword();
    const created = await identity.users.create(
      { username: 'admin', displayName: '系统管理员', role: 'sysadmin', scope: null, password },
      { actor: 'system', from: 'local' },
    );
    if (!created.ok) throw new Error(`could not create the first admin: ${created.message}`);
    return { username: 'admin', password };
  } finally {
    identity.close();
  }
}

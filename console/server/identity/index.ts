import type { Topology } from '../../../inventory';
import { AuditTrail } from './audit';
import { openIdentityDb, type IdentityDb } from './db';
import { generatePassword } from './passwords';
import { SessionStore } from './sessions';
import { UserAdmin } from './users';

export { AuditTrail, type AuditInput } from './audit';
export { LoginRateLimiter } from './login-rate-limit';
export { SessionStore, SESSION_COOKIE, TOKEN_PREFIX, csrfTokenFor, csrfMatches } from './sessions';
export type { ApiTokenRecord } from './sessions';
export { UserAdmin, type UserRecord, type Actor, type EndedAccess } from './users';
export { DEFAULT_LOCKOUT, type LockoutPolicy } from './login-failures';
export { refuse, type Outcome, type Refusal } from './outcome';
export { decoyHash, generatePassword, hashPassword, verifyPassword } from './passwords';

export const DEFAULT_SESSION_TTL_MS = 8 * 3600_000;

export interface Identity {
  db: IdentityDb;
  users: UserAdmin;
  sessions: SessionStore;
  audit: AuditTrail;
  close(): void;
}

export function openIdentity(
  stateDir: string,
  options: { topology?: Topology; sessionTtlMs?: number; now?: () => number } = {},
): Identity {
  const db = openIdentityDb(stateDir);
  const now = options.now ?? Date.now;
  const audit = new AuditTrail(db, now);
  const topology = options.topology;
  const users = new UserAdmin(
    db,
    audit,
    topology ? (id) => topology.has(id) : null,
    topology ? (scope) => (topology.has(scope) ? topology.pathNames(scope) : []) : undefined,
    undefined,
    now,
  );
  const sessions = new SessionStore(db, options.sessionTtlMs ?? DEFAULT_SESSION_TTL_MS, now);
  return { db, users, sessions, audit, close: () => db.close() };
}

/**
 * When no user exists yet, create `admin` (role admin, whole network) with a random password and
 * return that password — once; the caller prints it. Returns null when users already exist.
 */
export async function ensureFirstAdmin(
  stateDir: string,
): Promise<{ username: string; password: string } | null> {
  const identity = openIdentity(stateDir);
  try {
    if (identity.users.count() > 0) return null;
    const password = generatePassword();
    const created = await identity.users.create(
      { username: 'admin', displayName: '系统管理员', role: 'admin', scope: null, password },
      { actor: 'system', from: 'local' },
    );
    if (!created.ok) throw new Error(`could not create the first admin: ${created.message}`);
    return { username: 'admin', password };
  } finally {
    identity.close();
  }
}

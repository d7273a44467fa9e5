/**
 * Local users: create, change, remove, authenticate (with lockout after repeated failures).
 * Every change is written to the audit trail by the caller-facing methods here, so the CLI and the
 * REST routes record the same thing.
 */
import type { CreateUserRequest, UpdateUserRequest, UserRole, UserView } from '../../shared/api';
import { ROLES } from '../../shared/api';
import type { AuditTrail } from './audit';
import type { IdentityDb } from './db';
import { refuse, type Outcome } from './outcome';
import { decoyHash, hashPassword, passwordProblem, verifyPassword } from './passwords';

export interface UserRecord {
  username: string;
  displayName: string;
  role: UserRole;
  scope: string | null;
  createdAtMs: number;
  lastLoginMs: number | null;
  /** Locked by an admin. */
  locked: boolean;
  /** Temporarily locked after too many failed logins, until this time. */
  lockedUntilMs: number | null;
}

interface UserRow {
  username: string;
  display_name: string;
  role: string;
  scope: string | null;
  password_hash: string;
  created_at_ms: number;
  last_login_ms: number | null;
  locked: number;
  failed_logins: number;
  locked_until_ms: number | null;
}

export interface LockoutPolicy {
  /** Consecutive failed logins that lock the account... */
  maxFailures: number;
  /** ...for this long. */
  lockMs: number;
}
export const DEFAULT_LOCKOUT: LockoutPolicy = { maxFailures: 5, lockMs: 15 * 60_000 };

/** Who is acting and from where, for the audit trail. */
export interface Actor {
  actor: string;
  from: string;
}

const USERNAME = /^[a-z0-9][a-z0-9._-]{1,63}$/;

const toRecord = (row: UserRow): UserRecord => ({
  username: row.username,
  displayName: row.display_name,
  role: row.role as UserRole,
  scope: row.scope,
  createdAtMs: row.created_at_ms,
  lastLoginMs: row.last_login_ms,
  locked: row.locked === 1,
  lockedUntilMs: row.locked_until_ms,
});

export class UserAdmin {
  constructor(
    private readonly db: IdentityDb,
    private readonly audit: AuditTrail,
    /** Checks a scope root (a node id) exists; null when no topology is loaded (CLI). */
    private readonly knownNode: ((id: string) => boolean) | null,
    /** Display path of a scope root, for UserView.scopePath. */
    private readonly scopePath: (scope: string) => string[] = () => [],
    private readonly lockout: LockoutPolicy = DEFAULT_LOCKOUT,
    private readonly now: () => number = Date.now,
  ) {}

  count(): number {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM users').get() as { n: number }).n;
  }

  get(username: string): UserRecord | undefined {
    const row = this.db.prepare('SELECT * FROM users WHERE username = ?').get(username) as
      UserRow | undefined;
    return row && toRecord(row);
  }

  list(): UserRecord[] {
    return (this.db.prepare('SELECT * FROM users ORDER BY username').all() as UserRow[]).map(toRecord);
  }

  view(user: UserRecord): UserView {
    return {
      username: user.username,
      displayName: user.displayName,
      role: user.role,
      scope: user.scope,
      scopePath: user.scope === null ? [] : this.scopePath(user.scope),
      createdAtMs: user.createdAtMs,
      lastLoginMs: user.lastLoginMs,
      locked: user.locked || (user.lockedUntilMs !== null && user.lockedUntilMs > this.now()),
    };
  }

  private checkScope(scope: string | null): Outcome<null> {
    if (scope !== null && this.knownNode !== null && !this.knownNode(scope))
      return refuse(422, 'unknown_node', `scope "${scope}" is not a node in the inventory`, 'scope');
    return { ok: true, value: null };
  }

  async create(request: CreateUserRequest, by: Actor): Promise<Outcome<UserRecord>> {
    if (!USERNAME.test(request.username))
      return refuse(
        422,
        'invalid_username',
        'username: 2–64 of a-z 0-9 . _ -, starting with a letter or digit',
        'username',
      );
    if (!ROLES.includes(request.role))
      return refuse(422, 'invalid_role', `role must be one of ${ROLES.join(', ')}`, 'role');
    const scope = this.checkScope(request.scope);
    if (!scope.ok) return scope;
    const problem = passwordProblem(request.password);
    if (problem) return refuse(422, 'weak_password', `password ${problem}`, 'password');
    if (this.get(request.username))
      return refuse(409, 'user_exists', `user "${request.username}" already exists`, 'username');
    const hash = await hashPassword(request.password);
    this.db
      .prepare(
        'INSERT INTO users (username, display_name, role, scope, password_hash, created_at_ms) VALUES (?, ?, ?, ?, ?, ?)',
      )
      .run(request.username, request.displayName, request.role, request.scope, hash, this.now());
    this.audit.record({
      ...by,
      action: 'user.create',
      target: request.username,
      detail: `role=${request.role} scope=${request.scope ?? '*'}`,
    });
    return { ok: true, value: this.get(request.username) as UserRecord };
  }

  async update(username: string, request: UpdateUserRequest, by: Actor): Promise<Outcome<UserRecord>> {
    const user = this.get(username);
    if (!user) return refuse(404, 'not_found', `no user "${username}"`);
    if (request.scope !== undefined) {
      const scope = this.checkScope(request.scope);
      if (!scope.ok) return scope;
    }
    const changes: string[] = [];
    const set = (column: string, value: string | number | null, note: string) => {
      this.db.prepare(`UPDATE users SET ${column} = ? WHERE username = ?`).run(value, username);
      changes.push(note);
    };
    if (request.password !== undefined) {
      const problem = passwordProblem(request.password);
      if (problem) return refuse(422, 'weak_password', `password ${problem}`, 'password');
      set('password_hash', await hashPassword(request.password), 'password changed');
      // A new password ends every session of that user.
      this.db.prepare('DELETE FROM sessions WHERE username = ?').run(username);
    }
    if (request.displayName !== undefined)
      set('display_name', request.displayName, `displayName=${request.displayName}`);
    if (request.role !== undefined) set('role', request.role, `role=${request.role}`);
    if (request.scope !== undefined) set('scope', request.scope, `scope=${request.scope ?? '*'}`);
    if (request.locked !== undefined) {
      set('locked', request.locked ? 1 : 0, request.locked ? 'locked' : 'unlocked');
      if (!request.locked)
        this.db
          .prepare('UPDATE users SET failed_logins = 0, locked_until_ms = NULL WHERE username = ?')
          .run(username);
      if (request.locked) this.db.prepare('DELETE FROM sessions WHERE username = ?').run(username);
    }
    this.audit.record({ ...by, action: 'user.update', target: username, detail: changes.join(', ') });
    return { ok: true, value: this.get(username) as UserRecord };
  }

  remove(username: string, by: Actor): Outcome<null> {
    const result = this.db.prepare('DELETE FROM users WHERE username = ?').run(username);
    if (result.changes === 0) return refuse(404, 'not_found', `no user "${username}"`);
    this.audit.record({ ...by, action: 'user.delete', target: username });
    return { ok: true, value: null };
  }

  /**
   * Check a password. Unknown users cost the same time as known ones; failures count towards a
   * temporary lock. Records login / login.failed in the audit trail.
   */
  async authenticate(username: string, password: string, from: string): Promise<Outcome<UserRecord>> {
    const row = this.db.prepare('SELECT * FROM users WHERE username = ?').get(username) as
      UserRow | undefined;
    const denied = refuse(401, 'bad_credentials', 'wrong username or password');
    if (!row) {
      await verifyPassword(password, await decoyHash());
      this.audit.record({
        actor: username,
        action: 'login.failed',
        target: username,
        detail: 'unknown user',
        from,
      });
      return denied;
    }
    const now = this.now();
    if (row.locked === 1 || (row.locked_until_ms !== null && row.locked_until_ms > now)) {
      await verifyPassword(password, await decoyHash());
      this.audit.record({
        actor: username,
        action: 'login.failed',
        target: username,
        detail: 'account locked',
        from,
      });
      const minutes = row.locked === 1 ? null : Math.ceil(((row.locked_until_ms ?? now) - now) / 60_000);
      return refuse(
        429,
        'account_locked',
        minutes === null
          ? 'this account is locked; ask an administrator to unlock it'
          : `too many failed logins; this account is locked for ${minutes} more minute(s)`,
      );
    }
    if (!(await verifyPassword(password, row.password_hash))) {
      const failures = row.failed_logins + 1;
      const lockedUntil = failures >= this.lockout.maxFailures ? now + this.lockout.lockMs : null;
      this.db
        .prepare('UPDATE users SET failed_logins = ?, locked_until_ms = ? WHERE username = ?')
        .run(lockedUntil === null ? failures : 0, lockedUntil, username);
      this.audit.record({
        actor: username,
        action: 'login.failed',
        target: username,
        detail: lockedUntil === null ? `failure ${failures}` : `failure ${failures}: locked`,
        from,
      });
      return denied;
    }
    this.db
      .prepare(
        'UPDATE users SET failed_logins = 0, locked_until_ms = NULL, last_login_ms = ? WHERE username = ?',
      )
      .run(now, username);
    this.audit.record({ actor: username, action: 'login', target: username, from });
    return { ok: true, value: this.get(username) as UserRecord };
  }
}

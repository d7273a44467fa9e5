/**
 * Local users: create, change, remove, authenticate (with lockout after repeated failures).
 * Every change is written to the audit trail by the caller-facing methods here, so the CLI and the
 * REST routes record the same thing.
 */
import { createHash } from 'node:crypto';
import type {
  CreateUserRequest,
  SessionRestriction,
  UpdateUserRequest,
  UserRole,
  UserView,
} from '../../shared';
import { USER_ROLES } from '../../shared';
import type { AuditTrail } from './audit';
import type { IdentityDb } from './db';
import { LoginFailures } from './login-failures';
import { refuse, type Outcome } from './outcome';
import { PasswordHistory } from './password-history';
import { decoyHash, hashPassword, verifyPassword } from './passwords';
import { passwordExpiry, passwordProblem, type Policies } from './policy';
import type { TotpStore } from './totp';

export interface UserRecord {
  username: string;
  displayName: string;
  role: UserRole;
  scope: string | null;
  createdAtMs: number;
  lastLoginMs: number | null;
  /** Locked by an admin. */
  locked: boolean;
  /** Temporarily locked after too many failed logins, until this time (may lie in the past). */
  lockedUntilMs: number | null;
  /** When the password was last set (creation for older accounts). */
  passwordChangedMs: number;
  totpEnabled: boolean;
  /** Subject CN of the operator certificate bound to this user; null = none. */
  certificateName: string | null;
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
  password_changed_ms: number | null;
  totp_secret: string | null;
  cert_name: string | null;
  /** From login_failures: the temporary lock after too many failed logins. */
  temp_locked_until_ms: number | null;
}

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
  lockedUntilMs: row.temp_locked_until_ms,
  passwordChangedMs: row.password_changed_ms ?? row.created_at_ms,
  totpEnabled: row.totp_secret !== null,
  certificateName: row.cert_name,
});

const SELECT_USERS =
  'SELECT users.*, login_failures.locked_until_ms AS temp_locked_until_ms FROM users LEFT JOIN login_failures USING (username)';

/** What ends when a user's password changes: every session but the one it was changed from, every API token. */
export interface EndedAccess {
  sessions: number;
  tokens: number;
}

export interface UserAdminDeps {
  policies: Policies;
  totp: TotpStore;
  /** Checks a scope root (a node id) exists; null when no topology is loaded (CLI). */
  knownNode: ((id: string) => boolean) | null;
  /** Display path of a scope root, for UserView.scopePath. */
  scopePath: (scope: string) => string[];
  now: () => number;
}

export class UserAdmin {
  private readonly failures: LoginFailures;
  private readonly history: PasswordHistory;
  private readonly now: () => number;

  constructor(
    private readonly db: IdentityDb,
    private readonly audit: AuditTrail,
    private readonly deps: UserAdminDeps,
  ) {
    this.now = deps.now;
    this.failures = new LoginFailures(db, () => deps.policies.lockout(), deps.now);
    this.history = new PasswordHistory(db);
  }

  count(): number {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM users').get() as { n: number }).n;
  }

  get(username: string): UserRecord | undefined {
    const row = this.db.prepare(`${SELECT_USERS} WHERE username = ?`).get(username) as UserRow | undefined;
    return row && toRecord(row);
  }

  list(): UserRecord[] {
    return (this.db.prepare(`${SELECT_USERS} ORDER BY username`).all() as UserRow[]).map(toRecord);
  }

  view(user: UserRecord): UserView {
    return {
      username: user.username,
      displayName: user.displayName,
      role: user.role,
      scope: user.scope,
      scopePath: user.scope === null ? [] : this.deps.scopePath(user.scope),
      createdAtMs: user.createdAtMs,
      lastLoginMs: user.lastLoginMs,
      locked: user.locked || (user.lockedUntilMs !== null && user.lockedUntilMs > this.now()),
      totpEnabled: user.totpEnabled,
      passwordExpiresAtMs: passwordExpiry(user.passwordChangedMs, this.deps.policies.account()),
      certificateName: user.certificateName,
    };
  }

  /** What a signed-in user must do before anything else, if anything. */
  restrictionOf(user: UserRecord): SessionRestriction | null {
    const expiresAtMs = passwordExpiry(user.passwordChangedMs, this.deps.policies.account());
    if (expiresAtMs !== null && expiresAtMs <= this.now()) return 'password-expired';
    if (!user.totpEnabled && this.deps.policies.totpRequiredFor(user.role)) return 'totp-enrolment';
    return null;
  }

  /** The user an operator certificate with this subject CN signs in as: the one bound to it, else the one so named. */
  byCertificateName(commonName: string): UserRecord | undefined {
    const bound = this.db.prepare(`${SELECT_USERS} WHERE cert_name = ?`).get(commonName) as
      UserRow | undefined;
    if (bound) return toRecord(bound);
    const named = this.get(commonName.toLowerCase());
    return named && named.certificateName === null ? named : undefined;
  }

  /** A new password must meet the account policy and repeat none of the user's recent ones. */
  private async newPasswordProblem(username: string | null, password: string): Promise<string | null> {
    const policy = this.deps.policies.account();
    const problem = passwordProblem(password, policy);
    if (problem) return problem;
    if (username !== null && (await this.history.repeats(username, password, policy.historyCount)))
      return `must differ from your last ${policy.historyCount} password(s)`;
    return null;
  }

  private async setPassword(username: string, password: string): Promise<void> {
    const hash = await hashPassword(password);
    const now = this.now();
    this.db
      .prepare('UPDATE users SET password_hash = ?, password_changed_ms = ? WHERE username = ?')
      .run(hash, now, username);
    this.history.remember(username, hash, now, this.deps.policies.account().historyCount);
  }

  private checkScope(scope: string | null): Outcome<null> {
    if (scope !== null && this.deps.knownNode !== null && !this.deps.knownNode(scope))
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
    if (!USER_ROLES.includes(request.role))
      return refuse(422, 'invalid_role', `role must be one of ${USER_ROLES.join(', ')}`, 'role');
    const scope = this.checkScope(request.scope);
    if (!scope.ok) return scope;
    const problem = await this.newPasswordProblem(null, request.password);
    if (problem) return refuse(422, 'weak_password', `password ${problem}`, 'password');
    if (this.get(request.username))
      return refuse(409, 'user_exists', `user "${request.username}" already exists`, 'username');
    this.db
      .prepare(
        'INSERT INTO users (username, display_name, role, scope, password_hash, created_at_ms) VALUES (?, ?, ?, ?, ?, ?)',
      )
      .run(request.username, request.displayName, request.role, request.scope, '', this.now());
    await this.setPassword(request.username, request.password);
    this.audit.record({
      ...by,
      action: 'user.create',
      target: request.username,
      detail: `role=${request.role} scope=${request.scope ?? '*'}`,
    });
    return { ok: true, value: this.get(request.username) as UserRecord };
  }

  /**
   * Change a user. A new password ends all of the user's sessions but `keepSessionRawId` (the
   * caller's own when users change their own password) and revokes all of the user's API tokens.
   */
  async update(
    username: string,
    request: UpdateUserRequest,
    by: Actor,
    keepSessionRawId: string | null = null,
  ): Promise<Outcome<UserRecord>> {
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
    if (request.certificateName) {
      const holder = this.byCertificateName(request.certificateName);
      if (holder && holder.username !== username)
        return refuse(
          409,
          'certificate_bound',
          `certificate name "${request.certificateName}" already signs in as "${holder.username}"`,
          'certificateName',
        );
    }
    if (request.password !== undefined) {
      const problem = await this.newPasswordProblem(username, request.password);
      if (problem) return refuse(422, 'weak_password', `password ${problem}`, 'password');
      await this.setPassword(username, request.password);
      changes.push('password changed');
      const ended = this.endAccess(username, keepSessionRawId);
      changes.push(`${ended.sessions} session(s) ended, ${ended.tokens} token(s) revoked`);
    }
    if (request.displayName !== undefined)
      set('display_name', request.displayName, `displayName=${request.displayName}`);
    if (request.role !== undefined && request.role !== user.role) {
      set('role', request.role, `role=${request.role}`);
      this.audit.record({
        ...by,
        action: 'user.role',
        target: username,
        detail: `${user.role} → ${request.role}`,
      });
    }
    if (request.certificateName !== undefined)
      set('cert_name', request.certificateName, `certificateName=${request.certificateName ?? '-'}`);
    if (request.totp === false && user.totpEnabled) {
      this.deps.totp.remove(username);
      changes.push('second factor (TOTP) reset');
    }
    if (request.scope !== undefined) set('scope', request.scope, `scope=${request.scope ?? '*'}`);
    if (request.locked !== undefined) {
      set('locked', request.locked ? 1 : 0, request.locked ? 'locked' : 'unlocked');
      if (!request.locked) this.failures.clear(username);
      if (request.locked) this.db.prepare('DELETE FROM sessions WHERE username = ?').run(username);
    }
    this.audit.record({ ...by, action: 'user.update', target: username, detail: changes.join(', ') });
    return { ok: true, value: this.get(username) as UserRecord };
  }

  private endAccess(username: string, keepSessionRawId: string | null): EndedAccess {
    const keep = keepSessionRawId === null ? '' : createHash('sha256').update(keepSessionRawId).digest('hex');
    const sessions = this.db
      .prepare('DELETE FROM sessions WHERE username = ? AND id_hash != ?')
      .run(username, keep).changes;
    const tokens = this.db.prepare('DELETE FROM api_tokens WHERE username = ?').run(username).changes;
    return { sessions, tokens };
  }

  /** A sign-in that needed no password (operator certificate): the lockout count restarts too. */
  noteSignIn(username: string): void {
    this.failures.clear(username);
    this.db.prepare('UPDATE users SET last_login_ms = ? WHERE username = ?').run(this.now(), username);
  }

  /** Forget failed-login counts whose lock ran out (called with the session purge). */
  purgeLoginFailures(): number {
    return this.failures.purge();
  }

  remove(username: string, by: Actor): Outcome<null> {
    const result = this.db.prepare('DELETE FROM users WHERE username = ?').run(username);
    if (result.changes === 0) return refuse(404, 'not_found', `no user "${username}"`);
    this.audit.record({ ...by, action: 'user.delete', target: username });
    return { ok: true, value: null };
  }

  /**
   * Check a password. The attempt is counted before the slow check (parallel guesses cannot slip
   * past the lockout), and unknown names, disabled users and known users take the same path, time
   * and answers: a lock, when it comes, comes after the same number of attempts for all of them.
   * Records login / login.failed in the audit trail.
   */
  async authenticate(
    username: string,
    password: string,
    from: string,
    purpose: 'login' | 'password.verify' | 'totp.replace' = 'login',
    totpCode?: string,
  ): Promise<Outcome<UserRecord>> {
    const gate = this.failures.startAttempt(username);
    const row = this.db.prepare('SELECT * FROM users WHERE username = ?').get(username) as
      Pick<UserRow, 'password_hash' | 'locked'> | undefined;
    const failed = (detail: string) =>
      this.audit.record({ actor: username, action: `${purpose}.failed`, target: username, detail, from });
    if (gate.locked) {
      await verifyPassword(password, await decoyHash());
      failed('locked after repeated failures');
      const minutes = Math.ceil((gate.untilMs - this.now()) / 60_000);
      return refuse(
        429,
        'account_locked',
        `too many failed logins; this account is locked for ${minutes} more minute(s)`,
      );
    }
    const usable = row !== undefined && row.locked === 0;
    const matches = await verifyPassword(password, usable ? row.password_hash : await decoyHash());
    if (!usable || !matches) {
      failed(row === undefined ? 'unknown user' : usable ? 'wrong password' : 'account disabled');
      return refuse(401, 'bad_credentials', 'wrong username or password, or the account is disabled');
    }
    // The count is cleared only after the second factor too: codes cannot be guessed past the lockout.
    const second = purpose === 'password.verify' ? null : this.checkSecondFactor(username, totpCode, failed);
    if (second !== null && !second.ok) return second;
    this.failures.clear(username);
    if (purpose === 'login')
      this.db.prepare('UPDATE users SET last_login_ms = ? WHERE username = ?').run(this.now(), username);
    this.audit.record({
      actor: username,
      action: purpose,
      target: username,
      detail: second?.value ?? '',
      from,
    });
    return { ok: true, value: this.get(username) as UserRecord };
  }

  /** After a right password: the TOTP or recovery code, when the user has a second factor. */
  private checkSecondFactor(
    username: string,
    code: string | undefined,
    failed: (detail: string) => void,
  ): Outcome<string> | null {
    if (!this.deps.totp.enabled(username)) return null;
    if (code === undefined || code.trim() === '')
      return refuse(
        401,
        'totp_required',
        'enter the 6-digit code from your authenticator app (or a recovery code)',
        'totpCode',
      );
    const used = this.deps.totp.use(username, code);
    if (used === 'replayed') {
      failed('second-factor code used before');
      return refuse(401, 'totp_replayed', 'that code was already used; wait for the next one', 'totpCode');
    }
    if (used === null) {
      failed('wrong second-factor code');
      return refuse(401, 'totp_invalid', 'wrong code', 'totpCode');
    }
    return {
      ok: true,
      value:
        used === 'totp'
          ? 'with TOTP'
          : `with a recovery code (${this.deps.totp.recoveryCodesLeft(username)} left)`,
    };
  }
}

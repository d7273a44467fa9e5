/**
 * Sessions (cookie) and API tokens (Authorization: Bearer). Both are 256-bit random values handed
 * out once; only their SHA-256 is stored, so a copy of the database opens no session. The CSRF token
 * of a session is an HMAC of the raw session id: it needs no storage and survives a restart.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IdentityDb } from './db';

export const SESSION_COOKIE = 'egov_session';
export const TOKEN_PREFIX = 'egt_';

const sha256 = (value: string): string => createHash('sha256').update(value).digest('hex');
const randomSecret = (): string => randomBytes(32).toString('base64url');

export function csrfTokenFor(rawSessionId: string): string {
  return createHmac('sha256', rawSessionId).update('egov-noc csrf v1').digest('base64url');
}

export function csrfMatches(rawSessionId: string, presented: string | undefined): boolean {
  if (presented === undefined) return false;
  const expected = Buffer.from(csrfTokenFor(rawSessionId));
  const actual = Buffer.from(presented);
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

export interface SessionRecord {
  username: string;
  expiresAtMs: number;
}

export interface ApiTokenRecord {
  id: number;
  username: string;
  name: string;
  createdAtMs: number;
  lastUsedMs: number | null;
}

interface TokenRow {
  id: number;
  username: string;
  name: string;
  created_at_ms: number;
  last_used_ms: number | null;
}

export class SessionStore {
  constructor(
    private readonly db: IdentityDb,
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** A new session; the raw id goes into the cookie and is never stored. */
  create(username: string, fromIp: string): { rawId: string; expiresAtMs: number } {
    const rawId = randomSecret();
    const now = this.now();
    const expiresAtMs = now + this.ttlMs;
    this.db
      .prepare(
        'INSERT INTO sessions (id_hash, username, created_at_ms, expires_at_ms, from_ip) VALUES (?, ?, ?, ?, ?)',
      )
      .run(sha256(rawId), username, now, expiresAtMs, fromIp);
    return { rawId, expiresAtMs };
  }

  /** The live session for a cookie value, its expiry slid forward; undefined when unknown or expired. */
  touch(rawId: string): SessionRecord | undefined {
    const idHash = sha256(rawId);
    const row = this.db
      .prepare('SELECT username, expires_at_ms FROM sessions WHERE id_hash = ?')
      .get(idHash) as { username: string; expires_at_ms: number } | undefined;
    if (!row) return undefined;
    const now = this.now();
    if (row.expires_at_ms <= now) {
      this.db.prepare('DELETE FROM sessions WHERE id_hash = ?').run(idHash);
      return undefined;
    }
    const expiresAtMs = now + this.ttlMs;
    // Slide the expiry, writing at most about once a minute per session.
    if (expiresAtMs - row.expires_at_ms > 60_000)
      this.db.prepare('UPDATE sessions SET expires_at_ms = ? WHERE id_hash = ?').run(expiresAtMs, idHash);
    return { username: row.username, expiresAtMs: Math.max(expiresAtMs, row.expires_at_ms) };
  }

  remove(rawId: string): void {
    this.db.prepare('DELETE FROM sessions WHERE id_hash = ?').run(sha256(rawId));
  }

  purgeExpired(): number {
    return this.db.prepare('DELETE FROM sessions WHERE expires_at_ms <= ?').run(this.now()).changes;
  }

  createToken(username: string, name: string): { token: string; record: ApiTokenRecord } {
    const token = `${TOKEN_PREFIX}${randomSecret()}`;
    const now = this.now();
    const result = this.db
      .prepare('INSERT INTO api_tokens (token_hash, username, name, created_at_ms) VALUES (?, ?, ?, ?)')
      .run(sha256(token), username, name, now);
    return {
      token,
      record: { id: Number(result.lastInsertRowid), username, name, createdAtMs: now, lastUsedMs: null },
    };
  }

  /** The user a bearer token acts as, or undefined. */
  useToken(token: string): ApiTokenRecord | undefined {
    const row = this.db
      .prepare('SELECT id, username, name, created_at_ms, last_used_ms FROM api_tokens WHERE token_hash = ?')
      .get(sha256(token)) as TokenRow | undefined;
    if (!row) return undefined;
    const now = this.now();
    if (row.last_used_ms === null || now - row.last_used_ms > 60_000)
      this.db.prepare('UPDATE api_tokens SET last_used_ms = ? WHERE id = ?').run(now, row.id);
    return {
      id: row.id,
      username: row.username,
      name: row.name,
      createdAtMs: row.created_at_ms,
      lastUsedMs: now,
    };
  }

  listTokens(username: string): ApiTokenRecord[] {
    const rows = this.db
      .prepare(
        'SELECT id, username, name, created_at_ms, last_used_ms FROM api_tokens WHERE username = ? ORDER BY id',
      )
      .all(username) as TokenRow[];
    return rows.map((row) => ({
      id: row.id,
      username: row.username,
      name: row.name,
      createdAtMs: row.created_at_ms,
      lastUsedMs: row.last_used_ms,
    }));
  }

  removeToken(username: string, id: number): boolean {
    return (
      this.db.prepare('DELETE FROM api_tokens WHERE id = ? AND username = ?').run(id, username).changes > 0
    );
  }
}

/**
 * Failed login attempts per username+IP in a sliding window (in memory: a restart forgives, the
 * per-account lockout in the users table does not). Successful logins are not counted.
 */
export class LoginRateLimiter {
  private readonly failures = new Map<string, number[]>();
  constructor(
    private readonly maxAttempts = 10,
    private readonly windowMs = 5 * 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  private recent(key: string): number[] {
    const now = this.now();
    const recent = (this.failures.get(key) ?? []).filter((at) => at > now - this.windowMs);
    if (recent.length > 0) this.failures.set(key, recent);
    else this.failures.delete(key);
    return recent;
  }

  /** Seconds to wait before this username may try again from this address; 0 = go ahead. */
  blockedForS(username: string, ip: string): number {
    const recent = this.recent(`${username}\u0000${ip}`);
    if (recent.length < this.maxAttempts) return 0;
    return Math.max(1, Math.ceil(((recent[0] ?? this.now()) + this.windowMs - this.now()) / 1000));
  }

  recordFailure(username: string, ip: string): void {
    const key = `${username}\u0000${ip}`;
    this.failures.set(key, [...this.recent(key), this.now()]);
    if (this.failures.size > 10_000) for (const other of [...this.failures.keys()]) this.recent(other);
  }
}

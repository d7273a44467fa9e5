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

/** How a session was opened (SessionResponse.method). */
export type SignInMethod = 'password' | 'password+totp' | 'certificate';

export interface SessionRecord {
  username: string;
  expiresAtMs: number;
  method: SignInMethod;
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
    /** Sliding lifetime: the idle timeout of the account policy (at most the configured session TTL). */
    private readonly ttlMs: () => number,
    private readonly now: () => number = Date.now,
  ) {}

  /** A new session; the raw id goes into the cookie and is never stored. */
  create(
    username: string,
    fromIp: string,
    method: SignInMethod = 'password',
  ): { rawId: string; expiresAtMs: number } {
    const rawId = randomSecret();
    const now = this.now();
    const expiresAtMs = now + this.ttlMs();
    this.db
      .prepare(
        'INSERT INTO sessions (id_hash, username, created_at_ms, expires_at_ms, from_ip, method) VALUES (?, ?, ?, ?, ?, ?)',
      )
      .run(sha256(rawId), username, now, expiresAtMs, fromIp, method);
    return { rawId, expiresAtMs };
  }

  /** The live session for a cookie value, its expiry slid forward; undefined when unknown or expired. */
  touch(rawId: string): SessionRecord | undefined {
    const idHash = sha256(rawId);
    const row = this.db
      .prepare('SELECT username, expires_at_ms, method FROM sessions WHERE id_hash = ?')
      .get(idHash) as { username: string; expires_at_ms: number; method: SignInMethod } | undefined;
    if (!row) return undefined;
    const now = this.now();
    if (row.expires_at_ms <= now) {
      this.db.prepare('DELETE FROM sessions WHERE id_hash = ?').run(idHash);
      return undefined;
    }
    const ttlMs = this.ttlMs();
    const expiresAtMs = now + ttlMs;
    // Slide the expiry, writing at most about once a minute per session (a 60th of short timeouts).
    if (expiresAtMs - row.expires_at_ms > Math.min(60_000, ttlMs / 60))
      this.db.prepare('UPDATE sessions SET expires_at_ms = ? WHERE id_hash = ?').run(expiresAtMs, idHash);
    return {
      username: row.username,
      expiresAtMs: Math.max(expiresAtMs, row.expires_at_ms),
      method: row.method,
    };
  }

  /** Whether a session is live, without sliding its expiry (the stream's re-check). */
  isLive(rawId: string): boolean {
    const row = this.db.prepare('SELECT expires_at_ms FROM sessions WHERE id_hash = ?').get(sha256(rawId)) as
      { expires_at_ms: number } | undefined;
    return row !== undefined && row.expires_at_ms > this.now();
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

  /** Whether a bearer token still exists, without marking it used (the stream's re-check). */
  tokenExists(token: string): boolean {
    return this.db.prepare('SELECT 1 FROM api_tokens WHERE token_hash = ?').get(sha256(token)) !== undefined;
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

/**
 * TOTP second factor (RFC 6238: SHA-1, 6 digits, 30 s, as every authenticator app and Debian's
 * oathtool compute it). Enrolment is confirmed by a first code; a code is accepted once (the
 * newest used time step is kept, so a replay inside its window is refused); recovery codes are
 * shown once and kept only as SHA-256 hashes (they are 64 random bits, not passwords). Seeds are
 * kept sealed (secret-box.ts: SM4 + HMAC-SM3); a seed an older version stored plain is read and
 * sealed by `sealPlainSecrets`.
 */
import { createHash, randomBytes } from 'node:crypto';
import { Secret, TOTP } from 'otpauth';
import QRCode from 'qrcode';
import type { TotpEnrolmentResponse } from '../../shared';
import type { IdentityDb } from './db';
import { refuse, type Outcome } from './outcome';
import { isSealed, type SecretBox } from './secret-box';

const PERIOD_S = 30;
const DIGITS = 6;
/** One step either side: a phone clock 30 s off still works. */
const WINDOW = 1;
const RECOVERY_CODES = 10;
const ISSUER = 'egov-noc';

const totpFor = (secret: string, username: string) =>
  new TOTP({
    issuer: ISSUER,
    label: username,
    algorithm: 'SHA1',
    digits: DIGITS,
    period: PERIOD_S,
    secret: Secret.fromBase32(secret),
  });

const hashCode = (code: string) => createHash('sha256').update(normalizeRecovery(code)).digest('hex');
const normalizeRecovery = (code: string) => code.toLowerCase().replace(/[^0-9a-f]/g, '');

function newRecoveryCode(): string {
  const hex = randomBytes(8).toString('hex');
  return hex.match(/.{4}/g)?.join('-') ?? hex;
}

interface TotpRow {
  totp_secret: string | null;
  totp_pending_secret: string | null;
  totp_last_step: number | null;
}

export type SecondFactorUse = 'totp' | 'recovery';

export class TotpStore {
  constructor(
    private readonly db: IdentityDb,
    private readonly box: SecretBox,
    private readonly now: () => number = Date.now,
  ) {}

  private reveal(stored: string): string {
    return isSealed(stored) ? this.box.open(stored) : stored;
  }

  /** How many stored seeds are sealed, and whether their key file is there (`serve` refuses to start without it). */
  sealedState(): { sealed: number; keyPresent: boolean } {
    const rows = this.db
      .prepare('SELECT totp_secret AS s FROM users UNION ALL SELECT totp_pending_secret FROM users')
      .all() as Array<{ s: string | null }>;
    return {
      sealed: rows.filter((row) => row.s !== null && isSealed(row.s)).length,
      keyPresent: this.box.keyExists(),
    };
  }

  /** Seal every seed still stored plain (written before seeds were sealed); returns how many. */
  sealPlainSecrets(): number {
    const rows = this.db
      .prepare('SELECT username, totp_secret, totp_pending_secret FROM users')
      .all() as Array<{ username: string; totp_secret: string | null; totp_pending_secret: string | null }>;
    const seal = (value: string | null) => (value === null || isSealed(value) ? value : this.box.seal(value));
    let sealed = 0;
    const update = this.db.prepare(
      'UPDATE users SET totp_secret = ?, totp_pending_secret = ? WHERE username = ?',
    );
    this.db.transaction(() => {
      for (const row of rows) {
        const secret = seal(row.totp_secret);
        const pending = seal(row.totp_pending_secret);
        if (secret === row.totp_secret && pending === row.totp_pending_secret) continue;
        update.run(secret, pending, row.username);
        sealed += 1;
      }
    })();
    return sealed;
  }

  private row(username: string): TotpRow | undefined {
    return this.db
      .prepare('SELECT totp_secret, totp_pending_secret, totp_last_step FROM users WHERE username = ?')
      .get(username) as TotpRow | undefined;
  }

  enabled(username: string): boolean {
    return Boolean(this.row(username)?.totp_secret);
  }

  /** A new secret waiting for its first code; replaces an earlier unconfirmed one. */
  async begin(username: string): Promise<TotpEnrolmentResponse> {
    const secret = new Secret({ size: 20 }).base32;
    this.db
      .prepare('UPDATE users SET totp_pending_secret = ? WHERE username = ?')
      .run(this.box.seal(secret), username);
    const uri = totpFor(secret, username).toString();
    const qrSvg = await QRCode.toString(uri, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
    return { secret, uri, qrSvg };
  }

  /** The first code proves the app has the pending secret: it becomes the user's; recovery codes are made. */
  confirm(username: string, code: string): Outcome<string[]> {
    const stored = this.row(username)?.totp_pending_secret;
    if (!stored)
      return refuse(409, 'no_enrolment', 'start an enrolment first (POST /api/session/totp)', 'code');
    const step = this.matchingStep(this.reveal(stored), code);
    if (step === null)
      return refuse(422, 'totp_invalid', 'that code does not match; check the clock of the device', 'code');
    const codes = Array.from({ length: RECOVERY_CODES }, newRecoveryCode);
    this.db.transaction(() => {
      this.db
        .prepare(
          'UPDATE users SET totp_secret = ?, totp_pending_secret = NULL, totp_last_step = ? WHERE username = ?',
        )
        .run(isSealed(stored) ? stored : this.box.seal(stored), step, username);
      this.db.prepare('DELETE FROM recovery_codes WHERE username = ?').run(username);
      const insert = this.db.prepare('INSERT INTO recovery_codes (username, code_hash) VALUES (?, ?)');
      for (const recovery of codes) insert.run(username, hashCode(recovery));
    })();
    return { ok: true, value: codes };
  }

  /**
   * Checks a sign-in code: a TOTP code newer than the last one used, or an unused recovery code
   * (then spent). Null when neither.
   */
  use(username: string, code: string): SecondFactorUse | 'replayed' | null {
    const row = this.row(username);
    if (!row?.totp_secret) return null;
    const trimmed = code.replace(/\s/g, '');
    if (/^\d{6}$/.test(trimmed)) {
      const step = this.matchingStep(this.reveal(row.totp_secret), trimmed);
      if (step === null) return null;
      // Compare-and-set in one statement: two parallel sign-ins with one code cannot both pass.
      const claimed = this.db
        .prepare(
          'UPDATE users SET totp_last_step = ? WHERE username = ? AND (totp_last_step IS NULL OR totp_last_step < ?)',
        )
        .run(step, username, step).changes;
      return claimed === 1 ? 'totp' : 'replayed';
    }
    const spent = this.db
      .prepare(
        'UPDATE recovery_codes SET used_at_ms = ? WHERE rowid = (SELECT rowid FROM recovery_codes WHERE username = ? AND code_hash = ? AND used_at_ms IS NULL LIMIT 1)',
      )
      .run(this.now(), username, hashCode(trimmed)).changes;
    return spent === 1 ? 'recovery' : null;
  }

  recoveryCodesLeft(username: string): number {
    return (
      this.db
        .prepare('SELECT COUNT(*) AS n FROM recovery_codes WHERE username = ? AND used_at_ms IS NULL')
        .get(username) as { n: number }
    ).n;
  }

  /** An administrator's reset (or the user's own removal): the user enrols again. */
  remove(username: string): void {
    this.db.transaction(() => {
      this.db
        .prepare(
          'UPDATE users SET totp_secret = NULL, totp_pending_secret = NULL, totp_last_step = NULL WHERE username = ?',
        )
        .run(username);
      this.db.prepare('DELETE FROM recovery_codes WHERE username = ?').run(username);
    })();
  }

  /** The time step a code belongs to (within the window), or null. */
  private matchingStep(secret: string, code: string): number | null {
    const timestamp = this.now();
    const delta = totpFor(secret, '').validate({ token: code.replace(/\s/g, ''), timestamp, window: WINDOW });
    if (delta === null) return null;
    return Math.floor(timestamp / 1000 / PERIOD_S) + delta;
  }
}

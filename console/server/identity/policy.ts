/**
 * Account policy (password complexity, expiry, history, idle timeout, lockout; the system
 * administrator's) and security policy (mandatory TOTP; the security administrator's), kept in
 * console.sqlite and read on every check, so a change applies at once to every process.
 */
import type { AccountPolicy, SecurityPolicy, UserRole } from '../../shared';
import { SECOND_FACTOR_ROLES } from '../../shared';
import type { IdentityDb } from './db';
import type { LockoutPolicy } from './login-failures';
import { readSetting, writeSetting } from './settings';

export const DEFAULT_ACCOUNT_POLICY: AccountPolicy = {
  minLength: 12,
  minClasses: 3,
  expiryDays: 90,
  historyCount: 5,
  idleTimeoutMin: 15,
  lockoutAttempts: 5,
  lockoutMinutes: 15,
};

export const DEFAULT_SECURITY_POLICY: SecurityPolicy = { totpRequired: false };

/** Bounds a policy must stay within (the schema for PUT /api/policy/account uses them). */
export const ACCOUNT_POLICY_BOUNDS: Record<keyof AccountPolicy, { min: number; max: number }> = {
  minLength: { min: 8, max: 128 },
  minClasses: { min: 1, max: 4 },
  expiryDays: { min: 0, max: 3650 },
  historyCount: { min: 0, max: 24 },
  idleTimeoutMin: { min: 1, max: 24 * 60 },
  lockoutAttempts: { min: 3, max: 100 },
  lockoutMinutes: { min: 1, max: 24 * 60 },
};

const ACCOUNT_KEY = 'account_policy';
const SECURITY_KEY = 'security_policy';

export class Policies {
  constructor(private readonly db: IdentityDb) {}

  account(): AccountPolicy {
    return { ...DEFAULT_ACCOUNT_POLICY, ...readSetting<Partial<AccountPolicy>>(this.db, ACCOUNT_KEY) };
  }

  security(): SecurityPolicy {
    return { ...DEFAULT_SECURITY_POLICY, ...readSetting<Partial<SecurityPolicy>>(this.db, SECURITY_KEY) };
  }

  setAccount(policy: AccountPolicy): void {
    writeSetting(this.db, ACCOUNT_KEY, policy);
  }

  setSecurity(policy: SecurityPolicy): void {
    writeSetting(this.db, SECURITY_KEY, policy);
  }

  lockout(): LockoutPolicy {
    const policy = this.account();
    return { maxFailures: policy.lockoutAttempts, lockMs: policy.lockoutMinutes * 60_000 };
  }

  /** Whether the security policy makes a second factor mandatory for this role. */
  totpRequiredFor(role: UserRole): boolean {
    return this.security().totpRequired && (SECOND_FACTOR_ROLES as readonly UserRole[]).includes(role);
  }
}

const CLASSES: Array<[RegExp, string]> = [
  [/\p{Ll}/u, 'lower-case letters'],
  [/\p{Lu}/u, 'upper-case letters'],
  [/\p{Nd}/u, 'digits'],
  [/[^\p{Ll}\p{Lu}\p{Nd}]/u, 'other characters'],
];

/** Why a password breaks the policy's length and complexity rules; null when it does not. */
export function passwordProblem(password: string, policy: AccountPolicy): string | null {
  if (password.length < policy.minLength) return `must be at least ${policy.minLength} characters`;
  if (password.length > 256) return 'must be at most 256 characters';
  const present = CLASSES.filter(([pattern]) => pattern.test(password)).length;
  if (present < policy.minClasses)
    return `must mix at least ${policy.minClasses} of: ${CLASSES.map(([, name]) => name).join(', ')} (it has ${present})`;
  return null;
}

/** When a password set at `changedMs` expires; null when the policy never expires passwords. */
export function passwordExpiry(changedMs: number, policy: AccountPolicy): number | null {
  return policy.expiryDays === 0 ? null : changedMs + policy.expiryDays * 86_400_000;
}

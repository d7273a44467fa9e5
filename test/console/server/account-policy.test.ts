/**
 * Account policy, enforced in the identity store with a fake clock: complexity, history, expiry
 * (the session must change the password first), the idle timeout, and lockout from the policy.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { openIdentity, type Identity } from '../../../console/server';
import { DEFAULT_ACCOUNT_POLICY, passwordProblem } from '../../../console/server/identity';

let nowMs: number;
let identity: Identity;
const by = { actor: 'test', from: 'local' };
const GOOD = 'Nanyang-duty-2026';

beforeEach(async () => {
  nowMs = Date.parse('2026-03-01T08:00:00Z');
  identity = openIdentity(mkdtempSync(join(tmpdir(), 'policy-')), { now: () => nowMs });
  const created = await identity.users.create(
    { username: 'duty', displayName: '值班', role: 'operator', scope: null, password: GOOD },
    by,
  );
  if (!created.ok) throw new Error(created.message);
});
afterEach(() => identity.close());

describe('password complexity', () => {
  test.each([
    ['Short-1', 'at least 12 characters'],
    ['alllowercaseletters', 'at least 3 of'],
    ['lowercase-and-symbols', 'at least 3 of'],
  ])('%s is refused (%s)', (password, reason) => {
    expect(passwordProblem(password, DEFAULT_ACCOUNT_POLICY)).toContain(reason);
  });

  test.each(['Nanyang-duty-2026', '南阳网管值班-duty-2026', 'correct-horse-battery-9'])(
    '%s is accepted',
    (password) => {
      expect(passwordProblem(password, DEFAULT_ACCOUNT_POLICY)).toBeNull();
    },
  );

  test('a policy change applies to the next password', async () => {
    identity.policies.setAccount({ ...DEFAULT_ACCOUNT_POLICY, minLength: 20 });
    const refused = await identity.users.update('duty', { password: 'Nanyang-duty-2027' }, by);
    expect(refused.ok || refused.message).toContain('at least 20 characters');
  });
});

test('a new password may not repeat any of the last five', async () => {
  const passwords = ['Nanyang-duty-2027', 'Nanyang-duty-2028', 'Nanyang-duty-2029', 'Nanyang-duty-2030'];
  for (const password of passwords)
    expect((await identity.users.update('duty', { password }, by)).ok).toBe(true);
  const repeated = await identity.users.update('duty', { password: GOOD }, by);
  expect(repeated.ok || repeated.message).toContain('must differ from your last 5');
  expect((await identity.users.update('duty', { password: 'Nanyang-duty-2031' }, by)).ok).toBe(true);
  // Six changes on, the first password is out of the history.
  expect((await identity.users.update('duty', { password: GOOD }, by)).ok).toBe(true);
}, 30_000);

test('after 90 days the password has expired: the session may only change it', async () => {
  const user = () => identity.users.get('duty');
  expect(identity.users.restrictionOf(user()!)).toBeNull();
  expect(identity.users.view(user()!).passwordExpiresAtMs).toBe(nowMs + 90 * 86_400_000);
  nowMs += 90 * 86_400_000;
  expect(identity.users.restrictionOf(user()!)).toBe('password-expired');
  expect((await identity.users.update('duty', { password: 'Nanyang-duty-2027' }, by)).ok).toBe(true);
  expect(identity.users.restrictionOf(user()!)).toBeNull();
  identity.policies.setAccount({ ...DEFAULT_ACCOUNT_POLICY, expiryDays: 0 });
  nowMs += 5000 * 86_400_000;
  expect(identity.users.restrictionOf(user()!)).toBeNull();
});

test('a session ends after 15 idle minutes; a request within them keeps it', () => {
  const { rawId } = identity.sessions.create('duty', '127.0.0.1');
  nowMs += 14 * 60_000;
  expect(identity.sessions.touch(rawId)).toBeDefined();
  nowMs += 14 * 60_000;
  expect(identity.sessions.touch(rawId)).toBeDefined();
  nowMs += 15 * 60_000 + 1;
  expect(identity.sessions.touch(rawId)).toBeUndefined();
});

test('lockout follows the policy', async () => {
  identity.policies.setAccount({ ...DEFAULT_ACCOUNT_POLICY, lockoutAttempts: 3, lockoutMinutes: 30 });
  for (let i = 0; i < 3; i += 1)
    expect((await identity.users.authenticate('duty', 'wrong-password', 'x')).ok).toBe(false);
  const locked = await identity.users.authenticate('duty', GOOD, 'x');
  expect(!locked.ok && locked.code).toBe('account_locked');
  nowMs += 30 * 60_000 + 1;
  expect((await identity.users.authenticate('duty', GOOD, 'x')).ok).toBe(true);
});

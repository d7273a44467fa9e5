/**
 * Login throttling as an attacker would probe it: parallel guesses, and whether the answers (or
 * their timing path) tell a known username from an unknown or disabled one.
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import { addUser, login, PASSWORD, startStack, type Stack } from '../console/server/support';

let stack: Stack;

beforeAll(async () => {
  stack = await startStack({ loginRateLimit: { maxAttempts: 1000, windowMs: 60_000 } });
  await addUser(stack, 'admin', 'sysadmin', null);
});
afterAll(() => stack.stop());

interface Answer {
  status: number;
  code: string;
  message: string;
}

async function attempt(url: string, username: string, password: string): Promise<Answer> {
  const response = await fetch(`${url}/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  const body = (await response.json()) as { error?: { code: string; message: string } };
  return { status: response.status, code: body.error?.code ?? 'ok', message: body.error?.message ?? '' };
}

test('parallel wrong guesses lock the account after exactly the configured count', async () => {
  await addUser(stack, 'parallel', 'viewer', null);
  const answers = await Promise.all(
    Array.from({ length: 20 }, (_, i) => attempt(stack.server.url, 'parallel', `wrong-guess-${i}-xyz`)),
  );
  expect(answers.filter((answer) => answer.status === 401)).toHaveLength(5);
  expect(answers.filter((answer) => answer.code === 'account_locked')).toHaveLength(15);
  expect((await attempt(stack.server.url, 'parallel', PASSWORD)).code).toBe('account_locked');
});

test('known, unknown and disabled usernames get the same answers, lock included', async () => {
  await addUser(stack, 'known-user', 'viewer', null);
  await addUser(stack, 'disabled-user', 'viewer', null);
  const admin = await login(stack.server.url, 'admin');
  await admin.api('/api/users/disabled-user', { method: 'PATCH', body: { locked: true } });

  const sequence = async (username: string, lastPassword: string) => {
    const answers: Answer[] = [];
    for (let i = 0; i < 6; i += 1)
      answers.push(await attempt(stack.server.url, username, 'wrong-password-1'));
    answers.push(await attempt(stack.server.url, username, lastPassword));
    return answers.map((answer) => ({ ...answer, message: answer.message.replace(/\d+ more/, 'N more') }));
  };
  const known = await sequence('known-user', PASSWORD);
  // The disabled user even uses the right password throughout its last attempt.
  expect(await sequence('no-such-user', PASSWORD)).toEqual(known);
  expect(await sequence('disabled-user', PASSWORD)).toEqual(known);
  expect(known.map((answer) => answer.code)).toEqual([
    'bad_credentials',
    'bad_credentials',
    'bad_credentials',
    'bad_credentials',
    'bad_credentials',
    'account_locked',
    'account_locked',
  ]);
});

test('a disabled user with the right password gets the wrong-password answer', async () => {
  await addUser(stack, 'off-duty', 'viewer', null);
  const admin = await login(stack.server.url, 'admin');
  await admin.api('/api/users/off-duty', { method: 'PATCH', body: { locked: true } });
  const disabled = await attempt(stack.server.url, 'off-duty', PASSWORD);
  const unknown = await attempt(stack.server.url, 'off-duty-nobody', PASSWORD);
  expect(disabled).toEqual(unknown);
  expect(disabled.status).toBe(401);
});

test('the per-address limit counts attempts when they start, so parallel attempts cannot exceed it', async () => {
  const limited = await startStack({ loginRateLimit: { maxAttempts: 3, windowMs: 60_000 } });
  try {
    await addUser(limited, 'target', 'viewer', null);
    const answers = await Promise.all(
      Array.from({ length: 12 }, () => attempt(limited.server.url, 'target', 'wrong-password-2')),
    );
    expect(answers.filter((answer) => answer.code === 'bad_credentials')).toHaveLength(3);
    expect(answers.filter((answer) => answer.code === 'rate_limited')).toHaveLength(9);
  } finally {
    await limited.stop();
  }
});

test('a successful login does not use up the per-address limit', async () => {
  const limited = await startStack({ loginRateLimit: { maxAttempts: 2, windowMs: 60_000 } });
  try {
    await addUser(limited, 'regular', 'viewer', null);
    for (let i = 0; i < 4; i += 1)
      expect((await attempt(limited.server.url, 'regular', PASSWORD)).code).toBe('ok');
  } finally {
    await limited.stop();
  }
});

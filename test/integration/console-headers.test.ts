/**
 * Every answer of the console carries its security headers, whichever path made it: a cached REST
 * list (set in place on the fast path, the body bytes intact), an error, the PKI's CRL, the ops
 * endpoints; and a request body over the limit is still refused on routes that take one.
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import { addUser, login, startStack, type Stack } from '../console/server/support';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ withPki: true });
  await addUser(stack, 'duty', 'operator', null);
});
afterAll(() => stack?.stop());

function expectSecurityHeaders(response: Response): void {
  expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  expect(response.headers.get('x-frame-options')).toBe('DENY');
  expect(response.headers.get('referrer-policy')).toBe('no-referrer');
}

test('the cached alert list: headers set, the same bytes on the second (cached) answer', async () => {
  const duty = await login(stack.server.url, 'duty');
  const first = await duty.api('/api/alerts?limit=100');
  const second = await duty.api('/api/alerts?limit=100');
  for (const response of [first, second]) {
    expectSecurityHeaders(response);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('content-type')).toBe('application/json');
  }
  const [firstText, secondText] = [await first.text(), await second.text()];
  expect(secondText).toBe(firstText);
  expect(JSON.parse(firstText)).toMatchObject({ alerts: [], seq: expect.any(Number) as number });
});

test('errors, the CRL and the ops endpoints carry them too', async () => {
  const answers = [
    await fetch(`${stack.server.url}/api/alerts`),
    await fetch(`${stack.server.url}/api/no-such-route`),
    await fetch(`${stack.server.url}/pki/crl/root.crl`),
    await fetch(`${stack.server.url}/healthz`),
  ];
  expect(answers.map((response) => response.status)).toEqual([401, 404, 200, 200]);
  for (const response of answers) expectSecurityHeaders(response);
  expect(answers[2]?.headers.get('content-security-policy')).toContain("default-src 'self'");
  expect((await answers[2]!.arrayBuffer()).byteLength).toBeGreaterThan(100);
});

test('a body over the limit is still refused on a route that takes one', async () => {
  const response = await fetch(`${stack.server.url}/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'duty', password: 'x'.repeat(300 * 1024) }),
  });
  expect(response.status).toBe(413);
});

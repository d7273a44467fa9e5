/** /readyz's checks: each named ok or failing, a hung dependency fails at the deadline, floods share one round. */
import { expect, test } from 'vitest';
import { checkReadiness, metricsRefusal, sharedReadiness } from '../../common';

test('each check is named ok or failing; the reason goes to onFailure, not into the report', async () => {
  const heard: string[] = [];
  const report = await checkReadiness(
    [
      {
        name: 'metrics-store',
        probe: () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:8086')),
      },
      { name: 'bus', probe: () => undefined },
    ],
    { onFailure: (name, error) => heard.push(`${name}: ${(error as Error).message}`) },
  );
  expect(report).toEqual({ ready: false, checks: { 'metrics-store': 'failing', bus: 'ok' } });
  expect(heard).toEqual(['metrics-store: connect ECONNREFUSED 127.0.0.1:8086']);
});

test('a dependency that never answers fails at the deadline', async () => {
  const report = await checkReadiness([{ name: 'bus', probe: () => new Promise(() => undefined) }], {
    timeoutMs: 20,
  });
  expect(report.checks).toEqual({ bus: 'failing' });
});

test('callers within the reuse window share one probe round', async () => {
  let probes = 0;
  let clockMs = 0;
  const readiness = sharedReadiness(
    [{ name: 'store', probe: () => void probes++ }],
    { reuseMs: 1000 },
    () => clockMs,
  );
  await Promise.all([readiness(), readiness(), readiness()]);
  expect(probes).toBe(1);
  clockMs = 1000;
  await readiness();
  expect(probes).toBe(2);
});

test('/metrics: loopback only without a token; with one, only its bearer, from anywhere', () => {
  const noToken = { token: null };
  expect(metricsRefusal(noToken, { remoteAddress: '127.0.0.1', authorization: undefined })).toBeNull();
  expect(metricsRefusal(noToken, { remoteAddress: '::ffff:127.0.0.1', authorization: undefined })).toBeNull();
  expect(metricsRefusal(noToken, { remoteAddress: '10.41.0.9', authorization: undefined })?.status).toBe(403);
  const withToken = { token: 's3cret-scrape' };
  expect(
    metricsRefusal(withToken, { remoteAddress: '10.41.0.9', authorization: 'Bearer s3cret-scrape' }),
  ).toBeNull();
  expect(metricsRefusal(withToken, { remoteAddress: '127.0.0.1', authorization: undefined })?.status).toBe(
    401,
  );
  expect(
    metricsRefusal(withToken, { remoteAddress: '127.0.0.1', authorization: 'Bearer wrong' })?.status,
  ).toBe(401);
});

import { describe, expect, it } from 'vitest';
import { describeLogStoreSpec, parseLogStoreSpec, redactSpec } from '../../../logs/store';

describe('log store specs', () => {
  it.each([
    ['sqlite:.data/logs.db', { kind: 'sqlite', path: '.data/logs.db' }],
    ['sqlite:///var/lib/egov-noc/logs.db', { kind: 'sqlite', path: '/var/lib/egov-noc/logs.db' }],
    ['memory', { kind: 'sqlite', path: ':memory:' }],
    [
      'postgres://db.example:6543/noc_logs',
      { kind: 'postgres', host: 'db.example', port: 6543, database: 'noc_logs' },
    ],
    ['postgresql://127.0.0.1/noc', { kind: 'postgres', host: '127.0.0.1', port: 5432, database: 'noc' }],
    ['postgres://[::1]:5433/noc', { kind: 'postgres', host: '::1', port: 5433, database: 'noc' }],
  ])('%s', (spec, expected) => {
    const parsed = parseLogStoreSpec(spec);
    expect(parsed).toEqual(expected);
    expect(parseLogStoreSpec(describeLogStoreSpec(parsed))).toEqual(parsed);
  });

  it.each([
    ['', /empty/],
    ['sqlite:', /names no file/],
    ['logs.db', /has no scheme/],
    ['mysql://db/logs', /unknown scheme "mysql:\/\/"/],
    ['postgres://db', /must name one database/],
    ['postgres://db/a/b', /must name one database/],
    ['postgres://db/logs?sslmode=disable', /query strings/],
    ['postgres://noc@db/logs', /must not carry credentials.*EGOV_NOC_LOGSTORE_USER/],
  ])('refuses %j with a reason', (spec, reason) => {
    expect(() => parseLogStoreSpec(spec)).toThrow(reason);
  });

  it('never quotes a password, whichever check refuses the spec', () => {
    const secret = 's3cr3t-pw';
    for (const spec of [
      `postgres://noc:${secret}@db/logs`,
      `postgress://noc:${secret}@db/logs`,
      `postgres://noc:${secret}@db/`,
      `postgres://noc:${secret}@db/logs?x=1`,
      `postgres://noc:${secret}@[bad/logs`,
      `mysql://noc:${secret}@db/logs`,
      `ftp://noc:${secret}@db`,
    ]) {
      expect(() => parseLogStoreSpec(spec)).toThrow();
      try {
        parseLogStoreSpec(spec);
      } catch (error) {
        expect(String(error)).not.toContain(secret);
      }
    }
    expect(redactSpec(`postgres://noc:${secret}@db/logs`)).toBe('postgres://[redacted]@db/logs');
  });
});

import { describe, expect, it } from 'vitest';
import { describeMetricsSpec, openMetricsStore, parseMetricsSpec } from '../../metrics';
import { memoryLogger } from '../../common';

describe('metrics store spec', () => {
  it.each([
    [
      'influx://127.0.0.1:8086/egov_noc',
      { kind: 'influx', protocol: 'http', host: '127.0.0.1', port: 8086, database: 'egov_noc' },
    ],
    [
      'influx://influx.noc.local/noc',
      { kind: 'influx', protocol: 'http', host: 'influx.noc.local', port: 8086, database: 'noc' },
    ],
    [
      'influxs://[::1]:9999/noc/',
      { kind: 'influx', protocol: 'https', host: '::1', port: 9999, database: 'noc' },
    ],
    ['sqlite:.data/metrics.db', { kind: 'embedded', path: '.data/metrics.db' }],
    ['sqlite:///var/lib/egov/metrics.db', { kind: 'embedded', path: '/var/lib/egov/metrics.db' }],
    ['/var/lib/egov/metrics.db', { kind: 'embedded', path: '/var/lib/egov/metrics.db' }],
    ['memory', { kind: 'embedded', path: ':memory:' }],
  ])('parses %s', (spec, expected) => {
    expect(parseMetricsSpec(spec)).toEqual(expected);
  });

  it.each([
    ['', /empty/],
    ['http://127.0.0.1:8086/noc', /unknown scheme "http:\/\/"/],
    ['influx://127.0.0.1:8086', /must name one database/],
    ['influx://127.0.0.1:8086/a/b', /must name one database/],
    ['influx://127.0.0.1:8086/noc?precision=s', /query strings/],
    ['sqlite:', /names no file/],
  ])('refuses %j clearly', (spec, message) => {
    expect(() => parseMetricsSpec(spec)).toThrow(message);
  });

  it('refuses credentials in the URL without echoing them', () => {
    let message = '';
    try {
      parseMetricsSpec('influx://admin:s3cret@127.0.0.1:8086/noc');
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('INFLUX_USERNAME');
    expect(message).not.toContain('s3cret');
  });

  it('describes a spec for logs', () => {
    expect(describeMetricsSpec(parseMetricsSpec('influxs://[::1]:9999/noc'))).toBe(
      'influxs://[::1]:9999/noc',
    );
    expect(describeMetricsSpec(parseMetricsSpec('memory'))).toBe('memory');
  });

  it('opens the store kind the spec names', () => {
    const logger = memoryLogger();
    expect(openMetricsStore('memory', { logger }).kind).toBe('embedded');
    expect(openMetricsStore('influx://127.0.0.1:8086/noc', { logger }).kind).toBe('influx');
    const withAccount = openMetricsStore('influx://127.0.0.1:8086/noc', {
      logger,
      credentials: { username: 'noc', password: 'x' },
    });
    expect(withAccount.kind).toBe('influx');
  });
});

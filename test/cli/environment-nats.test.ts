import { describe, expect, it } from 'vitest';
import { parseEnvironment } from '../../cli/environment';

const SEED = 'SUAIBDPBAUTWCWBKIO6XHQNINK5FWJW4OHLXC3HQ2KFE4PEJUA44CNHTC4';

describe('NATS settings from the environment', () => {
  it('turns account, TLS and JetStream variables into the values the bus is given', () => {
    const parsed = parseEnvironment({
      NATS_NKEY_SEED: SEED,
      NATS_TLS_CA: '/etc/egov/ca.pem',
      NATS_TLS_CERT: '/etc/egov/c.pem',
      NATS_TLS_KEY: '/etc/egov/c.key',
      NATS_TLS_SERVERNAME: 'nats.nanyang.gov.cn',
      EGOV_NOC_JETSTREAM: 'on',
      EGOV_NOC_JETSTREAM_MAX_AGE_H: '48',
      EGOV_NOC_JETSTREAM_MAX_MB: '512',
      EGOV_NOC_BUS_CONSUMER: 'console-b',
    });
    expect(parsed.ok && parsed.environment.nats).toEqual({
      account: { nkeySeed: SEED },
      tls: {
        caFile: '/etc/egov/ca.pem',
        certFile: '/etc/egov/c.pem',
        keyFile: '/etc/egov/c.key',
        servername: 'nats.nanyang.gov.cn',
      },
      jetstream: 'on',
      maxAgeS: 48 * 3600,
      maxBytes: 512 * 1024 * 1024,
      consumer: 'console-b',
    });
  });

  it('defaults: no account, no TLS, JetStream when the server has it', () => {
    const parsed = parseEnvironment({});
    expect(parsed.ok && parsed.environment.nats).toEqual({
      account: {},
      tls: undefined,
      jetstream: 'auto',
      maxAgeS: undefined,
      maxBytes: undefined,
      consumer: undefined,
    });
  });

  it('lists every bad NATS setting at once, never quoting the seed', () => {
    const parsed = parseEnvironment({
      NATS_USER: 'collector',
      NATS_PASSWORD: 'pw',
      NATS_NKEY_SEED: 'SUnot-a-seed-7731',
      NATS_TLS_CERT: '/c.pem',
      EGOV_NOC_JETSTREAM: 'always',
      EGOV_NOC_JETSTREAM_MAX_MB: '-1',
      EGOV_NOC_BUS_CONSUMER: 'console.a',
    });
    expect(parsed.ok).toBe(false);
    const problems = parsed.ok ? [] : parsed.problems;
    expect(problems).toEqual([
      'NATS_NKEY_SEED and NATS_USER are both set: a NATS account is one or the other',
      'NATS_NKEY_SEED is not a user nkey seed (it starts with SU: nk -gen user, or nsc)',
      'NATS_TLS_CERT and NATS_TLS_KEY go together: set both or neither',
      'NATS_TLS_CERT is set but NATS_TLS_CA is not: name the CA bundle that issued the server certificate',
      'EGOV_NOC_JETSTREAM "always" must be one of auto, on, off',
      'EGOV_NOC_JETSTREAM_MAX_MB must be a positive number, got "-1"',
      'EGOV_NOC_BUS_CONSUMER must be 1–64 letters, digits, _ or -',
    ]);
    expect(problems.join('\n')).not.toContain('7731');
  });
});

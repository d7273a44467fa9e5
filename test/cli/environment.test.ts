import { describe, expect, it } from 'vitest';
import { parseEnvironment } from '../../cli/environment';

const problemsOf = (vars: Record<string, string | undefined>) => {
  const parsed = parseEnvironment(vars);
  return parsed.ok ? [] : parsed.problems;
};

describe('the environment, read once at the CLI edge', () => {
  it('turns the variables into the values the parts are given', () => {
    const parsed = parseEnvironment({
      LOG_LEVEL: 'Debug',
      NATS_USER: 'noc',
      NATS_PASSWORD: 'nats-pw',
      INFLUX_URL: 'influx://127.0.0.1:8086/noc',
      INFLUX_USERNAME: 'admin',
      INFLUX_PASSWORD: 'influx-pw',
      EGOV_CA_PASSPHRASE: 'ca-pass',
      EGOV_NOC_BUS: 'nats://127.0.0.1:4222',
      NOC_WEBHOOK_AUTH: 'Bearer x',
      GRAFANA_TOKEN: '',
    });
    expect(parsed.ok && parsed.environment).toMatchObject({
      logLevel: 'debug',
      natsAccount: { user: 'noc', pass: 'nats-pw' },
      influxUrl: 'influx://127.0.0.1:8086/noc',
      influxCredentials: { username: 'admin', password: 'influx-pw' },
      caPassphrase: 'ca-pass',
      bus: 'nats://127.0.0.1:4222',
      grafanaToken: undefined,
      named: { NOC_WEBHOOK_AUTH: 'Bearer x', EGOV_CA_PASSPHRASE: 'ca-pass' },
    });
  });

  it('treats unset and empty alike: no account, no level, the commands use their defaults', () => {
    const parsed = parseEnvironment({ NATS_USER: '', NATS_PASSWORD: '', LOG_LEVEL: '' });
    expect(parsed.ok && parsed.environment).toMatchObject({
      logLevel: undefined,
      natsAccount: {},
      influxCredentials: undefined,
    });
  });

  it('an InfluxDB user without a password logs in with an empty one', () => {
    const parsed = parseEnvironment({ INFLUX_USERNAME: 'reader' });
    expect(parsed.ok && parsed.environment.influxCredentials).toEqual({ username: 'reader', password: '' });
  });

  it('lists every bad setting at once, never quoting a secret', () => {
    const problems = problemsOf({
      LOG_LEVEL: 'verbose',
      NATS_PASSWORD: 'nats-secret-1',
      INFLUX_PASSWORD: 'influx-secret-2',
      EGOV_NOC_BUS: 'http://user:bus-secret-3@host',
    });
    expect(problems).toEqual([
      'NATS_PASSWORD is set but NATS_USER is not: set both or neither',
      'INFLUX_PASSWORD is set but INFLUX_USERNAME is not: set both or neither',
      'LOG_LEVEL "verbose" is not a level: use one of trace, debug, info, warn, error, fatal, silent',
      'EGOV_NOC_BUS must be memory or nats://HOST:PORT',
    ]);
    expect(problems.join('\n')).not.toMatch(/secret-\d/);
  });
});

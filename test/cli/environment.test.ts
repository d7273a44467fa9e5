import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseEnvironment } from '../../cli/environment';

/** Where process.env may be read: the CLI edge, tests, benchmarks and the web dev server's config. */
const MAY_READ_ENV = /^(cli\/|test\/|bench\/|console\/web\/vite\.config\.ts$)/;

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

describe('no part below the CLI reads the environment', () => {
  it('process.env appears only in cli/, tests, benchmarks and the Vite config', () => {
    const sources = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '*.ts'], {
      encoding: 'utf8',
    })
      .split('\n')
      .filter((file) => file !== '' && !MAY_READ_ENV.test(file));
    const readers = sources.filter((file) => {
      try {
        return /process\.env\b/.test(readFileSync(file, 'utf8'));
      } catch {
        return false; // listed but deleted in the work tree
      }
    });
    expect(readers).toEqual([]);
  });
});

describe('a command started with a bad environment', () => {
  it('stops before doing anything, listing every problem', () => {
    const result = spawnSync(
      process.execPath,
      ['bin/egov-noc.js', 'collect', '--inventory', 'configs/examples/nanyang.yaml', '--store', 'memory'],
      {
        encoding: 'utf8',
        env: { ...process.env, LOG_LEVEL: 'loud', INFLUX_PASSWORD: 'pw-9x', INFLUX_USERNAME: '' },
      },
    );
    expect(result.status).toBe(2);
    expect(result.stderr.trim().split('\n')).toEqual([
      'egov-noc: INFLUX_PASSWORD is set but INFLUX_USERNAME is not: set both or neither',
      'egov-noc: LOG_LEVEL "loud" is not a level: use one of trace, debug, info, warn, error, fatal, silent',
      'egov-noc: 2 problem(s) in the environment',
    ]);
    expect(result.stdout).toBe('');
  });
});

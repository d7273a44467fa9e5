/**
 * Every environment variable egov-noc reads, read here and only here (the CLI edge) and checked
 * once: a command lists every bad setting at once, then passes plain values down. No part below the
 * CLI reads process.env. Problems never quote a secret's value.
 * No run-time imports: `egov-noc --help` does not pay for pino or zod.
 */
import type { LogLevel } from '../common';
import { fail } from './fail';

const LOG_LEVELS: readonly LogLevel[] = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'];

export interface Environment {
  /** LOG_LEVEL; undefined: the command's own default. */
  logLevel: LogLevel | undefined;
  /** NATS_USER / NATS_PASSWORD: the NATS account, when the server requires one. */
  natsAccount: { user?: string; pass?: string };
  /** INFLUX_URL: the metrics store of `demo` and `influx check`. */
  influxUrl: string | undefined;
  /** INFLUX_USERNAME / INFLUX_PASSWORD: InfluxDB's admin account (no auth when unset). */
  influxCredentials: { username: string; password: string } | undefined;
  /** INFLUX_READ_PASSWORD: the Grafana read user's password (`grafana provision`). */
  influxReadPassword: string | undefined;
  /** EGOV_CA_PASSPHRASE: protects the CA keys (`ca`, `demo`; `serve` reads the variable its config names). */
  caPassphrase: string | undefined;
  /** EGOV_P12_PASSWORD: the PKCS#12 export password of `ca issue|renew`. */
  p12Password: string | undefined;
  /** EGOV_NOC_BUS: the event bus of `collect` when neither flag nor config names one. */
  bus: string | undefined;
  /** EGOV_NOC_SIM_CONTROL_FILE, EGOV_NOC_SIM_CONTROL, EGOV_NOC_SIM_TOKEN: how `fault` reaches the simulator. */
  simulator: { controlFile?: string; control?: string; token?: string };
  /** EGOV_NOC_LOGSTORE, EGOV_NOC_LOGSTORE_USER, EGOV_NOC_LOGSTORE_PASSWORD: the log store (`logs search`) and its PostgreSQL account. */
  logStore: { spec?: string; user?: string; password?: string };
  /** GRAFANA_TOKEN: a Grafana service account token (`grafana provision`). */
  grafanaToken: string | undefined;
  /** USER: named in the audit trail of `user` commands. */
  user: string | undefined;
  /**
   * Variables a config file names: serve's pki.passphraseEnv, `{ env: NAME }` header secrets in the
   * alert rules. The alert engine gets this record and reads only from it.
   */
  named: Readonly<Record<string, string | undefined>>;
}

export type EnvironmentResult = { ok: true; environment: Environment } | { ok: false; problems: string[] };

/** Unset and empty are the same: an env file line `NATS_USER=` means "none". */
const value = (vars: Readonly<Record<string, string | undefined>>, name: string) =>
  vars[name] === '' ? undefined : vars[name];

function logLevelOf(raw: string | undefined, problems: string[]): LogLevel | undefined {
  if (raw === undefined) return undefined;
  const level = LOG_LEVELS.find((candidate) => candidate === raw.trim().toLowerCase());
  if (level === undefined)
    problems.push(`LOG_LEVEL "${raw.slice(0, 20)}" is not a level: use one of ${LOG_LEVELS.join(', ')}`);
  return level;
}

function pairOf(
  user: string | undefined,
  password: string | undefined,
  names: [string, string],
  problems: string[],
): { user: string; password: string | undefined } | undefined {
  if (user === undefined && password !== undefined)
    problems.push(`${names[1]} is set but ${names[0]} is not: set both or neither`);
  return user === undefined ? undefined : { user, password };
}

function busOf(raw: string | undefined, problems: string[]): string | undefined {
  // The value may carry a NATS account (nats://user:pass@host): never quoted.
  if (raw !== undefined && !/^(memory|nats:\/\/\S+)$/.test(raw))
    problems.push('EGOV_NOC_BUS must be memory or nats://HOST:PORT');
  return raw;
}

/** Check a set of variables (the process's, or a test's); every problem is listed. */
export function parseEnvironment(vars: Readonly<Record<string, string | undefined>>): EnvironmentResult {
  const problems: string[] = [];
  const get = (name: string) => value(vars, name);
  const nats = pairOf(get('NATS_USER'), get('NATS_PASSWORD'), ['NATS_USER', 'NATS_PASSWORD'], problems);
  const influx = pairOf(
    get('INFLUX_USERNAME'),
    get('INFLUX_PASSWORD'),
    ['INFLUX_USERNAME', 'INFLUX_PASSWORD'],
    problems,
  );
  const environment: Environment = {
    logLevel: logLevelOf(get('LOG_LEVEL'), problems),
    natsAccount: nats
      ? { user: nats.user, ...(nats.password === undefined ? {} : { pass: nats.password }) }
      : {},
    influxUrl: get('INFLUX_URL'),
    influxCredentials: influx ? { username: influx.user, password: influx.password ?? '' } : undefined,
    influxReadPassword: get('INFLUX_READ_PASSWORD'),
    caPassphrase: get('EGOV_CA_PASSPHRASE'),
    p12Password: get('EGOV_P12_PASSWORD'),
    bus: busOf(get('EGOV_NOC_BUS'), problems),
    simulator: definedOnly({
      controlFile: get('EGOV_NOC_SIM_CONTROL_FILE'),
      control: get('EGOV_NOC_SIM_CONTROL'),
      token: get('EGOV_NOC_SIM_TOKEN'),
    }),
    logStore: definedOnly({
      spec: get('EGOV_NOC_LOGSTORE'),
      user: get('EGOV_NOC_LOGSTORE_USER'),
      password: get('EGOV_NOC_LOGSTORE_PASSWORD'),
    }),
    grafanaToken: get('GRAFANA_TOKEN'),
    user: get('USER'),
    named: Object.fromEntries(Object.entries(vars).filter(([, v]) => v !== undefined && v !== '')),
  };
  return problems.length > 0 ? { ok: false, problems } : { ok: true, environment };
}

function definedOnly<T extends Record<string, string | undefined>>(record: T): { [K in keyof T]?: string } {
  return Object.fromEntries(Object.entries(record).filter(([, v]) => v !== undefined)) as {
    [K in keyof T]?: string;
  };
}

let cached: Environment | undefined;

/** The process's environment, checked; a bad setting stops the command with every problem listed. */
export function readEnvironment(): Environment {
  if (cached) return cached;
  const parsed = parseEnvironment(process.env);
  if (!parsed.ok) {
    for (const problem of parsed.problems) process.stderr.write(`egov-noc: ${problem}\n`);
    fail(`${parsed.problems.length} problem(s) in the environment`, 2);
  }
  cached = parsed.environment;
  return cached;
}

/**
 * Every environment variable egov-noc reads, read here and only here (the CLI edge) and checked
 * once: a command lists every bad setting at once, then passes plain values down. No part below the
 * CLI reads process.env. Problems never quote a secret's value.
 * No run-time imports: `egov-noc --help` does not pay for pino or zod.
 */
import type { LogLevel } from '../common';
import { fail } from './fail';

const LOG_LEVELS: readonly LogLevel[] = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'];

/** How every part reaches NATS: account, TLS, JetStream (read from NATS_* and EGOV_NOC_JETSTREAM*). */
export interface NatsEnvironment {
  /** NATS_USER / NATS_PASSWORD, or NATS_NKEY_SEED (never both). */
  account: { user?: string; pass?: string; nkeySeed?: string };
  /**
   * NATS_TLS_CA (our CA bundle), NATS_TLS_CERT / NATS_TLS_KEY (a client certificate, when the server
   * asks), NATS_TLS_SERVERNAME (the name in the server's certificate, when the URL has an address).
   */
  tls: { caFile: string; certFile?: string; keyFile?: string; servername?: string } | undefined;
  /** EGOV_NOC_JETSTREAM: auto (default: when the server has it), on (required), off (core NATS only). */
  jetstream: 'auto' | 'on' | 'off';
  /** EGOV_NOC_JETSTREAM_MAX_AGE_H / EGOV_NOC_JETSTREAM_MAX_MB: the event stream's retention, when set. */
  maxAgeS: number | undefined;
  maxBytes: number | undefined;
  /** EGOV_NOC_BUS_CONSUMER: this process's durable consumer name (serve: "console" by default). */
  consumer: string | undefined;
}

export interface Environment {
  /** LOG_LEVEL; undefined: the command's own default. */
  logLevel: LogLevel | undefined;
  /** NATS_USER / NATS_PASSWORD: the NATS account, when the server requires one. */
  natsAccount: { user?: string; pass?: string };
  /** Everything about reaching NATS, the account included. */
  nats: NatsEnvironment;
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
  /** EGOV_NOC_SECRET_KEY_FILE: the key sealing TOTP seeds (`serve`; default `<stateDir>/secret.key`). */
  secretKeyFile: string | undefined;
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
  if (raw !== undefined && !/^(memory|(nats|tls):\/\/\S+)$/.test(raw))
    problems.push('EGOV_NOC_BUS must be memory or nats://HOST:PORT');
  return raw;
}

const JETSTREAM_MODES = ['auto', 'on', 'off'] as const;

function positiveOf(name: string, raw: string | undefined, problems: string[]): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0)
    problems.push(`${name} must be a positive number, got "${raw.slice(0, 20)}"`);
  return n;
}

function natsOf(get: (name: string) => string | undefined, problems: string[]): NatsEnvironment {
  const userPass = pairOf(get('NATS_USER'), get('NATS_PASSWORD'), ['NATS_USER', 'NATS_PASSWORD'], problems);
  const nkeySeed = get('NATS_NKEY_SEED');
  if (nkeySeed !== undefined && userPass !== undefined)
    problems.push('NATS_NKEY_SEED and NATS_USER are both set: a NATS account is one or the other');
  if (nkeySeed !== undefined && !/^SU[A-Z2-7]{50,}$/.test(nkeySeed.trim()))
    problems.push('NATS_NKEY_SEED is not a user nkey seed (it starts with SU: nk -gen user, or nsc)');
  const [caFile, certFile, keyFile] = [get('NATS_TLS_CA'), get('NATS_TLS_CERT'), get('NATS_TLS_KEY')];
  const servername = get('NATS_TLS_SERVERNAME');
  if (caFile === undefined && servername !== undefined)
    problems.push('NATS_TLS_SERVERNAME is set but NATS_TLS_CA is not: TLS to NATS needs the CA bundle');
  if ((certFile === undefined) !== (keyFile === undefined))
    problems.push('NATS_TLS_CERT and NATS_TLS_KEY go together: set both or neither');
  if (caFile === undefined && certFile !== undefined)
    problems.push(
      'NATS_TLS_CERT is set but NATS_TLS_CA is not: name the CA bundle that issued the server certificate',
    );
  const mode = get('EGOV_NOC_JETSTREAM') ?? 'auto';
  const jetstream = JETSTREAM_MODES.find((m) => m === mode.trim().toLowerCase());
  if (jetstream === undefined)
    problems.push(`EGOV_NOC_JETSTREAM "${mode.slice(0, 20)}" must be one of ${JETSTREAM_MODES.join(', ')}`);
  const maxAgeH = positiveOf('EGOV_NOC_JETSTREAM_MAX_AGE_H', get('EGOV_NOC_JETSTREAM_MAX_AGE_H'), problems);
  const maxMb = positiveOf('EGOV_NOC_JETSTREAM_MAX_MB', get('EGOV_NOC_JETSTREAM_MAX_MB'), problems);
  const consumer = get('EGOV_NOC_BUS_CONSUMER');
  if (consumer !== undefined && !/^[A-Za-z0-9_-]{1,64}$/.test(consumer))
    problems.push('EGOV_NOC_BUS_CONSUMER must be 1–64 letters, digits, _ or -');
  return {
    account: {
      ...(userPass ? { user: userPass.user } : {}),
      ...(userPass?.password === undefined ? {} : { pass: userPass.password }),
      ...(nkeySeed === undefined ? {} : { nkeySeed }),
    },
    tls:
      caFile === undefined
        ? undefined
        : {
            caFile,
            ...(certFile === undefined ? {} : { certFile }),
            ...(keyFile === undefined ? {} : { keyFile }),
            ...(servername === undefined ? {} : { servername }),
          },
    jetstream: jetstream ?? 'auto',
    maxAgeS: maxAgeH === undefined ? undefined : Math.round(maxAgeH * 3600),
    maxBytes: maxMb === undefined ? undefined : Math.round(maxMb * 1024 * 1024),
    consumer,
  };
}

/** Check a set of variables (the process's, or a test's); every problem is listed. */
export function parseEnvironment(vars: Readonly<Record<string, string | undefined>>): EnvironmentResult {
  const problems: string[] = [];
  const get = (name: string) => value(vars, name);
  const nats = natsOf(get, problems);
  const influx = pairOf(
    get('INFLUX_USERNAME'),
    get('INFLUX_PASSWORD'),
    ['INFLUX_USERNAME', 'INFLUX_PASSWORD'],
    problems,
  );
  const environment: Environment = {
    logLevel: logLevelOf(get('LOG_LEVEL'), problems),
    natsAccount: nats.account,
    nats,
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
    secretKeyFile: get('EGOV_NOC_SECRET_KEY_FILE'),
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

/**
 * `egov-noc serve --config FILE`: a small YAML file, validated once; every problem is listed with
 * its file, line and field (`serve.yaml:7 tls.certFile: …`). Relative paths are resolved against the config file's folder. Secrets (the CA
 * passphrase, InfluxDB credentials) come from the environment, never from this file.
 */
import { dirname, join, resolve } from 'node:path';
import { z } from 'zod';
import { formatConfigError, parseYamlConfig, readYamlConfig, type YamlConfigResult } from '../../common';

const schema = z
  .object({
    inventory: z.string().min(1),
    stateDir: z.string().min(1).default('.data/console'),
    host: z.string().min(1).default('127.0.0.1'),
    /**
     * DNS names browsers use to reach the console (its public names), besides localhost and `host`;
     * IP addresses are always accepted. Requests naming any other host get 421 (DNS rebinding).
     */
    allowedHosts: z
      .array(z.string().regex(/^[A-Za-z0-9.-]{1,253}$/, 'a host name, without port'))
      .default([]),
    port: z.number().int().min(0).max(65535).default(8080),
    /** MetricsStore spec: sqlite:PATH, memory or influx://HOST:PORT/DB (metrics/index.ts). */
    metrics: z.string().min(1).default('sqlite:.data/metrics.sqlite'),
    /**
     * Log store the security-event pages search: sqlite:PATH (default under stateDir) or
     * postgres://HOST:PORT/DB (account from EGOV_NOC_LOGSTORE_USER / _PASSWORD, never in the spec).
     * Use the same store `collect --log-store` writes: the console only reads it.
     */
    logStore: z.string().min(1).optional(),
    /** Event bus: `memory` (collector in this process) or nats://HOST:PORT (collectors elsewhere). */
    bus: z
      .string()
      .regex(/^(memory|nats:\/\/\S+)$/, 'use memory or nats://HOST:PORT')
      .default('memory'),
    alerts: z
      .object({
        rules: z.string().min(1).optional(),
        db: z.string().min(1).optional(),
        /** The collector's poll interval when it overrides the inventory's (stale-data alerts use it). */
        pollIntervalS: z.number().positive().optional(),
      })
      .strict()
      .default({}),
    pki: z
      .object({
        dir: z.string().min(1),
        /** Name of the environment variable holding the CA passphrase. */
        passphraseEnv: z
          .string()
          .regex(/^[A-Z_][A-Z0-9_]*$/)
          .default('EGOV_CA_PASSPHRASE'),
        /** How often CRLs, OCSP signers and certificate expiry are checked (default hourly). */
        scheduleIntervalS: z.number().int().min(1).max(86_400).default(3600),
      })
      .strict()
      .optional(),
    /**
     * The monthly report delivered on its own (reports/schedule.ts): last month's report built on
     * `dayOfMonth` at `at` (local time in the alert rules' utcOffsetMin), written to `dir` and/or
     * POSTed to `webhook` (credentials as headers from the environment, never in the URL).
     */
    reportSchedule: z
      .object({
        dayOfMonth: z.number().int().min(1).max(28).default(1),
        at: z
          .string()
          .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a local time HH:MM, e.g. 06:00')
          .default('06:00'),
        formats: z
          .array(z.enum(['csv', 'xlsx', 'pdf']))
          .min(1)
          .default(['pdf', 'xlsx']),
        dir: z.string().min(1).optional(),
        webhook: z
          .object({
            url: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }),
            headers: z
              .record(
                z.string(),
                z.union([z.string(), z.strictObject({ env: z.string().regex(/^[A-Z_][A-Z0-9_]*$/) })]),
              )
              .optional(),
            timeoutS: z.number().int().min(1).max(600).default(60),
          })
          .strict()
          .optional(),
        /** Chromium that prints the PDF (default /usr/bin/chromium). */
        chromium: z.string().min(1).optional(),
      })
      .strict()
      .refine((schedule) => schedule.dir !== undefined || schedule.webhook !== undefined, {
        message: 'give dir, webhook or both: where the report goes',
      })
      .optional(),
    tls: z
      .object({
        enabled: z.boolean().default(false),
        certFile: z.string().min(1).optional(),
        keyFile: z.string().min(1).optional(),
        /** Inventory node the console runs on: a `server` certificate for it is issued by the project's CA. */
        node: z.string().min(1).optional(),
      })
      .strict()
      .refine((tls) => (tls.certFile === undefined) === (tls.keyFile === undefined), {
        message: 'give both certFile and keyFile, or neither',
      })
      .default({ enabled: false }),
    webDist: z.string().min(1).optional(),
    /** The console audit: kept retentionDays (≥ 180 unless allowUnder180, 网络安全法 §21). */
    audit: z
      .object({
        retentionDays: z.number().int().min(1).default(180),
        allowUnder180: z.boolean().default(false),
      })
      .strict()
      .refine((audit) => audit.retentionDays >= 180 || audit.allowUnder180, {
        message: 'under the 180 days 网络安全法 §21 requires for logs; set allowUnder180: true to override',
        path: ['retentionDays'],
      })
      .default({ retentionDays: 180, allowUnder180: false }),
    sessionTtlMin: z
      .number()
      .int()
      .min(5)
      .max(7 * 24 * 60)
      .default(480),
  })
  .strict();

export type ServeConfig = z.infer<typeof schema>;

/** Errors are `file:line field: message`, every one at once, like the inventory's. */
export type ConfigResult = { ok: true; config: ServeConfig } | { ok: false; errors: string[] };

export function parseServeConfig(text: string, file: string): ConfigResult {
  return resolvedAgainst(file, parseYamlConfig(file, text, schema));
}

export function readServeConfig(file: string): ConfigResult {
  return resolvedAgainst(file, readYamlConfig(file, schema));
}

function resolvedAgainst(file: string, parsed: YamlConfigResult<ServeConfig>): ConfigResult {
  if (!parsed.ok) return { ok: false, errors: parsed.errors.map(formatConfigError) };
  const base = dirname(resolve(file));
  const at = (path: string) => resolve(base, path);
  const config = parsed.value;
  const relativeSpec = (spec: string) =>
    spec.startsWith('sqlite:')
      ? `sqlite:${at(spec.slice('sqlite:'.length))}`
      : spec === 'memory' || /^[a-z]+:\/\//i.test(spec)
        ? spec
        : at(spec);
  return {
    ok: true,
    config: {
      ...config,
      inventory: at(config.inventory),
      stateDir: at(config.stateDir),
      metrics: relativeSpec(config.metrics),
      logStore:
        config.logStore === undefined
          ? `sqlite:${at(join(config.stateDir, 'logs.sqlite'))}`
          : relativeSpec(config.logStore),
      alerts: {
        ...(config.alerts.rules ? { rules: at(config.alerts.rules) } : {}),
        ...(config.alerts.db ? { db: at(config.alerts.db) } : {}),
        ...(config.alerts.pollIntervalS ? { pollIntervalS: config.alerts.pollIntervalS } : {}),
      },
      ...(config.pki ? { pki: { ...config.pki, dir: at(config.pki.dir) } } : {}),
      ...(config.reportSchedule
        ? {
            reportSchedule: {
              ...config.reportSchedule,
              ...(config.reportSchedule.dir ? { dir: at(config.reportSchedule.dir) } : {}),
            },
          }
        : {}),
      tls: {
        ...config.tls,
        ...(config.tls.certFile ? { certFile: at(config.tls.certFile) } : {}),
        ...(config.tls.keyFile ? { keyFile: at(config.tls.keyFile) } : {}),
      },
      ...(config.webDist ? { webDist: at(config.webDist) } : {}),
    },
  };
}

/**
 * The files `egov-noc collect` reads: its YAML config (--config) and the simulator's agent manifest
 * (--manifest), each checked against a schema once, with errors that never quote a credential: the
 * config's as file:line field: message, read through the same YAML source as the inventory.
 * Loaded on use (zod, yaml): `egov-noc --help` does not pay for them.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { z } from 'zod';
import { SHARE_MODES } from '../../collector';
import { readYamlConfig, type ConfigError } from '../../common';
import { formatBufferBytes, MIN_BUFFERED_BYTES, parseByteSize } from '../../logs/store/buffer-bounds';
import {
  SNMP_AUTH_PROTOCOLS,
  SNMP_PRIV_PROTOCOLS,
  SNMP_V3_LEVELS,
  ZONES,
  type AgentEndpoint,
} from '../../domain';
import { fail } from '../fail';

/** `egov-noc collect --config FILE`: the same settings as the flags, in YAML; paths relative to the file. */
const configSchema = z.strictObject({
  inventory: z.string().min(1),
  store: z.string().min(1),
  manifest: z.string().min(1).optional(),
  intervalS: z.number().positive().optional(),
  trapPort: z.number().int().min(0).max(65535).optional(),
  /** Address the trap receiver binds: 127.0.0.1 (default, this host only) or e.g. 0.0.0.0 for devices. */
  trapAddress: z.ipv4().optional(),
  /** v1/v2c trap communities accepted from every inventory node besides its own read community. */
  trapCommunities: z.array(z.string().min(1)).optional(),
  concurrency: z.number().int().min(1).max(10_000).optional(),
  statusPeriodS: z.number().positive().optional(),
  timeoutMs: z.number().int().min(10).optional(),
  retries: z.number().int().min(0).max(10).optional(),
  /** Event bus: "memory" (default; events stay in this process) or nats://HOST:PORT to reach the console. */
  bus: z.string().min(1).optional(),
  /** `IPv4:PORT` for /healthz, /readyz and /metrics (as --ops-listen); absent: no listener. */
  opsListen: z
    .string()
    .regex(/^\d{1,3}(\.\d{1,3}){3}:\d{1,5}$/, 'IPv4:PORT, e.g. 127.0.0.1:9464')
    .optional(),
  /** Syslog receiver: UDP+TCP port, TLS port with our CA's certificate, relays forwarding for sites. */
  syslog: z
    .strictObject({
      port: z.number().int().min(0).max(65535).optional(),
      /** Address the receiver binds: 127.0.0.1 (default, this host only) or e.g. 0.0.0.0 for devices. */
      address: z.ipv4().optional(),
      tlsPort: z.number().int().min(0).max(65535).optional(),
      tlsCert: z.string().min(1).optional(),
      tlsKey: z.string().min(1).optional(),
      /** Our CA bundle: with requireClientCert, only senders holding a certificate it issued are heard. */
      tlsCa: z.string().min(1).optional(),
      requireClientCert: z.boolean().optional(),
      /** Relays (rsyslog) whose lines are mapped to nodes by their HOSTNAME field. */
      relays: z.array(z.ipv4()).optional(),
    })
    .optional(),
  /** Where received security events are kept: sqlite:PATH or postgres://HOST:PORT/DB. */
  logStore: z.string().min(1).optional(),
  /** JSON-lines file (0600) for events the log store refuses for their content (default: beside an SQLite store). */
  logDeadLetter: z.string().min(1).optional(),
  /** Days the log store keeps events (default 180, the legal minimum: 网络安全法 §21). */
  logRetentionDays: z.number().int().min(1).optional(),
  /** Accept a retention under 180 days (a lab; never the record of logs). */
  logRetentionBelowLegalMinimum: z.boolean().optional(),
  /** Events the log store's buffer holds while its backend is slow or down (default 100,000); beyond: dropped, counted. */
  logBufferEvents: z.number().int('a whole number of events').min(1, 'at least 1 event').optional(),
  /** Memory that buffer may take, off the V8 heap (default 32 MiB): bytes, or a size such as 128MiB. */
  logBufferBytes: z
    .union([z.number(), z.string()])
    .transform((value, context) => {
      const bytes =
        typeof value === 'number' ? (Number.isSafeInteger(value) ? value : null) : parseByteSize(value);
      if (bytes === null || bytes < MIN_BUFFERED_BYTES) {
        context.addIssue({
          code: 'custom',
          message: `a size such as 128MiB, 512KiB or 134217728 (bytes), at least ${formatBufferBytes(MIN_BUFFERED_BYTES)} (the log store's minimum)`,
        });
        return z.NEVER;
      }
      return bytes;
    })
    .optional(),
  /** Collectors dividing this inventory through leases in JetStream KV (as --share, --collector-id, --lease-ttl). */
  share: z
    .strictObject({
      mode: z.enum(SHARE_MODES),
      collectorId: z
        .string()
        .regex(/[A-Za-z0-9]/, 'must contain letters or digits')
        .optional(),
      leaseTtlS: z.number().positive().optional(),
    })
    .optional(),
  /** Service checks (HTTP(S), TLS, DNS, TCP, ICMP) file, relative to this file (collector/checks). */
  checks: z.string().min(1).optional(),
  /** The collector's state (0700): defacement checks' content baselines; relative to this file (as --state-dir). */
  stateDir: z.string().min(1).optional(),
  /** Poll only this zone's nodes and refuse every other (三网隔离: one collector per network). */
  zone: z.enum(ZONES).optional(),
});
export type CollectConfig = z.infer<typeof configSchema>;

const manifestSchema = z.array(
  z.object({
    id: z.string().min(1),
    host: z.string().min(1),
    port: z.number().int().min(1).max(65535),
    community: z.string().optional(),
    v3: z
      .object({
        user: z.string(),
        level: z.enum(SNMP_V3_LEVELS),
        authProtocol: z.enum(SNMP_AUTH_PROTOCOLS),
        authKey: z.string(),
        engineId: z
          .string()
          .regex(/^[0-9a-fA-F]{10,64}$/)
          .optional(),
        privProtocol: z.enum(SNMP_PRIV_PROTOCOLS).optional(),
        privKey: z.string().optional(),
      })
      .optional(),
  }),
);

export type CollectConfigResult = { ok: true; config: CollectConfig } | { ok: false; errors: ConfigError[] };

/** The syslog section's certificate, key and CA paths, relative to the config file. */
function resolveSyslogFiles(
  syslog: NonNullable<CollectConfig['syslog']>,
  base: string,
): CollectConfig['syslog'] {
  const { tlsCert, tlsKey, tlsCa } = syslog;
  return {
    ...syslog,
    ...(tlsCert === undefined ? {} : { tlsCert: resolve(base, tlsCert) }),
    ...(tlsKey === undefined ? {} : { tlsKey: resolve(base, tlsKey) }),
    ...(tlsCa === undefined ? {} : { tlsCa: resolve(base, tlsCa) }),
  };
}

/** Every problem at once as file:line field: message, like the inventory; paths resolved against the file. */
export function readConfig(file: string): CollectConfigResult {
  const parsed = readYamlConfig(file, configSchema);
  if (!parsed.ok) return parsed;
  const base = dirname(resolve(file));
  const local = (p: string) => (/^[a-z][a-z0-9+.-]*:/i.test(p) || p === 'memory' ? p : resolve(base, p));
  const config = parsed.value;
  return {
    ok: true,
    config: {
      ...config,
      inventory: resolve(base, config.inventory),
      store: local(config.store),
      ...(config.manifest === undefined ? {} : { manifest: resolve(base, config.manifest) }),
      ...(config.syslog === undefined ? {} : { syslog: resolveSyslogFiles(config.syslog, base) }),
      ...(config.logStore === undefined ? {} : { logStore: local(config.logStore) }),
      ...(config.checks === undefined ? {} : { checks: resolve(base, config.checks) }),
      ...(config.stateDir === undefined ? {} : { stateDir: resolve(base, config.stateDir) }),
      ...(config.logDeadLetter === undefined ? {} : { logDeadLetter: resolve(base, config.logDeadLetter) }),
    },
  };
}

export function readManifest(file: string): AgentEndpoint[] {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    // JSON.parse quotes the text around the error, and the manifest holds communities and keys.
    fail(
      `manifest ${file}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : 'not valid JSON'}`,
    );
  }
  const parsed = manifestSchema.safeParse(raw);
  if (!parsed.success)
    fail(
      `manifest ${file}: ${parsed.error.issues
        .slice(0, 5)
        .map((i) => `[${i.path.join('.')}] ${i.message}`)
        .join('; ')}`,
    );
  return parsed.data;
}

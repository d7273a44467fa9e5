/**
 * Service checks: the services on top of the network, each attached to the inventory node that
 * hosts or reaches it. They sit in the inventory file itself (a `checks:` list beside `nodes:`), in a
 * checks file (`checks: FILE` in collect.yaml, or `collect --checks FILE`), or both. Checked like the
 * inventory: every problem at once as `checks.yaml:12 checks[3].url: …`.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { RE2JS } from 're2js';
import { z } from 'zod';
import { formatFieldPath, YamlSource, type ConfigError } from '../../common';
import type { Topology } from '../../inventory';
import type { ServiceCheck } from './check';

/** RE2 only (linear time on a hostile page), bounded like the alert engine's label patterns. */
const MAX_PATTERN_LENGTH = 256;
const MAX_PATTERN_PROGRAM_SIZE = 2_000;

function patternProblem(pattern: string): string | null {
  if (pattern.length > MAX_PATTERN_LENGTH) return `pattern is ${pattern.length} characters; at most 256`;
  try {
    const size = RE2JS.compile(pattern).programSize();
    return size > MAX_PATTERN_PROGRAM_SIZE
      ? `pattern too costly (RE2 program size ${size}, at most 2000)`
      : null;
  } catch (error) {
    return `invalid regular expression (RE2 syntax, no backreferences or lookaround): ${(error as Error).message}`;
  }
}

const id = z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'must be lower-case ASCII letters, digits and dashes');
const re2 = z
  .string()
  .min(1)
  .superRefine((pattern, ctx) => {
    const problem = patternProblem(pattern);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });
const host = z
  .string()
  .regex(/^[A-Za-z0-9.:-]{1,253}$/, 'must be a host name or an IP address (no scheme, no port)');
const port = z.number().int().min(1).max(65_535);

/** "90s", "5m", "1h", "3d" or a number of seconds. */
const durationS = z.union(
  [
    z.number().positive('must be more than 0 seconds'),
    z
      .string()
      .regex(/^\d+(\.\d+)?(s|m|h|d)$/, 'must be a duration like 30s, 5m, 1h or 3d')
      .transform((text) => {
        const value = Number(text.slice(0, -1));
        const unit = text.slice(-1);
        return value * (unit === 's' ? 1 : unit === 'm' ? 60 : unit === 'h' ? 3_600 : 86_400);
      }),
  ],
  { error: 'must be a duration like 30s, 5m, 1h or 3d (or a number of seconds)' },
);

const common = {
  id,
  /** The inventory node that hosts the service or the one its traffic passes last (its uplink path). */
  node: id,
  intervalS: z.number().min(1).max(86_400).optional(),
  timeoutMs: z.number().int().min(50).max(60_000).optional(),
};

const url = z
  .url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' })
  .refine(
    (text) => !/^[a-z]+:\/\/[^/]*@/i.test(text),
    'must not carry user:password@ (no credentials in checks)',
  );

const httpCheck = z.strictObject({
  ...common,
  kind: z.literal('http'),
  url,
  /** Statuses that count as up (default 200–399 after redirects). */
  expectStatus: z.array(z.number().int().min(100).max(599)).min(1).optional(),
  /** RE2 pattern the body must contain. */
  expectText: re2.optional(),
  maxBodyBytes: z
    .number()
    .int()
    .min(1_024)
    .max(16 * 1_048_576)
    .default(1_048_576),
  maxRedirects: z.number().int().min(0).max(10).default(3),
  /** PEM bundle the server's chain must lead to (our CA); absent: the system's trust store. */
  ca: z.string().min(1).optional(),
  /** Defacement (网页篡改): significant content (body minus `ignore` regions) against a baseline. */
  defacement: z
    .strictObject({
      /** RE2 patterns of dynamic regions (a clock, a visitor counter) left out of the content hash. */
      ignore: z.array(re2).max(32).default([]),
      /** Words that never belong on the page (ASCII letters compared case-insensitively). */
      forbiddenWords: z.array(z.string().min(1).max(200)).max(200).default([]),
      /** SHA-256 (hex) of the significant content as approved; absent: the first content seen. */
      baselineSha256: z
        .string()
        .regex(/^[0-9a-f]{64}$/, 'must be 64 lower-case hex digits (the contentSha256 a check reported)')
        .optional(),
    })
    .optional(),
  /**
   * Staleness (死网): the page unchanged for longer than `after` (its Last-Modified when the server
   * sends one, else its content minus `ignore` regions as this collector saw it change).
   */
  staleness: z.strictObject({ after: durationS, ignore: z.array(re2).max(32).default([]) }).optional(),
});

const tlsCheck = z.strictObject({
  ...common,
  kind: z.literal('tls'),
  host,
  port: port.default(443),
  /** The name the certificate must carry (SNI too); default `host`. */
  serverName: z.string().min(1).max(253).optional(),
  ca: z.string().min(1).optional(),
});

const dnsCheck = z.strictObject({
  ...common,
  kind: z.literal('dns'),
  name: z.string().min(1).max(253),
  /** Resolver to ask, IPv4[:port]; absent: the system's resolver (getaddrinfo). */
  server: z
    .string()
    .regex(
      /^\d{1,3}(\.\d{1,3}){3}(:\d{1,5})?$/,
      'must be IPv4 or IPv4:PORT, e.g. 10.41.0.53 or 127.0.0.1:5353',
    )
    .optional(),
  /** Addresses the name must resolve to (all of them, in any order); absent: any answer. */
  expect: z.array(z.ipv4()).min(1).optional(),
});

const tcpCheck = z.strictObject({ ...common, kind: z.literal('tcp'), host, port });

const icmpCheck = z.strictObject({
  ...common,
  kind: z.literal('icmp'),
  /** Address to ping; default the node's management address. */
  host: z.ipv4().optional(),
  /** Echo requests per run (fping -C). */
  count: z.number().int().min(1).max(20).default(3),
  /** Loss at or above this is down. */
  maxLossPct: z.number().min(0).max(100).default(100),
});

const checkSchema = z.discriminatedUnion('kind', [httpCheck, tlsCheck, dnsCheck, tcpCheck, icmpCheck]);
export type RawCheck = z.output<typeof checkSchema>;

const fileSchema = z.strictObject({
  defaults: z
    .strictObject({
      intervalS: z.number().min(1).max(86_400).default(60),
      timeoutMs: z.number().int().min(50).max(60_000).default(5_000),
    })
    .default({ intervalS: 60, timeoutMs: 5_000 }),
  checks: z.array(checkSchema).max(100_000),
});

export type ChecksResult = { ok: true; checks: ServiceCheck[] } | { ok: false; errors: ConfigError[] };

function located(source: YamlSource, path: PropertyKey[], message: string): ConfigError {
  return { file: source.file, line: source.lineOf(path), field: formatFieldPath(path), message };
}

/** What a checks file holds; in an inventory, only its `checks:` list is read (the defaults apply). */
function checksDocument(source: YamlSource, inInventory: boolean): unknown {
  const doc: unknown = source.doc.toJS() ?? {};
  if (!inInventory) return doc;
  const checks = typeof doc === 'object' && doc !== null ? (doc as { checks?: unknown }).checks : undefined;
  return { checks: checks ?? [] };
}

/**
 * Parse checks already in memory; `baseDir` resolves `ca` paths (relative to the file).
 * `inInventory`: the text is an inventory, whose `checks:` list is read and the rest left to it.
 */
export function parseChecks(
  file: string,
  text: string,
  topology: Topology,
  baseDir: string,
  inInventory = false,
): ChecksResult {
  const source = YamlSource.parse(file, text);
  const syntax = source.syntaxErrors();
  if (syntax.length > 0)
    return {
      ok: false,
      errors: syntax.map((e) => ({ file, line: e.line, field: '(yaml)', message: e.message })),
    };
  const parsed = fileSchema.safeParse(checksDocument(source, inInventory));
  if (!parsed.success)
    return {
      ok: false,
      errors: parsed.error.issues.map((issue) => located(source, [...issue.path], issue.message)),
    };
  const errors: ConfigError[] = [];
  const seen = new Set<string>();
  const checks: ServiceCheck[] = [];
  parsed.data.checks.forEach((raw, index) => {
    const at = (field: string) => ['checks', index, field];
    if (seen.has(raw.id)) errors.push(located(source, at('id'), `duplicate check id "${raw.id}"`));
    seen.add(raw.id);
    const node = topology.find(raw.node);
    if (!node) {
      errors.push(located(source, at('node'), `unknown node "${raw.node}" (not in the inventory)`));
      return;
    }
    let caPem: string | null = null;
    if ((raw.kind === 'http' || raw.kind === 'tls') && raw.ca !== undefined) {
      try {
        caPem = readFileSync(resolve(baseDir, raw.ca), 'utf8');
        if (!caPem.includes('-----BEGIN CERTIFICATE-----'))
          errors.push(located(source, at('ca'), 'not a PEM certificate bundle'));
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        errors.push(located(source, at('ca'), code === 'ENOENT' ? 'file not found' : `cannot read: ${code}`));
      }
    }
    checks.push({
      ...raw,
      intervalS: raw.intervalS ?? parsed.data.defaults.intervalS,
      timeoutMs: raw.timeoutMs ?? parsed.data.defaults.timeoutMs,
      node: node.id,
      caPem,
      nodeAddress: node.address,
    });
  });
  return errors.length > 0 ? { ok: false, errors } : { ok: true, checks };
}

/**
 * Read and check a checks file, or an inventory's `checks:` list (`inInventory`); a file that cannot
 * be read is one error on line 0.
 */
export function loadChecks(file: string, topology: Topology, inInventory = false): ChecksResult {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const message = code === 'ENOENT' ? 'file not found' : `cannot read: ${code ?? String(error)}`;
    return { ok: false, errors: [{ file, line: 0, field: '(file)', message }] };
  }
  return parseChecks(file, text, topology, dirname(resolve(file)), inInventory);
}

/**
 * zod schemas for everything that enters the server: REST bodies and queries, WebSocket client
 * messages. Built to match console/shared/index.ts (the `satisfies` checks below keep them in step);
 * the OpenAPI document is generated from these same schemas.
 */
import { z } from 'zod';
import { labelPatternProblem, MAX_PATTERN_LENGTH } from '../../alerts';
import { SEVERITIES, TIERS, ZONES } from '../../domain';
import { ACCOUNT_POLICY_BOUNDS } from './identity/policy';
import {
  CERT_PROFILES,
  REVOCATION_REASONS,
  USER_ROLES,
  type AckRequest,
  type ChangePasswordRequest,
  type CreateApiTokenRequest,
  type ClientMessage,
  type CreateUserRequest,
  type IssueCertificateRequest,
  type LoginRequest,
  type AccountPolicy,
  type SecurityPolicy,
  type TotpBeginRequest,
  type TotpConfirmRequest,
  type RevokeRequest,
  type SilenceRequest,
  type UpdateUserRequest,
} from '../shared';

const nodeId = z.string().min(1).max(128);
const text = (max: number) => z.string().max(max);
const commaList = <T extends string>(values: readonly [T, ...T[]]) =>
  z
    .string()
    .transform((raw) => raw.split(',').filter((part) => part !== ''))
    .pipe(z.array(z.enum(values)));
const booleanFlag = z.enum(['true', 'false']).transform((value) => value === 'true');

export const loginSchema = z.object({
  username: text(64).min(1),
  password: text(256).min(1),
  totpCode: text(32).optional(),
}) satisfies z.ZodType<LoginRequest>;

export const totpConfirmSchema = z.object({
  code: z.string().regex(/^\s*\d{6}\s*$/, 'the 6-digit code from the authenticator app'),
}) satisfies z.ZodType<TotpConfirmRequest>;

export const totpBeginSchema = z.object({
  password: text(256).min(1).optional(),
  totpCode: text(64).optional(),
}) satisfies z.ZodType<TotpBeginRequest>;

const bounded = (key: keyof AccountPolicy) =>
  z.number().int().min(ACCOUNT_POLICY_BOUNDS[key].min).max(ACCOUNT_POLICY_BOUNDS[key].max);
export const accountPolicySchema = z
  .object({
    minLength: bounded('minLength'),
    minClasses: bounded('minClasses'),
    expiryDays: bounded('expiryDays'),
    historyCount: bounded('historyCount'),
    idleTimeoutMin: bounded('idleTimeoutMin'),
    lockoutAttempts: bounded('lockoutAttempts'),
    lockoutMinutes: bounded('lockoutMinutes'),
  })
  .strict() satisfies z.ZodType<AccountPolicy>;

export const securityPolicySchema = z
  .object({ totpRequired: z.boolean() })
  .strict() satisfies z.ZodType<SecurityPolicy>;

/** An operator certificate's subject CN (a person's name, as the PKI's operator profile allows). */
const certificateName = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[^\p{Cc}*]+$/u, 'a certificate subject CN: printable, no wildcard');

/** One role per account (三权分立): a list or a combined name is refused with this reason. */
const oneRole = z.enum(USER_ROLES, {
  error: `exactly one role, one of ${USER_ROLES.join(', ')}: an account never holds two`,
});

export const createUserSchema = z.object({
  username: text(64).min(2),
  displayName: text(100).min(1),
  role: oneRole,
  scope: nodeId.nullable(),
  password: text(256),
}) satisfies z.ZodType<CreateUserRequest>;

export const updateUserSchema = z
  .object({
    displayName: text(100).min(1).optional(),
    role: oneRole.optional(),
    scope: nodeId.nullable().optional(),
    password: text(256).optional(),
    locked: z.boolean().optional(),
    certificateName: certificateName.nullable().optional(),
    totp: z.literal(false).optional(),
  })
  .strict() satisfies z.ZodType<UpdateUserRequest>;

export const changePasswordSchema = z.object({
  currentPassword: text(256).min(1),
  newPassword: text(256),
}) satisfies z.ZodType<ChangePasswordRequest>;

export const createTokenSchema = z.object({
  name: text(100).min(1),
}) satisfies z.ZodType<CreateApiTokenRequest>;

export const ackSchema = z.object({
  comment: text(1000),
  planned: z.boolean().optional(),
}) satisfies z.ZodType<AckRequest>;

/** A regex matcher runs on RE2 within size bounds (alerts/label-patterns.ts): refused here with the reason. */
const matcherSchema = z
  .object({ label: text(64).min(1), value: text(MAX_PATTERN_LENGTH), regex: z.boolean().optional() })
  .superRefine((matcher, ctx) => {
    const problem = matcher.regex ? labelPatternProblem(matcher.value) : null;
    if (problem) ctx.addIssue({ code: 'custom', message: problem, path: ['value'] });
  });
const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected HH:MM');
export const silenceSchema = z
  .object({
    matchers: z.array(matcherSchema).min(1).max(20),
    startsAtMs: z.number().int().nonnegative(),
    endsAtMs: z.number().int().positive(),
    reason: text(500).min(1),
    recurrence: z
      .object({
        days: z.array(z.enum(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'])).min(1),
        from: hhmm,
        to: hhmm,
      })
      .optional(),
  })
  .refine((value) => value.endsAtMs > value.startsAtMs, {
    message: 'endsAtMs must be after startsAtMs',
    path: ['endsAtMs'],
  }) satisfies z.ZodType<SilenceRequest>;

export const issueCertificateSchema = z.union([
  z.object({ node: nodeId, profile: z.enum(CERT_PROFILES), csrPem: text(20_000).min(1) }),
  z.object({
    node: nodeId,
    profile: z.enum(CERT_PROFILES),
    generate: z.object({
      keyType: z.enum(['rsa-2048', 'ecdsa-p256', 'ecdsa-p384', 'sm2']),
      p12Password: text(256).min(8).optional(),
    }),
  }),
]) satisfies z.ZodType<IssueCertificateRequest>;

export const revokeSchema = z.object({
  reason: z.enum(REVOCATION_REASONS),
}) satisfies z.ZodType<RevokeRequest>;

// ---------- queries ----------
export const alertsQuerySchema = z.object({
  status: commaList(['firing', 'acknowledged', 'resolved'] as const).optional(),
  minSeverity: z.enum(SEVERITIES).optional(),
  zone: z.enum(ZONES).optional(),
  tier: z.enum(TIERS).optional(),
  node: nodeId.optional(),
  rule: text(64).optional(),
  text: text(200).optional(),
  includeSuppressed: booleanFlag.optional(),
  limit: z.coerce.number().int().min(1).max(5000).optional(),
});

export const alertHistoryQuerySchema = alertsQuerySchema.extend({
  fromMs: z.coerce.number().int().nonnegative().optional(),
  toMs: z.coerce.number().int().nonnegative().optional(),
});

export const metricsQuerySchema = z
  .object({
    measurement: z.string().regex(/^[a-zA-Z][a-zA-Z0-9_]{0,63}$/, 'a measurement name'),
    field: z.string().regex(/^[a-zA-Z][a-zA-Z0-9_]{0,63}$/, 'a field name'),
    node: nodeId.optional(),
    ifIndex: z
      .string()
      .regex(/^\d{1,9}$/)
      .optional(),
    link: text(128).optional(),
    fromMs: z.coerce.number().int().nonnegative(),
    toMs: z.coerce.number().int().positive(),
    stepS: z.coerce.number().int().min(1).max(86_400).default(60),
    agg: z.enum(['mean', 'max', 'min', 'last']).default('mean'),
    groupBy: text(200).optional(),
  })
  .refine((value) => value.toMs > value.fromMs, { message: 'toMs must be after fromMs', path: ['toMs'] })
  .refine((value) => (value.toMs - value.fromMs) / 1000 / value.stepS <= 10_000, {
    message: 'too many points: widen stepS (at most 10,000 buckets)',
    path: ['stepS'],
  });

export const certificatesQuerySchema = z.object({
  text: text(200).optional(),
  node: nodeId.optional(),
  status: z.enum(['valid', 'revoked', 'expired']).optional(),
});

const epochOrIso = z.string().transform((raw, ctx) => {
  const ms = /^\d+$/.test(raw) ? Number(raw) : Date.parse(raw);
  if (Number.isNaN(ms)) ctx.addIssue({ code: 'custom', message: 'epoch milliseconds or an ISO 8601 time' });
  return ms;
});
export const auditExportQuerySchema = z.object({
  format: z.enum(['csv', 'json']).default('json'),
  from: epochOrIso.optional(),
  to: epochOrIso.optional(),
});

export const auditQuerySchema = z
  .object({
    limit: z.coerce.number().int().min(1).max(1000).default(100),
    before: z.coerce.number().int().positive().optional(),
    actor: text(64).optional(),
    action: text(64).optional(),
    /** A plain substring of actor, action, target or detail (no pattern syntax). */
    q: z
      .string()
      .transform((raw) => raw.trim())
      .pipe(text(200))
      .optional(),
    from: epochOrIso.optional(),
    to: epochOrIso.optional(),
  })
  .refine((query) => query.from === undefined || query.to === undefined || query.from < query.to, {
    message: 'must be after from',
    path: ['to'],
  });

// ---------- WebSocket ----------
export const streamFilterSchema = z.object({
  zones: z.array(z.enum(ZONES)).optional(),
  tiers: z.array(z.enum(TIERS)).optional(),
  subtree: nodeId.optional(),
  minSeverity: z.enum(SEVERITIES).optional(),
  securityEvents: z.boolean().optional(),
});

export const clientMessageSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('subscribe'),
    filter: streamFilterSchema,
    resumeFrom: z.number().int().nonnegative().optional(),
  }),
  z.object({ type: z.literal('ping'), atMs: z.number() }),
]) satisfies z.ZodType<ClientMessage>;

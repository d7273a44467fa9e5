/**
 * zod schemas for everything that enters the server: REST bodies and queries, WebSocket client
 * messages. Built to match console/shared/index.ts (the `satisfies` checks below keep them in step);
 * the OpenAPI document is generated from these same schemas.
 */
import { z } from 'zod';
import { labelPatternProblem, MAX_PATTERN_LENGTH } from '../../alerts';
import { SEVERITIES, TIERS, ZONES } from '../../domain';
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
}) satisfies z.ZodType<LoginRequest>;

export const createUserSchema = z.object({
  username: text(64).min(2),
  displayName: text(100).min(1),
  role: z.enum(USER_ROLES),
  scope: nodeId.nullable(),
  password: text(256),
}) satisfies z.ZodType<CreateUserRequest>;

export const updateUserSchema = z
  .object({
    displayName: text(100).min(1).optional(),
    role: z.enum(USER_ROLES).optional(),
    scope: nodeId.nullable().optional(),
    password: text(256).optional(),
    locked: z.boolean().optional(),
  })
  .strict() satisfies z.ZodType<UpdateUserRequest>;

export const changePasswordSchema = z.object({
  currentPassword: text(256).min(1),
  newPassword: text(256),
}) satisfies z.ZodType<ChangePasswordRequest>;

export const createTokenSchema = z.object({
  name: text(100).min(1),
}) satisfies z.ZodType<CreateApiTokenRequest>;

export const ackSchema = z.object({ comment: text(1000) }) satisfies z.ZodType<AckRequest>;

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
      keyType: z.enum(['rsa-2048', 'ecdsa-p256', 'ecdsa-p384']),
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

export const auditQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  before: z.coerce.number().int().positive().optional(),
  actor: text(64).optional(),
  action: text(64).optional(),
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

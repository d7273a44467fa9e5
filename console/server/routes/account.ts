/**
 * Account and security policy: everyone reads them (the password form shows the rules); the system
 * administrator changes the account policy, the security administrator the security policy.
 */
import type { PoliciesResponse } from '../../shared';
import type { ServerContext } from '../context';
import { defineRoute } from '../http/route';
import { accountPolicySchema, securityPolicySchema } from '../schemas';

const policies = (ctx: ServerContext): PoliciesResponse => ({
  account: ctx.identity.policies.account(),
  security: ctx.identity.policies.security(),
  auditRetentionDays: ctx.auditRetentionDays,
});

const changes = (before: object, after: object): string =>
  Object.entries(after)
    .filter(([key, value]) => (before as Record<string, unknown>)[key] !== value)
    .map(([key, value]) => `${key}: ${String((before as Record<string, unknown>)[key])} → ${String(value)}`)
    .join(', ') || 'no change';

export const accountRoutes = [
  defineRoute({
    method: 'get',
    path: '/api/policy',
    summary:
      'Account policy (passwords, idle timeout, lockout), security policy (mandatory TOTP), audit retention',
    tag: 'policy',
    permission: 'read',
    duringRestriction: true,
    returns: 'PoliciesResponse',
    handler: ({ c }, ctx) => c.json(policies(ctx)),
  }),
  defineRoute({
    method: 'put',
    path: '/api/policy/account',
    summary:
      'Replace the account policy (system administrator); applies at once, to the next sign-in or password',
    tag: 'policy',
    permission: 'config',
    body: accountPolicySchema,
    returns: 'PoliciesResponse',
    handler: ({ c, body, audit }, ctx) => {
      const before = ctx.identity.policies.account();
      ctx.identity.policies.setAccount(body);
      audit('policy.account', 'account-policy', changes(before, body));
      return c.json(policies(ctx));
    },
  }),
  defineRoute({
    method: 'put',
    path: '/api/policy/security',
    summary:
      'Replace the security policy (security administrator): totpRequired makes TOTP mandatory for administrators and PKI administrators',
    tag: 'policy',
    permission: 'policy',
    body: securityPolicySchema,
    returns: 'PoliciesResponse',
    handler: ({ c, body, audit }, ctx) => {
      const before = ctx.identity.policies.security();
      ctx.identity.policies.setSecurity(body);
      audit('policy.security', 'security-policy', changes(before, body));
      return c.json(policies(ctx));
    },
  }),
];

/**
 * TOTP enrolment for the signed-in user: a secret and its QR code, then a first code confirms it.
 * Replacing an enrolled authenticator (a new phone) takes the password and a current code or a
 * recovery code, checked like a sign-in (throttled, counted toward the lockout); the old
 * authenticator keeps working until the new one is confirmed, so the account is never without one.
 */
import type { Context } from 'hono';
import type { ServerContext } from '../context';
import { ApiFailure, unwrap } from '../http/errors';
import { defineRoute } from '../http/route';
import { totpBeginSchema, totpConfirmSchema } from '../schemas';

/** A wrong password or code here is 403 with the field: the session itself is fine (401 would sign out). */
async function proveEnrolled(
  c: Context,
  ctx: ServerContext,
  username: string,
  ip: string,
  body: { password?: string | undefined; totpCode?: string | undefined },
): Promise<void> {
  if (body.password === undefined || body.totpCode === undefined || body.totpCode.trim() === '')
    throw new ApiFailure(
      409,
      'totp_enabled',
      'a second factor is already enrolled: to replace it, give your password and a current code (or a recovery code); without either, a system administrator resets it',
    );
  const waitS = ctx.loginLimiter.startAttempt(username, ip);
  if (waitS > 0) {
    c.header('retry-after', String(waitS));
    throw new ApiFailure(429, 'rate_limited', `too many attempts; try again in ${waitS} s`);
  }
  const checked = await ctx.identity.users.authenticate(
    username,
    body.password,
    ip,
    'totp.replace',
    body.totpCode,
  );
  if (checked.ok) {
    ctx.loginLimiter.succeeded(username, ip);
    return;
  }
  if (checked.code === 'bad_credentials')
    throw new ApiFailure(403, 'wrong_password', 'the password is wrong', 'password');
  if (checked.code === 'totp_invalid' || checked.code === 'totp_replayed')
    throw new ApiFailure(403, checked.code, checked.message, 'totpCode');
  unwrap(checked);
}

export const totpRoutes = [
  defineRoute({
    method: 'post',
    path: '/api/session/totp',
    summary:
      'Start enrolling a TOTP second factor: a new secret, its otpauth URI and QR code (SVG); confirm with a first code. Replacing an enrolled one needs password and totpCode (a current or recovery code)',
    tag: 'session',
    permission: 'tokens',
    duringRestriction: true,
    body: totpBeginSchema,
    returns: 'TotpEnrolmentResponse',
    handler: async ({ c, who, body, ip, audit }, ctx) => {
      const username = who.user.username;
      const replacing = ctx.identity.totp.enabled(username);
      if (replacing) await proveEnrolled(c, ctx, username, ip, body);
      const enrolment = await ctx.identity.totp.begin(username);
      audit(replacing ? 'totp.replace.start' : 'totp.enrol.start', username);
      return c.json(enrolment);
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/session/totp/confirm',
    summary:
      'Confirm the TOTP enrolment with a first code; returns 10 one-time recovery codes, shown only now',
    tag: 'session',
    permission: 'tokens',
    duringRestriction: true,
    body: totpConfirmSchema,
    returns: 'TotpConfirmResponse',
    handler: ({ c, who, body, audit }, ctx) => {
      const recoveryCodes = unwrap(ctx.identity.totp.confirm(who.user.username, body.code));
      audit('totp.enrol', who.user.username, `${recoveryCodes.length} recovery codes issued`);
      return c.json({ recoveryCodes });
    },
  }),
];

/** TOTP enrolment for the signed-in user: a secret and its QR code, then a first code confirms it. */
import { ApiFailure, unwrap } from '../http/errors';
import { defineRoute } from '../http/route';
import { totpConfirmSchema } from '../schemas';

export const totpRoutes = [
  defineRoute({
    method: 'post',
    path: '/api/session/totp',
    summary:
      'Start enrolling a TOTP second factor: a new secret, its otpauth URI and QR code (SVG); confirm with a first code',
    tag: 'session',
    permission: 'tokens',
    duringRestriction: true,
    returns: 'TotpEnrolmentResponse',
    handler: async ({ c, who, audit }, ctx) => {
      if (ctx.identity.totp.enabled(who.user.username))
        throw new ApiFailure(
          409,
          'totp_enabled',
          'a second factor is already enrolled; a system administrator resets it before a new enrolment',
        );
      const enrolment = await ctx.identity.totp.begin(who.user.username);
      audit('totp.enrol.start', who.user.username);
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

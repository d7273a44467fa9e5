/** Sign in (password, + TOTP; or an operator certificate over mutual TLS) and out, and personal API tokens. */
import type { Context } from 'hono';
import { deleteCookie, setCookie } from 'hono/cookie';
import type { SessionResponse } from '../../shared';
import type { ServerContext } from '../context';
import { csrfTokenFor, SESSION_COOKIE, type SignInMethod, type UserRecord } from '../identity';
import { userForCertificate } from '../identity/certificate-sign-in';
import { ApiFailure, unwrap } from '../http/errors';
import { defineRoute, type Principal } from '../http/route';
import { changePasswordSchema, createTokenSchema, loginSchema } from '../schemas';
import { presentedCertificate } from './client-certificate';
import { totpRoutes } from './totp';

export function sessionBody(who: Principal, ctx: ServerContext): SessionResponse {
  return {
    user: ctx.identity.users.view(who.user),
    csrfToken: who.rawSessionId === null ? '' : csrfTokenFor(who.rawSessionId),
    expiresAtMs: who.sessionExpiresAtMs ?? 0,
    idleTimeoutMin: ctx.identity.policies.account().idleTimeoutMin,
    restriction: ctx.identity.users.restrictionOf(who.user),
    method: who.method,
  };
}

function startSession(c: Context, ctx: ServerContext, user: UserRecord, ip: string, method: SignInMethod) {
  const session = ctx.identity.sessions.create(user.username, ip, method);
  setCookie(c, SESSION_COOKIE, session.rawId, {
    httpOnly: true,
    sameSite: 'Strict',
    secure: ctx.secure,
    path: '/',
  });
  const who: Principal = {
    user,
    scope: ctx.scopeOf(user),
    via: 'session',
    rawSessionId: session.rawId,
    sessionExpiresAtMs: session.expiresAtMs,
    method,
  };
  return c.json(sessionBody(who, ctx));
}

/** Counts a password attempt per username+address; 429 with Retry-After when over the limit. */
function throttle(c: Context, ctx: ServerContext, username: string, ip: string): void {
  const waitS = ctx.loginLimiter.startAttempt(username, ip);
  if (waitS === 0) return;
  ctx.identity.audit.record({ actor: username, action: 'login.throttled', target: username, from: ip });
  c.header('retry-after', String(waitS));
  throw new ApiFailure(429, 'rate_limited', `too many login attempts; try again in ${waitS} s`);
}

export const sessionRoutes = [
  defineRoute({
    method: 'post',
    path: '/api/session',
    summary:
      'Sign in with username and password, plus totpCode (TOTP or recovery code) when the user has a second factor; sets the httpOnly session cookie',
    tag: 'session',
    permission: 'public',
    body: loginSchema,
    returns: 'SessionResponse',
    handler: async ({ c, body, ip }, ctx) => {
      throttle(c, ctx, body.username, ip);
      const outcome = await ctx.identity.users.authenticate(
        body.username,
        body.password,
        ip,
        'login',
        body.totpCode,
      );
      const user = unwrap(outcome);
      ctx.loginLimiter.succeeded(body.username, ip);
      return startSession(c, ctx, user, ip, user.totpEnabled ? 'password+totp' : 'password');
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/session/certificate',
    summary:
      'Sign in with the operator certificate presented in the TLS handshake (mutual TLS); its revocation is checked in the PKI',
    tag: 'session',
    permission: 'public',
    returns: 'SessionResponse',
    handler: ({ c, ip }, ctx) => {
      if (!ctx.pki || !ctx.clientCertificates)
        throw new ApiFailure(
          404,
          'certificate_sign_in_disabled',
          'this console does not take certificate sign-in (it needs HTTPS and a pki section in its config)',
        );
      const presented = presentedCertificate(c);
      const user = unwrap(
        userForCertificate(
          presented,
          { pki: ctx.pki, users: ctx.identity.users, audit: ctx.identity.audit },
          ip,
        ),
      );
      ctx.identity.users.noteSignIn(user.username);
      return startSession(c, ctx, user, ip, 'certificate');
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/session',
    summary:
      'The signed-in user, the CSRF token to send as x-csrf-token, the session expiry and any step still required (restriction)',
    tag: 'session',
    permission: 'read',
    duringRestriction: true,
    returns: 'SessionResponse',
    handler: ({ c, who }, ctx) => c.json(sessionBody(who, ctx)),
  }),
  defineRoute({
    method: 'delete',
    path: '/api/session',
    summary: 'Sign out: ends the session and clears the cookie',
    tag: 'session',
    permission: 'read',
    duringRestriction: true,
    returns: '204',
    handler: ({ c, who, audit }, ctx) => {
      if (who.rawSessionId !== null) ctx.identity.sessions.remove(who.rawSessionId);
      deleteCookie(c, SESSION_COOKIE, { path: '/', secure: ctx.secure });
      audit('logout', who.user.username);
      return c.body(null, 204);
    },
  }),
  defineRoute({
    method: 'put',
    path: '/api/session/password',
    summary:
      'Change your own password (needs the current one; the account policy applies); ends your other sessions and revokes your API tokens',
    tag: 'session',
    permission: 'tokens',
    duringRestriction: true,
    body: changePasswordSchema,
    returns: '204',
    handler: async ({ c, who, body, ip }, ctx) => {
      const username = who.user.username;
      throttle(c, ctx, username, ip);
      const checked = await ctx.identity.users.authenticate(
        username,
        body.currentPassword,
        ip,
        'password.verify',
      );
      if (!checked.ok && checked.code === 'bad_credentials')
        throw new ApiFailure(403, 'wrong_password', 'the current password is wrong', 'currentPassword');
      unwrap(checked);
      ctx.loginLimiter.succeeded(username, ip);
      const changed = await ctx.identity.users.update(
        username,
        { password: body.newPassword },
        { actor: username, from: ip },
        who.rawSessionId,
      );
      if (!changed.ok && changed.field === 'password')
        throw new ApiFailure(changed.status, changed.code, changed.message, 'newPassword');
      unwrap(changed);
      return c.body(null, 204);
    },
  }),
  ...totpRoutes,
  defineRoute({
    method: 'get',
    path: '/api/tokens',
    summary: "The caller's API tokens (names and dates; the secrets are never shown again)",
    tag: 'session',
    permission: 'tokens',
    returns: 'ApiTokensResponse',
    handler: ({ c, who }, ctx) => c.json({ tokens: ctx.identity.sessions.listTokens(who.user.username) }),
  }),
  defineRoute({
    method: 'post',
    path: '/api/tokens',
    summary: 'Create an API token acting as the caller (send as Authorization: Bearer); shown once',
    tag: 'session',
    permission: 'tokens',
    body: createTokenSchema,
    returns: 'CreateApiTokenResponse',
    handler: ({ c, who, body, audit }, ctx) => {
      const { token, record } = ctx.identity.sessions.createToken(who.user.username, body.name);
      audit('token.create', who.user.username, `id=${record.id} name=${record.name}`);
      return c.json({ token, record }, 201);
    },
  }),
  defineRoute({
    method: 'delete',
    path: '/api/tokens/:id',
    summary: 'Revoke one of your API tokens',
    tag: 'session',
    permission: 'tokens',
    returns: '204',
    handler: ({ c, who, param, audit }, ctx) => {
      const id = Number(param('id'));
      if (!Number.isInteger(id) || !ctx.identity.sessions.removeToken(who.user.username, id))
        throw new ApiFailure(404, 'not_found', `no token ${param('id')} of yours`);
      audit('token.delete', who.user.username, `id=${id}`);
      return c.body(null, 204);
    },
  }),
];

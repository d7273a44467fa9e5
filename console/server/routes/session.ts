/** Sign in and out (cookie sessions) and personal API tokens. */
import type { Context } from 'hono';
import { deleteCookie, setCookie } from 'hono/cookie';
import type { SessionResponse } from '../../shared';
import type { ServerContext } from '../context';
import { csrfTokenFor, SESSION_COOKIE } from '../identity';
import { ApiFailure, unwrap } from '../http/errors';
import { defineRoute, type Principal } from '../http/route';
import { changePasswordSchema, createTokenSchema, loginSchema } from '../schemas';

function sessionBody(who: Principal, ctx: ServerContext): SessionResponse {
  return {
    user: ctx.identity.users.view(who.user),
    csrfToken: who.rawSessionId === null ? '' : csrfTokenFor(who.rawSessionId),
    expiresAtMs: who.sessionExpiresAtMs ?? 0,
  };
}

function setSessionCookie(c: Context, rawId: string, secure: boolean): void {
  setCookie(c, SESSION_COOKIE, rawId, { httpOnly: true, sameSite: 'Strict', secure, path: '/' });
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
    summary: 'Sign in with username and password; sets the httpOnly session cookie',
    tag: 'session',
    permission: 'public',
    body: loginSchema,
    returns: 'SessionResponse',
    handler: async ({ c, body, ip }, ctx) => {
      throttle(c, ctx, body.username, ip);
      const outcome = await ctx.identity.users.authenticate(body.username, body.password, ip);
      const user = unwrap(outcome);
      ctx.loginLimiter.succeeded(body.username, ip);
      const session = ctx.identity.sessions.create(user.username, ip);
      setSessionCookie(c, session.rawId, ctx.secure);
      const who: Principal = {
        user,
        scope: ctx.scopeOf(user),
        via: 'session',
        rawSessionId: session.rawId,
        sessionExpiresAtMs: session.expiresAtMs,
      };
      return c.json(sessionBody(who, ctx));
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/session',
    summary: 'The signed-in user, the CSRF token to send as x-csrf-token, and the session expiry',
    tag: 'session',
    permission: 'read',
    returns: 'SessionResponse',
    handler: ({ c, who }, ctx) => c.json(sessionBody(who, ctx)),
  }),
  defineRoute({
    method: 'delete',
    path: '/api/session',
    summary: 'Sign out: ends the session and clears the cookie',
    tag: 'session',
    permission: 'read',
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
      'Change your own password (needs the current one); ends your other sessions and revokes your API tokens',
    tag: 'session',
    permission: 'tokens',
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

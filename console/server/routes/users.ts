/**
 * User administration (system administrator). Who may manage whom is decided in access.ts
 * (`mayManage`, `grantProblem`): whole-network system administrators manage everyone; a scoped one
 * manages only non-administrator users inside its subtree. A user one may not manage is "not found".
 * Nobody changes their own role.
 */
import type { UsersResponse } from '../../shared';
import { grantProblem, isAdminRole, mayManage } from '../access';
import { adminNotices, type UserRecord } from '../identity';
import { ApiFailure, notFound, unwrap } from '../http/errors';
import { defineRoute, type Principal } from '../http/route';
import type { ServerContext } from '../context';
import { createUserSchema, updateUserSchema } from '../schemas';

const actorOf = (who: Principal) => ({ role: who.user.role, scope: who.scope });

/** The user named in the path, when the caller may manage it; 404 otherwise. */
export function managedUser(who: Principal, username: string, ctx: ServerContext): UserRecord {
  const target = ctx.identity.users.get(username);
  if (!target || !mayManage(actorOf(who), target)) throw notFound(`user "${username}"`);
  return target;
}

function checkGrant(who: Principal, role: UserRecord['role'], scope: string | null): void {
  const problem = grantProblem(actorOf(who), role, scope);
  if (problem !== null)
    throw new ApiFailure(403, 'scope_exceeded', problem, isAdminRole(role) ? 'role' : 'scope');
}

export const userRoutes = [
  defineRoute({
    method: 'get',
    path: '/api/users',
    summary:
      'Users the caller manages (a scoped system administrator: the non-administrator users inside its subtree), and notices such as role migrations',
    tag: 'users',
    permission: 'users',
    returns: 'UsersResponse',
    handler: ({ c, who }, ctx) => {
      const body: UsersResponse = {
        users: ctx.identity.users
          .list()
          .filter((user) => mayManage(actorOf(who), user))
          .map((user) => ctx.identity.users.view(user)),
        notices: adminNotices(ctx.identity.db),
      };
      return c.json(body);
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/users',
    summary: 'Create a user',
    tag: 'users',
    permission: 'users',
    body: createUserSchema,
    returns: 'UserView',
    handler: async ({ c, who, body, ip }, ctx) => {
      checkGrant(who, body.role, body.scope);
      const user = unwrap(await ctx.identity.users.create(body, { actor: who.user.username, from: ip }));
      return c.json(ctx.identity.users.view(user), 201);
    },
  }),
  defineRoute({
    method: 'patch',
    path: '/api/users/:username',
    summary:
      'Change a user’s name, role (one; never your own), scope, password, lock, certificate name, or reset their TOTP (totp: false); a new password ends their sessions and revokes their API tokens',
    tag: 'users',
    permission: 'users',
    body: updateUserSchema,
    returns: 'UserView',
    handler: async ({ c, who, body, param, ip }, ctx) => {
      const target = managedUser(who, param('username'), ctx);
      if (target.username === who.user.username && body.role !== undefined && body.role !== target.role)
        throw new ApiFailure(403, 'own_role', 'you cannot change your own role', 'role');
      if (body.role !== undefined || body.scope !== undefined)
        checkGrant(who, body.role ?? target.role, body.scope === undefined ? target.scope : body.scope);
      const self = target.username === who.user.username;
      const user = unwrap(
        await ctx.identity.users.update(
          target.username,
          body,
          { actor: who.user.username, from: ip },
          self ? who.rawSessionId : null,
        ),
      );
      return c.json(ctx.identity.users.view(user));
    },
  }),
  defineRoute({
    method: 'delete',
    path: '/api/users/:username',
    summary: 'Remove a user (ends their sessions and tokens)',
    tag: 'users',
    permission: 'users',
    returns: '204',
    handler: ({ c, who, param, ip }, ctx) => {
      const target = managedUser(who, param('username'), ctx);
      if (target.username === who.user.username)
        throw new ApiFailure(409, 'self_delete', 'you cannot remove your own account');
      unwrap(ctx.identity.users.remove(target.username, { actor: who.user.username, from: ip }));
      return c.body(null, 204);
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/users/:username/tokens',
    summary: 'A managed user’s API tokens (names and dates; the secrets are never shown)',
    tag: 'users',
    permission: 'users',
    returns: 'ApiTokensResponse',
    handler: ({ c, who, param }, ctx) => {
      const target = managedUser(who, param('username'), ctx);
      return c.json({ tokens: ctx.identity.sessions.listTokens(target.username) });
    },
  }),
  defineRoute({
    method: 'delete',
    path: '/api/users/:username/tokens/:id',
    summary: 'Revoke one of a managed user’s API tokens (ends streams opened with it)',
    tag: 'users',
    permission: 'users',
    returns: '204',
    handler: ({ c, who, param, audit }, ctx) => {
      const target = managedUser(who, param('username'), ctx);
      const id = Number(param('id'));
      if (!Number.isInteger(id) || !ctx.identity.sessions.removeToken(target.username, id))
        throw notFound(`token ${param('id')} of "${target.username}"`);
      audit('token.revoke', target.username, `id=${id}`);
      return c.body(null, 204);
    },
  }),
];

/** User administration (admin). A scoped admin manages only users scoped inside its own subtree. */
import type { Scope } from '../access';
import type { UserRecord } from '../identity';
import { ApiFailure, notFound, unwrap } from '../http/errors';
import { defineRoute } from '../http/route';
import { createUserSchema, updateUserSchema } from '../schemas';

const manages = (scope: Scope, user: Pick<UserRecord, 'scope'>): boolean =>
  scope.isWholeNetwork || (user.scope !== null && scope.allowsNode(user.scope));

function checkGrantableScope(scope: Scope, wanted: string | null): void {
  if (scope.isWholeNetwork) return;
  if (wanted === null || !scope.allowsNode(wanted))
    throw new ApiFailure(
      403,
      'scope_exceeded',
      'you can only give users a scope inside your own subtree',
      'scope',
    );
}

export const userRoutes = [
  defineRoute({
    method: 'get',
    path: '/api/users',
    summary: 'Users (within the caller’s scope)',
    tag: 'users',
    permission: 'users',
    returns: '{ users: UserView[] }',
    handler: ({ c, who }, ctx) =>
      c.json({
        users: ctx.identity.users
          .list()
          .filter((user) => manages(who.scope, user))
          .map((user) => ctx.identity.users.view(user)),
      }),
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
      checkGrantableScope(who.scope, body.scope);
      const user = unwrap(await ctx.identity.users.create(body, { actor: who.user.username, from: ip }));
      return c.json(ctx.identity.users.view(user), 201);
    },
  }),
  defineRoute({
    method: 'patch',
    path: '/api/users/:username',
    summary: 'Change a user’s name, role, scope, password or lock',
    tag: 'users',
    permission: 'users',
    body: updateUserSchema,
    returns: 'UserView',
    handler: async ({ c, who, body, param, ip }, ctx) => {
      const target = ctx.identity.users.get(param('username'));
      if (!target || !manages(who.scope, target)) throw notFound(`user "${param('username')}"`);
      if (body.scope !== undefined) checkGrantableScope(who.scope, body.scope);
      const user = unwrap(
        await ctx.identity.users.update(target.username, body, { actor: who.user.username, from: ip }),
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
      const target = ctx.identity.users.get(param('username'));
      if (!target || !manages(who.scope, target)) throw notFound(`user "${param('username')}"`);
      if (target.username === who.user.username)
        throw new ApiFailure(409, 'self_delete', 'you cannot remove your own account');
      unwrap(ctx.identity.users.remove(target.username, { actor: who.user.username, from: ip }));
      return c.body(null, 204);
    },
  }),
];

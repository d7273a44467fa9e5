/**
 * Who may administer whom (a county admin cannot take over a peer admin), and what a password
 * change takes away: the user's other sessions and every API token. Admins list and revoke other
 * users' tokens.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { ApiTokensResponse, AuditResponse } from '../../console/shared';
import { addUser, login, PASSWORD, startStack, type Client, type Stack } from '../console/server/support';

let stack: Stack;

beforeAll(async () => {
  stack = await startStack();
  await addUser(stack, 'city-admin', 'sysadmin', null);
  await addUser(stack, 'xc-admin', 'sysadmin', 'xichuan-gw');
  await addUser(stack, 'xc-admin2', 'sysadmin', 'xichuan-gw');
  await addUser(stack, 'core-admin', 'sysadmin', 'ny-core');
  await addUser(stack, 'xc-op', 'operator', 'xichuan-gw');
});
afterAll(() => stack.stop());

const as = (username: string, password = PASSWORD) => login(stack.server.url, username, password);

async function makeToken(client: Client, name: string): Promise<{ token: string; id: number }> {
  const response = await client.api('/api/tokens', { method: 'POST', body: { name } });
  const body = (await response.json()) as { token: string; record: { id: number } };
  return { token: body.token, id: body.record.id };
}

const withToken = (token: string, path = '/api/session') =>
  fetch(`${stack.server.url}${path}`, { headers: { authorization: `Bearer ${token}` } });

describe('who manages whom', () => {
  test('a scoped admin cannot change, lock or remove a peer admin of the same scope', async () => {
    const xcAdmin = await as('xc-admin');
    for (const change of [{ password: 'taken-over-password-1' }, { locked: true }, { role: 'viewer' }])
      expect((await xcAdmin.api('/api/users/xc-admin2', { method: 'PATCH', body: change })).status).toBe(404);
    expect((await xcAdmin.api('/api/users/xc-admin2', { method: 'DELETE' })).status).toBe(404);
    expect((await xcAdmin.api('/api/users/xc-admin2/tokens')).status).toBe(404);
    await as('xc-admin2');
  });

  test('an admin scoped higher up still manages no admin inside its subtree', async () => {
    const coreAdmin = await as('core-admin');
    expect(
      (await coreAdmin.api('/api/users/xc-admin', { method: 'PATCH', body: { displayName: 'x' } })).status,
    ).toBe(404);
  });

  test('a scoped admin cannot make admins, neither new nor by promotion', async () => {
    const xcAdmin = await as('xc-admin');
    const created = await xcAdmin.api('/api/users', {
      method: 'POST',
      body: {
        username: 'xc-new-admin',
        displayName: 'x',
        role: 'auditadmin',
        scope: 'xichuan-gw',
        password: 'long-enough-password',
      },
    });
    expect(created.status).toBe(403);
    const promoted = await xcAdmin.api('/api/users/xc-op', { method: 'PATCH', body: { role: 'secadmin' } });
    expect(promoted.status).toBe(403);
    expect(((await promoted.json()) as { error: { field: string } }).error.field).toBe('role');
  });

  test('a scoped admin manages the non-admin users of its subtree; it lists only those', async () => {
    const xcAdmin = await as('xc-admin');
    const changed = await xcAdmin.api('/api/users/xc-op', { method: 'PATCH', body: { displayName: '值班' } });
    expect(changed.status).toBe(200);
    const { users } = (await (await xcAdmin.api('/api/users')).json()) as {
      users: Array<{ username: string }>;
    };
    expect(users.map((user) => user.username)).toEqual(['xc-op']);
  });

  test('a whole-network admin manages scoped admins', async () => {
    const city = await as('city-admin');
    expect(
      (await city.api('/api/users/xc-admin2', { method: 'PATCH', body: { displayName: '淅川管理员' } }))
        .status,
    ).toBe(200);
  });
});

describe('a password change ends access', () => {
  test('an admin reset ends every session and revokes every API token of the user', async () => {
    await addUser(stack, 'reset-me', 'operator', 'xichuan-gw');
    const user = await as('reset-me');
    const { token } = await makeToken(user, 'script');
    expect((await withToken(token)).status).toBe(200);
    const city = await as('city-admin');
    expect(
      (await city.api('/api/users/reset-me', { method: 'PATCH', body: { password: 'reset-password-22' } }))
        .status,
    ).toBe(200);
    expect((await user.api('/api/session')).status).toBe(401);
    expect((await withToken(token)).status).toBe(401);
    const listed = (await (await city.api('/api/users/reset-me/tokens')).json()) as ApiTokensResponse;
    expect(listed.tokens).toEqual([]);
  });

  test('users change their own password: this session goes on, others and tokens end', async () => {
    await addUser(stack, 'self-change', 'viewer', null);
    const here = await as('self-change');
    const elsewhere = await as('self-change');
    const { token } = await makeToken(here, 'laptop');
    const wrong = await here.api('/api/session/password', {
      method: 'PUT',
      body: { currentPassword: 'not-my-password', newPassword: 'my-new-password-33' },
    });
    expect(wrong.status).toBe(403);
    expect(((await wrong.json()) as { error: { field: string } }).error.field).toBe('currentPassword');
    const weak = await here.api('/api/session/password', {
      method: 'PUT',
      body: { currentPassword: PASSWORD, newPassword: 'short' },
    });
    expect(weak.status).toBe(422);
    const changed = await here.api('/api/session/password', {
      method: 'PUT',
      body: { currentPassword: PASSWORD, newPassword: 'my-new-password-33' },
    });
    expect(changed.status).toBe(204);
    expect((await here.api('/api/session')).status).toBe(200);
    expect((await elsewhere.api('/api/session')).status).toBe(401);
    expect((await withToken(token)).status).toBe(401);
    await as('self-change', 'my-new-password-33');
  });

  test('a scoped admin changes its own password through its session, not user administration', async () => {
    const xcAdmin = await as('xc-admin2');
    expect(
      (
        await xcAdmin.api('/api/users/xc-admin2', {
          method: 'PATCH',
          body: { password: 'another-password-44' },
        })
      ).status,
    ).toBe(404);
    expect(
      (
        await xcAdmin.api('/api/session/password', {
          method: 'PUT',
          body: { currentPassword: PASSWORD, newPassword: 'another-password-44' },
        })
      ).status,
    ).toBe(204);
  });
});

test("an admin lists and revokes another user's API tokens; the revocation is audited", async () => {
  await addUser(stack, 'tokened', 'operator', 'xichuan-gw');
  const user = await as('tokened');
  const { token, id } = await makeToken(user, 'grafana');
  const xcAdmin = await as('xc-admin');
  const listed = await xcAdmin.api('/api/users/tokened/tokens');
  const text = await listed.text();
  expect(listed.status).toBe(200);
  expect(text).not.toContain(token);
  expect((JSON.parse(text) as ApiTokensResponse).tokens).toMatchObject([
    { id, name: 'grafana', username: 'tokened' },
  ]);
  expect((await xcAdmin.api(`/api/users/tokened/tokens/${id}`, { method: 'DELETE' })).status).toBe(204);
  expect((await withToken(token)).status).toBe(401);
  expect((await xcAdmin.api(`/api/users/tokened/tokens/${id}`, { method: 'DELETE' })).status).toBe(404);
  await addUser(stack, 'city-audit', 'auditadmin', null);
  const auditor = await as('city-audit');
  const audit = (await (await auditor.api('/api/audit?action=token.revoke')).json()) as AuditResponse;
  expect(audit.records[0]).toMatchObject({ actor: 'xc-admin', target: 'tokened', detail: `id=${id}` });
});

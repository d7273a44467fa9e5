/**
 * Silences over HTTP: a regular expression from a user runs on RE2 (linear time), so a pattern that
 * would backtrack for hours is either refused with a 400 naming the field or accepted and harmless;
 * either way the server keeps answering.
 */
import { afterAll, beforeAll, expect, test, vi } from 'vitest';
import { asNodeId } from '../../domain';
import { addUser, login, startStack, type Client, type Stack } from '../console/server/support';

let stack: Stack;
let admin: Client;

beforeAll(async () => {
  stack = await startStack();
  // Silences are the security administrator's (and operators'); the system administrator has none.
  await addUser(stack, 'admin', 'secadmin', null);
  admin = await login(stack.server.url, 'admin');
  const core = asNodeId('ny-core');
  const ifIndex = stack.topology.node(core).interfaces.find((i) => i.name === 'GE0/0/8')?.ifIndex ?? 0;
  stack.bus.publish({
    type: 'interface.state',
    node: core,
    timeMs: Date.now(),
    ifIndex,
    ifName: 'GE0/0/8',
    state: 'down',
    source: 'trap',
  });
  // An open alert with labels for the silence to be checked against (link: "ny-core:GE0/0/8--xichuan-gw:GE0/0/0").
  await vi.waitFor(() => expect(stack.engine.list().map((alert) => alert.rule)).toContain('uplink-down'), {
    timeout: 5000,
  });
});
afterAll(() => stack.stop());

function postSilence(matcher: { label: string; value: string; regex: boolean }): Promise<Response> {
  const now = Date.now();
  return admin.api('/api/silences', {
    method: 'POST',
    body: { matchers: [matcher], startsAtMs: now, endsAtMs: now + 3_600_000, reason: '割接' },
  });
}

test.each([
  ['a backreference', '(xichuan)\\1', /RE2 syntax/],
  ['a lookahead', '(?=ny).*', /RE2 syntax/],
  ['an unclosed class', '[a-', /RE2 syntax/],
  ['a pattern too costly per alert', '\\pL{1000}\\pL{1000}', /too costly/],
  ['a pattern over 256 characters', `(${'x|'.repeat(130)}y)`, /256/],
])('%s is refused with a 400 naming the matcher', async (_what, value, reason) => {
  const response = await postSilence({ label: 'link', value, regex: true });
  expect(response.status).toBe(400);
  const body = (await response.json()) as { error: { code: string; message: string; field?: string } };
  expect(body.error).toMatchObject({ code: 'invalid_request', field: 'matchers.0.value' });
  expect(body.error.message).toMatch(reason);
  expect(JSON.stringify(body)).not.toMatch(/at .*\.ts:\d+/);
});

test('a pattern that backtracks exponentially in JavaScript is accepted and evaluated in linear time; the server keeps answering', async () => {
  const created = await postSilence({ label: 'link', value: '([^z]|[^y]|.)*z', regex: true });
  expect(created.status).toBe(201);
  const alerts = await admin.api('/api/alerts');
  expect(alerts.status).toBe(200);
  await expect.poll(async () => (await admin.api('/api/silences')).status, { timeout: 5000 }).toBe(200);
  const open = stack.engine.list().find((alert) => alert.rule === 'uplink-down');
  expect(open?.silencedBy).toEqual([]);
});

test('a valid pattern still mutes what it fully matches, and only that', async () => {
  const partial = (await (await postSilence({ label: 'link', value: 'ny-core', regex: true })).json()) as {
    id: string;
  };
  const full = (await (
    await postSilence({ label: 'link', value: 'ny-core:.*--xichuan-.*', regex: true })
  ).json()) as {
    id: string;
  };
  await expect
    .poll(() => stack.engine.list().find((alert) => alert.rule === 'uplink-down')?.silencedBy, {
      timeout: 5000,
    })
    .toEqual([full.id]);
  expect(partial.id).not.toBe(full.id);
});

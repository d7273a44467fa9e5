/**
 * The audit administrator filters the whole audit on the server: a plain substring (`q`, wildcards
 * literal, no pattern), one action, a time range, and pages within the filter; the list of actions
 * comes from the server. Bad filters are 400 naming the field; nobody else reads it (三权分立) and a
 * scoped audit administrator's filter stays inside its actors.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openIdentity } from '../../console/server';
import type { AuditActionsResponse, AuditResponse } from '../../console/shared';
import { addUser, login, startStack, type Client, type Stack } from '../console/server/support';

let stack: Stack;
let aud: Client;
const T0 = Date.parse('2026-03-01T00:00:00Z');

beforeAll(async () => {
  stack = await startStack();
  await addUser(stack, 'aud', 'auditadmin', null);
  await addUser(stack, 'xc-aud', 'auditadmin', 'xichuan-gw');
  await addUser(stack, 'xc-op', 'operator', 'xichuan-gw');
  // A second writer on the same file (as `egov-noc user …` is), with its own clock: one record a
  // minute from T0, the rare ones among the oldest.
  let atMs = T0;
  const writer = openIdentity(stack.dir, { now: () => atMs });
  const write = (actor: string, action: string, target: string, detail: string) => {
    writer.audit.record({ actor, action, target, detail, from: '127.0.0.1' });
    atMs += 60_000;
  };
  write('sec', 'certificate.revoke', '4F2A', 'reason=keyCompromise 淅川证书 100%_done');
  write('xc-op', 'alert.ack', 'xichuan-gw:down', '淅川 值班确认');
  for (let i = 0; i < 300; i++) write('sec', 'silence.create', `s${i}`, `维护窗口 ${i}`);
  writer.close();
  aud = await login(stack.server.url, 'aud');
}, 60_000);
afterAll(() => stack?.stop());

const list = async (client: Client, query: string): Promise<AuditResponse['records']> => {
  const response = await client.api(`/api/audit?${query}`);
  expect(response.status).toBe(200);
  return ((await response.json()) as AuditResponse).records;
};

describe('GET /api/audit filters on the server', () => {
  test('q finds a record far older than the first page, in any of actor, action, target, detail', async () => {
    const firstPage = await list(aud, 'limit=100');
    expect(firstPage.map((r) => r.target)).not.toContain('4F2A');
    const found = await list(aud, `q=${encodeURIComponent('淅川证书')}`);
    expect(found.map((r) => r.target)).toEqual(['4F2A']);
    expect((await list(aud, 'q=4f2a')).map((r) => r.action)).toEqual(['certificate.revoke']);
    expect((await list(aud, 'q=ALERT.ACK')).map((r) => r.actor)).toEqual(['xc-op']);
  });

  test('% and _ are literal characters, not wildcards', async () => {
    expect((await list(aud, `q=${encodeURIComponent('100%_done')}`)).map((r) => r.target)).toEqual(['4F2A']);
    expect(await list(aud, `q=${encodeURIComponent('%')}`)).toHaveLength(1);
    expect(await list(aud, `q=${encodeURIComponent('s_1')}`)).toHaveLength(0);
  });

  test('pages within the filter: before= continues the same filtered list', async () => {
    const query = `action=silence.create&q=${encodeURIComponent('窗口 1')}&limit=50`;
    const first = await list(aud, query);
    expect(first).toHaveLength(50);
    const second = await list(aud, `${query}&before=${first.at(-1)?.id}`);
    // 窗口 1, 10–19, 100–199: 111 records.
    const third = await list(aud, `${query}&before=${second.at(-1)?.id}`);
    expect(first.length + second.length + third.length).toBe(111);
    const all = [...first, ...second, ...third];
    expect(new Set(all.map((r) => r.id)).size).toBe(111);
    for (const record of all) expect(record.detail).toContain('窗口 1');
  });

  test('from/to bound the time as [from, to), in epoch ms or ISO 8601', async () => {
    const from = new Date(T0).toISOString();
    const records = await list(aud, `from=${from}&to=${T0 + 2 * 60_000}`);
    expect(records.map((r) => r.target)).toEqual(['xichuan-gw:down', '4F2A']);
  });

  test('bad filters are 400 naming the field', async () => {
    const tooLong = await aud.api(`/api/audit?q=${'x'.repeat(201)}`);
    expect(tooLong.status).toBe(400);
    expect(((await tooLong.json()) as { error: { field: string } }).error.field).toBe('q');
    const badTime = await aud.api('/api/audit?from=yesterday');
    expect(badTime.status).toBe(400);
    expect(((await badTime.json()) as { error: { field: string } }).error.field).toBe('from');
    const backwards = await aud.api(`/api/audit?from=${T0 + 1000}&to=${T0}`);
    expect(backwards.status).toBe(400);
    expect(((await backwards.json()) as { error: { field: string } }).error.field).toBe('to');
  });

  test('the actions come from the server: every action in the audit, also ones not on the first page', async () => {
    const response = await aud.api('/api/audit/actions');
    expect(response.status).toBe(200);
    const { actions } = (await response.json()) as AuditActionsResponse;
    expect(actions).toEqual(expect.arrayContaining(['alert.ack', 'certificate.revoke', 'silence.create']));
    expect(actions).toEqual([...actions].sort());
  });

  test('a scoped audit administrator filters only its subtree’s actors; others may not read it', async () => {
    const xcAud = await login(stack.server.url, 'xc-aud');
    expect(await list(xcAud, `q=${encodeURIComponent('淅川证书')}`)).toHaveLength(0);
    expect((await list(xcAud, `q=${encodeURIComponent('淅川')}`)).map((r) => r.actor)).toEqual(['xc-op']);
    const actions = (await (await xcAud.api('/api/audit/actions')).json()) as AuditActionsResponse;
    expect(actions.actions).toContain('alert.ack');
    expect(actions.actions).not.toContain('certificate.revoke');
    const op = await login(stack.server.url, 'xc-op');
    expect((await op.api('/api/audit?q=x')).status).toBe(403);
    expect((await op.api('/api/audit/actions')).status).toBe(403);
  });
});

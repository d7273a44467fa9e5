/**
 * An outage acknowledged as planned work: the console's ack records the mark, the audit says so,
 * only outages may carry it, and the monthly report's reader (`egov-noc report`, serve's schedule)
 * finds it in the alert engine's state file.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { readPlannedWorkAlerts } from '../../alerts';
import type { Alert } from '../../domain';
import { securityEvent } from '../alerts/security-support';
import {
  addUser,
  eventually,
  login,
  startStack,
  takeDown,
  type Client,
  type Stack,
} from '../console/server/support';

let stack: Stack;
let operator: Client;
let auditor: Client;

beforeAll(async () => {
  stack = await startStack();
  await addUser(stack, 'ops', 'operator', null);
  await addUser(stack, 'aud', 'auditadmin', null);
  operator = await login(stack.server.url, 'ops');
  auditor = await login(stack.server.url, 'aud');
});
afterAll(() => stack.stop());

const ack = (id: string, body: Record<string, unknown>) =>
  operator.api(`/api/alerts/${id}/ack`, { method: 'POST', body });

test('an outage acknowledged as planned work carries the mark, in the API, the audit and the state file', async () => {
  takeDown(stack, 'xichuan-sw');
  const alert = await eventually(() =>
    stack.engine.list().find((candidate) => candidate.node === 'xichuan-sw' && candidate.status === 'firing'),
  );
  const response = await ack(alert.id, { comment: '运营商割接（已预告）', planned: true });
  expect(response.status).toBe(200);
  const shown = (await (await operator.api(`/api/alerts/${alert.id}`)).json()) as Alert;
  expect(shown.ack).toMatchObject({ by: 'ops', comment: '运营商割接（已预告）', planned: true });

  const audit = await (await auditor.api('/api/audit?q=planned')).text();
  expect(audit).toContain(`on xichuan-sw (planned work)`);

  const now = Date.now();
  const archived = readPlannedWorkAlerts(join(stack.dir, 'alerts.sqlite'), now - 3_600_000, now + 3_600_000);
  expect(archived.map((candidate) => candidate.id)).toEqual([alert.id]);
});

test('a plain acknowledgement is not planned work, and a non-outage alert cannot be planned work', async () => {
  takeDown(stack, 'nanzhao-sw');
  const outage = await eventually(() =>
    stack.engine.list().find((candidate) => candidate.node === 'nanzhao-sw' && candidate.status === 'firing'),
  );
  expect((await ack(outage.id, { comment: '已通知县网络中心' })).status).toBe(200);
  expect(stack.engine.get(outage.id)?.ack?.planned).toBeUndefined();

  for (let i = 0; i < 6; i++)
    stack.bus.publish(
      securityEvent('fangcheng-gw', 'auth-failure', Date.now(), {
        user: 'admin',
        sourceAddress: '203.0.113.9',
        messageId: 'SSH/4/SSH_FAIL',
        text: 'Failed to login through SSH. (Ip=203.0.113.9, Reason=password error)',
      }),
    );
  const bruteForce = await eventually(() =>
    stack.engine
      .list()
      .find((candidate) => candidate.rule === 'brute-force' && candidate.node === 'fangcheng-gw'),
  );
  const refused = await ack(bruteForce.id, { comment: '计划内', planned: true });
  expect(refused.status).toBe(422);
  expect(await refused.json()).toMatchObject({ error: { code: 'not-an-outage', field: 'planned' } });
  expect(stack.engine.get(bruteForce.id)?.status).toBe('firing');
});

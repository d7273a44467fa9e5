/**
 * Device logs → security events on the bus → the real alert engine → the console API and stream:
 * six failed logins from one address on a county router are one brute-force alert on that router,
 * which that county's operator sees (list, detail, stream, ack) and another county's does not —
 * from events on the bus, and from real Huawei VRP lines over UDP through the real syslog receiver.
 */
import { createSocket } from 'node:dgram';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { silentLogger } from '../../common';
import { startSyslogReceiver } from '../../logs';
import type { Alert } from '../../domain';
import type { ServerMessage } from '../../console/shared';
import { securityEvent } from '../alerts/security-support';
import {
  addUser,
  eventually,
  isType,
  login,
  startStack,
  StreamClient,
  type Client,
  type Stack,
} from '../console/server/support';

let stack: Stack;
let nanzhao: Client;
let fangcheng: Client;
const ATTACKER = '203.0.113.66';

function failedLogins(node: string, count: number): void {
  for (let i = 0; i < count; i++)
    stack.bus.publish(
      securityEvent(node, 'auth-failure', Date.now(), {
        user: ['admin', 'root', 'huawei'][i % 3] ?? 'admin',
        sourceAddress: ATTACKER,
        messageId: 'SSH/4/SSH_FAIL',
        text: `Failed to login through SSH. (Ip=${ATTACKER}, VpnInstanceName=, Reason=password error)`,
      }),
    );
}

type AlertMessage = Extract<ServerMessage, { type: 'alert' }>;
const bruteForceOn =
  (node: string) =>
  (message: ServerMessage): message is AlertMessage =>
    isType('alert')(message) && message.alert.rule === 'brute-force' && message.alert.node === node;

async function alertsOf(client: Client): Promise<Alert[]> {
  const response = await client.api('/api/alerts');
  expect(response.status).toBe(200);
  return ((await response.json()) as { alerts: Alert[] }).alerts;
}

beforeAll(async () => {
  stack = await startStack();
  await addUser(stack, 'nz-op', 'operator', 'nanzhao-gw');
  await addUser(stack, 'fc-op', 'operator', 'fangcheng-gw');
  nanzhao = await login(stack.server.url, 'nz-op');
  fangcheng = await login(stack.server.url, 'fc-op');
});
afterAll(() => stack.stop());

describe('a brute-force attempt on a county router in the console', () => {
  test("is one alert on the router, seen by the county's operator and not by another county's", async () => {
    const nzStream = await StreamClient.open(stack.server.url, nanzhao.cookie);
    const fcStream = await StreamClient.open(stack.server.url, fangcheng.cookie);
    try {
      for (const stream of [nzStream, fcStream]) {
        stream.send({ type: 'subscribe', filter: {} });
        await stream.waitFor(isType('snapshot'));
      }
      failedLogins('nanzhao-gw', 6);
      const seen = await nzStream.waitFor(bruteForceOn('nanzhao-gw'));
      expect(seen.alert).toMatchObject({
        severity: 'critical',
        params: { source: ATTACKER, count: 6 },
      });

      const listed = (await alertsOf(nanzhao)).filter((alert) => alert.rule === 'brute-force');
      expect(listed).toHaveLength(1);
      expect(listed[0]).toMatchObject({
        id: seen.alert.id,
        node: 'nanzhao-gw',
        labels: { source: ATTACKER },
      });
      expect(listed[0]?.summary).toContain('疑似暴力破解');
      expect((await nanzhao.api(`/api/alerts/${seen.alert.id}`)).status).toBe(200);

      expect((await alertsOf(fangcheng)).filter((alert) => alert.node === 'nanzhao-gw')).toEqual([]);
      expect((await fangcheng.api(`/api/alerts/${seen.alert.id}`)).status).toBe(404);
      const foreignAck = await fangcheng.api(`/api/alerts/${seen.alert.id}/ack`, {
        method: 'POST',
        body: { comment: 'not mine' },
      });
      expect(foreignAck.status).toBe(404);

      // The other county's stream carries its own attack, and nothing of Nanzhao's before it.
      failedLogins('fangcheng-gw', 6);
      const own = await fcStream.waitFor(bruteForceOn('fangcheng-gw'));
      expect(own.alert.node).toBe('fangcheng-gw');
      expect(fcStream.messages.filter((m) => isType('alert')(m) && m.alert.node === 'nanzhao-gw')).toEqual(
        [],
      );
    } finally {
      await nzStream.close();
      await fcStream.close();
    }
  });

  test("the county's operator acknowledges it; further failures update the same alert", async () => {
    const alert = await eventually(() =>
      stack.engine.list().find((a) => a.rule === 'brute-force' && a.node === 'nanzhao-gw'),
    );
    const acked = await nanzhao.api(`/api/alerts/${alert.id}/ack`, {
      method: 'POST',
      body: { comment: '已在防火墙封禁来源地址' },
    });
    expect(acked.status).toBe(200);
    expect(await acked.json()).toMatchObject({ status: 'acknowledged', ack: { by: 'nz-op' } });
    failedLogins('nanzhao-gw', 3);
    const listed = (await alertsOf(nanzhao)).filter((a) => a.rule === 'brute-force');
    expect(listed.map((a) => a.id)).toEqual([alert.id]);
  });
});

describe('from the wire', () => {
  test('six SSH_FAIL lines from a Huawei county router, relayed over UDP, are one brute-force alert its operator sees', async () => {
    const source = '198.51.100.23';
    const receiver = await startSyslogReceiver({
      port: 0,
      address: '127.0.0.1',
      inventory: stack.topology.inventory,
      relays: ['127.0.0.1'],
      logger: silentLogger(),
      onEvent: (event) => stack.bus.publish({ type: 'security.event', timeMs: event.receivedAtMs, event }),
    });
    const socket = createSocket('udp4');
    try {
      for (let i = 0; i < 6; i++) {
        const line =
          `<188>Dec  6 2026 21:00:0${i}+08:00 xixia-gw %%01SSH/4/SSH_FAIL(s)[${i}]:Failed to login through SSH. ` +
          `(IP=${source}, VpnInstanceName=_public_, UserName=admin${i}, Times=1, FailedReason=Invalid username or password.)`;
        await new Promise<void>((resolve, reject) =>
          socket.send(Buffer.from(line), receiver.udpPort ?? 0, '127.0.0.1', (error) =>
            error ? reject(error) : resolve(),
          ),
        );
      }
      await addUser(stack, 'xx-op', 'operator', 'xixia-gw');
      const xixia = await login(stack.server.url, 'xx-op');
      const alert = await vi.waitFor(
        async () => {
          const found = (await alertsOf(xixia)).find((a) => a.rule === 'brute-force');
          if (!found) throw new Error('no brute-force alert yet');
          return found;
        },
        { timeout: 5_000, interval: 50 },
      );
      expect(alert).toMatchObject({ node: 'xixia-gw', params: { source, count: 6 } });
      expect(String(alert.params.users)).toContain('admin5');
      expect((await alertsOf(nanzhao)).filter((a) => a.node === 'xixia-gw')).toEqual([]);
    } finally {
      socket.close();
      await receiver.close();
    }
  });
});

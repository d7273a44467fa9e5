import { afterEach, describe, expect, it } from 'vitest';
import { DEDUP_HEADER, type AlertEngineOptions } from '../../alerts/index';
import { harness, ifState, unreachable, XICHUAN_UPLINK, type Harness } from './support';
import { freePort, receiver } from './webhook-receiver';

let h: Harness;
const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
  await h.cleanup();
});

function options(
  port: number,
  type: 'webhook' | 'wecom' | 'dingtalk' = 'webhook',
): Partial<AlertEngineOptions> {
  return {
    notifications: {
      receivers: [
        { name: 'noc', type, url: `http://127.0.0.1:${port}/hook?key=secret-robot-key`, timeout: 2000 },
      ],
      routes: [{ receiver: 'noc', matchers: [{ label: 'severity', value: 'critical|major', regex: true }] }],
    },
  };
}

describe('notifications', () => {
  it('a receiver that is down gets the notification once it is back, with a dedup key', async () => {
    const port = await freePort();
    h = await harness(options(port));
    ifState(h, XICHUAN_UPLINK.node, XICHUAN_UPLINK.ifName, 'down');
    h.engine.tick();
    const root = h.engine.list()[0];

    expect(await h.engine.deliverNotifications()).toEqual({ delivered: 0, failed: 1 });
    const [row] = h.engine.outbox();
    expect(row).toMatchObject({ status: 'pending', attempts: 1, kind: 'firing', alertId: root?.id });
    expect(row?.lastError).toMatch(/ECONNREFUSED/);
    expect(JSON.stringify(h.log.lines)).not.toContain('secret-robot-key');
    // Not due yet: nothing is attempted.
    expect(await h.engine.deliverNotifications()).toEqual({ delivered: 0, failed: 0 });

    const hook = receiver(port);
    await hook.listen();
    closers.push(hook.close);
    h.clock.advance(2_000);
    expect(await h.engine.deliverNotifications()).toEqual({ delivered: 1, failed: 0 });
    expect(hook.received).toHaveLength(1);
    const got = hook.received[0];
    const key = `${root?.id}:firing:noc`;
    expect(got?.headers[DEDUP_HEADER.toLowerCase()]).toBe(key);
    expect(got?.body).toMatchObject({
      source: 'egov-noc',
      dedupKey: key,
      kind: 'firing',
      alert: { id: root?.id, rule: 'uplink-down' },
    });
    expect(h.engine.outbox()[0]).toMatchObject({ status: 'delivered', attempts: 2 });
  });

  it('backs off exponentially and survives a restart of the engine', async () => {
    const port = await freePort();
    h = await harness(options(port));
    unreachable(h, 'dept-07');
    h.clock.advance(5_000);
    h.engine.tick();
    const nextAttempts: number[] = [];
    for (let i = 0; i < 4; i++) {
      await h.engine.deliverNotifications();
      const row = h.engine.outbox()[0];
      nextAttempts.push((row?.nextAttemptMs ?? 0) - h.clock.nowMs);
      h.clock.advance((row?.nextAttemptMs ?? 0) - h.clock.nowMs);
    }
    expect(nextAttempts).toEqual([2_000, 4_000, 8_000, 16_000]);

    await h.restart(options(port));
    const hook = receiver(port);
    await hook.listen();
    closers.push(hook.close);
    expect(await h.engine.deliverNotifications()).toEqual({ delivered: 1, failed: 0 });
    expect(hook.received).toHaveLength(1);
    // Delivered stays delivered across another restart: no duplicate.
    await h.restart(options(port));
    expect(await h.engine.deliverNotifications()).toEqual({ delivered: 0, failed: 0 });
  });

  it('resolving a notified alert sends a resolved notification; muted alerts send none', async () => {
    const port = await freePort();
    const hook = receiver(port);
    await hook.listen();
    closers.push(hook.close);
    h = await harness(options(port, 'wecom'));
    ifState(h, XICHUAN_UPLINK.node, XICHUAN_UPLINK.ifName, 'down');
    for (const node of ['xichuan-gw', 'xichuan-sw', 'xichuan-mcu']) unreachable(h, node);
    h.engine.tick();
    h.clock.advance(30_000);
    ifState(h, XICHUAN_UPLINK.node, XICHUAN_UPLINK.ifName, 'up');
    h.engine.tick();
    await h.engine.deliverNotifications();
    const contents = hook.received.map((r) => (r.body.markdown as { content: string }).content);
    expect(contents).toHaveLength(2);
    expect(contents[0]).toContain('【告警·严重】淅川县政府内网路由器 上联链路中断，影响 2 个下级节点');
    expect(contents[1]).toContain('【恢复·严重】');
    expect(hook.received.every((r) => r.body.msgtype === 'markdown')).toBe(true);
  });

  it('a robot answering 200 with an error code is retried', async () => {
    const port = await freePort();
    const hook = receiver(port, { status: 200, body: '{"errcode":45009,"errmsg":"api freq out of limit"}' });
    await hook.listen();
    closers.push(hook.close);
    h = await harness(options(port, 'dingtalk'));
    ifState(h, XICHUAN_UPLINK.node, XICHUAN_UPLINK.ifName, 'down');
    h.engine.tick();
    expect(await h.engine.deliverNotifications()).toEqual({ delivered: 0, failed: 1 });
    expect(h.engine.outbox()[0]?.lastError).toContain('45009');
    const body = hook.received[0]?.body as { msgtype: string; markdown: { title: string; text: string } };
    expect(body.msgtype).toBe('markdown');
    expect(body.markdown.title).toContain('淅川县政府内网路由器 上联链路中断');
  });
});

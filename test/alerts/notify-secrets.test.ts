import { afterEach, describe, expect, it, vi } from 'vitest';
import type { AlertEngineOptions, ReceiverConfig } from '../../alerts/index';
import { redactText } from '../../alerts/notify/redact';
import { harness, ifState, XICHUAN_UPLINK, type Harness } from './support';
import { freePort, receiver } from './webhook-receiver';

/** Webhook credentials (robot keys in URLs, Authorization headers) never reach a log line or a stored error. */

let h: Harness | null = null;
const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
  await h?.cleanup();
  h = null;
  vi.unstubAllEnvs();
});

const ROBOT_KEY = 'robot-key-6f1c2e9a';
const AUTH = 'Bearer bearer-token-93b1d7';

/** The environment the CLI would pass the engine: header secrets are read from it, never from process.env. */
const ENV = { NOC_TEST_WEBHOOK_AUTH: AUTH };

function notifyVia(receiverConfig: ReceiverConfig): Partial<AlertEngineOptions> {
  return {
    notifications: { receivers: [receiverConfig], routes: [{ receiver: 'noc', matchers: [] }] },
    env: ENV,
  };
}

/** Cut a county uplink and try to deliver the notification once; the outbox row and the log after it. */
async function deliverOnce(options: Partial<AlertEngineOptions>) {
  h = await harness(options);
  ifState(h, XICHUAN_UPLINK.node, XICHUAN_UPLINK.ifName, 'down');
  h.engine.tick();
  const report = await h.engine.deliverNotifications();
  return { report, row: h.engine.outbox()[0], log: JSON.stringify(h.log.lines) };
}

async function listening(reply: Parameters<typeof receiver>[1]) {
  const port = await freePort();
  const hook = receiver(port, reply);
  await hook.listen();
  closers.push(hook.close);
  return { port, hook };
}

describe('webhook credentials', () => {
  it('a robot error that quotes the webhook URL is stored and logged with the key masked', async () => {
    const { port } = await listening((request, response) =>
      response.writeHead(200, { 'content-type': 'application/json' }).end(
        JSON.stringify({
          errcode: 93000,
          errmsg: `invalid webhook url, url: http://${request.headers.host}${request.url}&debug=1`,
        }),
      ),
    );
    const { report, row, log } = await deliverOnce(
      notifyVia({
        name: 'noc',
        type: 'wecom',
        url: `http://127.0.0.1:${port}/send?key=${ROBOT_KEY}`,
        timeout: 2000,
      }),
    );
    expect(report).toEqual({ delivered: 0, failed: 1 });
    expect(row?.lastError).toContain('93000');
    expect(row?.lastError).toContain('key=***&debug=1');
    expect(row?.lastError).not.toContain(ROBOT_KEY);
    expect(log).toContain('93000');
    expect(log).not.toContain(ROBOT_KEY);
  });

  it('an Authorization header comes from the environment, and an error echoing it is masked', async () => {
    const { port, hook } = await listening((request, response) =>
      response
        .writeHead(401, { 'content-type': 'text/plain' })
        .end(`rejected credentials ${String(request.headers.authorization)}`),
    );
    const { report, row, log } = await deliverOnce(
      notifyVia({
        name: 'noc',
        type: 'webhook',
        url: `http://127.0.0.1:${port}/alerts`,
        headers: { Authorization: { env: 'NOC_TEST_WEBHOOK_AUTH' } },
        timeout: 2000,
      }),
    );
    expect(hook.received[0]?.headers.authorization).toBe(AUTH);
    expect(report).toEqual({ delivered: 0, failed: 1 });
    expect(row?.lastError).toBe('HTTP 401');
    expect(log).not.toContain('bearer-token-93b1d7');
  });

  it('a robot that echoes the header secret in its error code message has it masked', async () => {
    const { port } = await listening((request, response) =>
      response
        .writeHead(200, { 'content-type': 'application/json' })
        .end(
          JSON.stringify({ errcode: 40014, errmsg: `bad token ${String(request.headers.authorization)}` }),
        ),
    );
    const { row, log } = await deliverOnce(
      notifyVia({
        name: 'noc',
        type: 'dingtalk',
        url: `http://127.0.0.1:${port}/robot/send?access_token=${ROBOT_KEY}`,
        headers: { Authorization: { env: 'NOC_TEST_WEBHOOK_AUTH' } },
        timeout: 2000,
      }),
    );
    expect(row?.lastError).toContain('40014');
    expect(row?.lastError).not.toContain('bearer-token-93b1d7');
    expect(log).not.toContain('bearer-token-93b1d7');
  });

  it('the engine refuses to start with user:pass@ in a receiver URL, or a missing header secret, without echoing them', async () => {
    const withPassword = harness(
      notifyVia({
        name: 'noc',
        type: 'webhook',
        url: 'http://noc:s3cret-pw@127.0.0.1:9/alerts',
        timeout: 2000,
      }),
    );
    await expect(withPassword).rejects.toThrow(/receiver noc: url must not carry credentials/);
    await expect(withPassword).rejects.not.toThrow(/s3cret-pw/);
    await expect(
      harness(
        notifyVia({
          name: 'noc',
          type: 'webhook',
          url: 'http://127.0.0.1:9/alerts',
          headers: { Authorization: { env: 'NOC_TEST_UNSET_VARIABLE' } },
          timeout: 2000,
        }),
      ),
    ).rejects.toThrow(
      /receiver noc: header Authorization: environment variable NOC_TEST_UNSET_VARIABLE is not set/,
    );
  });

  it('reads header secrets only from the environment it is given, never from the process', async () => {
    vi.stubEnv('NOC_TEST_PROCESS_ONLY', AUTH);
    const start = harness({
      ...notifyVia({
        name: 'noc',
        type: 'webhook',
        url: 'http://127.0.0.1:9/alerts',
        headers: { Authorization: { env: 'NOC_TEST_PROCESS_ONLY' } },
        timeout: 2000,
      }),
    });
    await expect(start).rejects.toThrow(/environment variable NOC_TEST_PROCESS_ONLY is not set/);
  });

  it('a receiver whose reply never ends is read only as far as needed (the delivery completes)', async () => {
    const { port } = await listening((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/plain' });
      const chunk = 'x'.repeat(64 * 1024);
      const pump = () => {
        while (!response.destroyed && response.write(chunk));
        if (!response.destroyed) response.once('drain', pump);
      };
      pump();
    });
    const { report, row } = await deliverOnce(
      notifyVia({ name: 'noc', type: 'webhook', url: `http://127.0.0.1:${port}/alerts`, timeout: 10_000 }),
    );
    expect(report).toEqual({ delivered: 1, failed: 0 });
    expect(row?.status).toBe('delivered');
  });
});

describe('redactText', () => {
  it.each([
    ['https://noc:pw@hooks.example/x', 'https://***@hooks.example/x'],
    ['https://user@hooks.example/x', 'https://***@hooks.example/x'],
    [
      'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc-123',
      'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=***',
    ],
    [
      'POST https://oapi.dingtalk.com/robot/send?access_token=tok&timestamp=1700000000&sign=c2ln%3D failed',
      'POST https://oapi.dingtalk.com/robot/send?access_token=***&timestamp=1700000000&sign=*** failed',
    ],
    ['http://h/x?apiKey=k1&page=2#frag', 'http://h/x?apiKey=***&page=2#frag'],
    ['connect ECONNREFUSED 127.0.0.1:9000', 'connect ECONNREFUSED 127.0.0.1:9000'],
  ])('%s → %s', (text, redacted) => {
    expect(redactText(text)).toBe(redacted);
  });

  it('masks literal secrets anywhere, and stays linear on hostile input', () => {
    expect(redactText('bad token Bearer xyz-1234 given', ['Bearer xyz-1234'])).toBe('bad token *** given');
    const hostile = '?'.repeat(50_000) + '//'.repeat(50_000) + '&a'.repeat(50_000);
    expect(redactText(hostile).length).toBeGreaterThan(0);
  });
});

/**
 * Log faults through the control endpoint, as `egov-noc fault login-attack|config-change` sends them:
 * only with the token; every field that ends up in a device's log line is checked first (a forged
 * line or header smuggled in a "source" or "user" is a 400 with the reason); a simulator without a
 * syslog target, an unknown node or a node that cannot be heard is a 400 that says so.
 */
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { decodeLine, parseLogLine } from '../../logs';
import { loadInventory } from '../../inventory';
import { startSimulator, type Simulator } from '../../simulator';

const loaded = loadInventory('configs/examples/nanyang.yaml');
if (!loaded.ok) throw new Error('nanyang.yaml must load');

interface Received {
  text: string;
  from: RemoteInfo;
}

let listener: Socket;
const received: Received[] = [];
let sim: Simulator;
let quiet: Simulator;

beforeAll(async () => {
  listener = createSocket('udp4');
  listener.on('message', (datagram, from) => received.push({ text: decodeLine(datagram).text, from }));
  await new Promise<void>((resolve) => listener.bind(0, '127.0.0.1', () => resolve()));
  const target = { host: '127.0.0.1', port: listener.address().port };
  sim = await startSimulator({ topology: loaded.topology, syslogTarget: target, syslogRatePerS: 0 });
  quiet = await startSimulator({ topology: loaded.topology });
});

afterAll(async () => {
  await Promise.all([sim?.stop(), quiet?.stop()]);
  await new Promise<void>((resolve) => listener.close(() => resolve()));
});

async function post(on: Simulator, body: unknown, token = on.controlToken) {
  const res = await fetch(`${on.controlUrl}/faults`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as { id?: string; error?: string } };
}

const portOf = (node: string) => sim.manifest.find((m) => m.id === node)?.port;

describe('log faults through the control endpoint', () => {
  it('needs the bearer token', async () => {
    const res = await post(sim, { kind: 'login-attack', node: 'wolong-gw' }, 'wrong');
    expect(res.status).toBe(401);
    expect(received).toHaveLength(0);
  });

  it.each([
    [
      'a line break in the source',
      { kind: 'login-attack', node: 'wolong-gw', source: '1.2.3.4\n<13>forged' },
      /source/,
    ],
    ['an out-of-range address', { kind: 'login-attack', node: 'wolong-gw', source: '999.1.1.1' }, /source/],
    ['a host name as source', { kind: 'config-change', node: 'wolong-gw', source: 'evil.example' }, /source/],
    ['zero attempts', { kind: 'login-attack', node: 'wolong-gw', count: 0 }, /count/],
    ['too many attempts', { kind: 'login-attack', node: 'wolong-gw', count: 501 }, /count/],
    ['a fractional count', { kind: 'login-attack', node: 'wolong-gw', count: 2.5 }, /count/],
    [
      'a user with spaces and quotes',
      { kind: 'config-change', node: 'wolong-gw', user: 'a" Command="x' },
      /user/,
    ],
    ['a user too long', { kind: 'config-change', node: 'wolong-gw', user: 'u'.repeat(33) }, /user/],
    [
      'an unknown field',
      { kind: 'config-change', node: 'wolong-gw', command: 'reload' },
      /command|unrecognized/i,
    ],
    ['an unknown node', { kind: 'login-attack', node: 'no-such-node' }, /unknown node "no-such-node"/],
  ])('refuses %s with the reason (400), sending nothing', async (_what, body, reason) => {
    const res = await post(sim, body);
    expect(res.status).toBe(400);
    expect(res.json.error).toMatch(reason);
    expect(received).toHaveLength(0);
  });

  it('in a simulator without a syslog target, says how to get one', async () => {
    const res = await post(quiet, { kind: 'config-change', node: 'wolong-gw' });
    expect(res.status).toBe(400);
    expect(res.json.error).toMatch(/--syslog-target/);
  });

  it('config-change: one config-change line from the node, naming the user', async () => {
    received.length = 0;
    const res = await post(sim, {
      kind: 'config-change',
      node: 'ny-core',
      user: 'wangfang',
      source: '10.41.0.201',
    });
    expect(res.status).toBe(201);
    await vi.waitFor(() => expect(received.length).toBeGreaterThanOrEqual(2));
    const parsed = received.map((r) => parseLogLine(r.text, Date.now()));
    expect(parsed.filter((p) => p.category === 'config-change')).toHaveLength(1);
    expect(received.map((r) => r.text).join('\n')).toContain('wangfang');
    for (const r of received) {
      expect(r.from.port).toBe(portOf('ny-core'));
      expect(parseLogLine(r.text, Date.now()).hostname).toBe('ny-core');
    }
    // Instantaneous, like a reboot: it is not an active fault to clear.
    const list = (await (
      await fetch(`${sim.controlUrl}/faults`, { headers: { authorization: `Bearer ${sim.controlToken}` } })
    ).json()) as unknown[];
    expect(list).toEqual([]);
  });

  it('login-attack: the first failed login leaves at once, from the attacked node', async () => {
    received.length = 0;
    const res = await post(sim, {
      kind: 'login-attack',
      node: 'wancheng-gw',
      source: '198.51.100.77',
      count: 6,
    });
    expect(res.status).toBe(201);
    expect(res.json.id).toMatch(/^f\d+$/);
    await vi.waitFor(() => expect(received.length).toBeGreaterThanOrEqual(1));
    const first = received[0] as Received;
    expect(first.from.port).toBe(portOf('wancheng-gw'));
    const parsed = parseLogLine(first.text, Date.now());
    expect(parsed).toMatchObject({
      hostname: 'wancheng-gw',
      category: 'auth-failure',
      sourceAddress: '198.51.100.77',
    });
  });

  it('a node that is down cannot be attacked through its log (400 with the reason)', async () => {
    const down = await post(sim, { kind: 'node-down', node: 'wolong-gw' });
    expect(down.status).toBe(201);
    try {
      const res = await post(sim, { kind: 'login-attack', node: 'wolong-gw' });
      expect(res.status).toBe(400);
      expect(res.json.error).toMatch(/down or cut off/);
    } finally {
      sim.clear(down.json.id as string);
    }
  });
});

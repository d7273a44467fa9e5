/**
 * The sender: background chatter never exceeds its rate, whatever the clock does; a device that is
 * down or cut off sends nothing; a login attack is a bounded burst inside the brute-force window;
 * operators log in from the management stations, never from outside addresses.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { decodeLine, parseLogLine } from '../../logs';
import { loadInventory } from '../../inventory';
import type { Device } from '../../simulator/device';
import {
  ATTACK_WINDOW_MS,
  attackEvents,
  attackSpacingMs,
  DEFAULT_ATTACK_COUNT,
  MAX_ATTACK_COUNT,
} from '../../simulator/syslog/log-faults';
import { managementSide } from '../../simulator/syslog/operators';
import {
  chatterRateProblem,
  DEFAULT_CHATTER_ROUND_S,
  defaultChatterPerS,
  MAX_CHATTER_PER_S,
  SyslogSender,
} from '../../simulator/syslog/sender';

const loaded = loadInventory('configs/examples/nanyang.yaml');
if (!loaded.ok) throw new Error('nanyang.yaml must load');
const { topology } = loaded;

/** What the sender reads of a device: its inventory node and whether it can be heard. */
const devices = topology.nodes.map((node) => ({ node, reachable: true }) as unknown as Device);
const management = managementSide(topology.nodes);

function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

function makeSender(chatterPerS: number) {
  const sent: { dev: Device; text: string }[] = [];
  const sender = new SyslogSender({
    target: { host: '127.0.0.1', port: 514 },
    chatterPerS,
    devices,
    management,
    clock: () => Date.now(),
    send: (dev, datagram) => sent.push({ dev, text: decodeLine(datagram).text }),
    random: seeded(7),
  });
  return { sender, sent };
}

beforeEach(() => {
  vi.useFakeTimers();
  for (const dev of devices) dev.reachable = true;
});
afterEach(() => {
  vi.useRealTimers();
});

describe('background chatter', () => {
  it.each([0.5, 1, 5, 20, MAX_CHATTER_PER_S])('at %s lines/s sends no more than the rate allows', (rate) => {
    const { sender, sent } = makeSender(rate);
    sender.start();
    vi.advanceTimersByTime(60_000);
    sender.stop();
    expect(sent.length).toBeLessThanOrEqual(Math.floor(60 * rate));
    expect(sent.length).toBeGreaterThanOrEqual(Math.floor(60 * rate) - 1);
    vi.advanceTimersByTime(60_000);
    expect(sent.length).toBeLessThanOrEqual(Math.floor(60 * rate));
  });

  it.each([-1, MAX_CHATTER_PER_S + 1, Number.NaN, Number.POSITIVE_INFINITY])(
    'refuses a rate of %s',
    (rate) => {
      expect(chatterRateProblem(rate)).toMatch(/between 0 and 100/);
      expect(() => makeSender(rate)).toThrow(/between 0 and 100/);
    },
  );

  it('refuses a target port outside 1–65535 at start, not when a timer fires', () => {
    expect(
      () =>
        new SyslogSender({
          target: { host: '127.0.0.1', port: 0 },
          chatterPerS: 1,
          devices,
          management,
          clock: Date.now,
          send: () => undefined,
        }),
    ).toThrow(/port must be 1–65535/);
  });

  it('is operators logging in from management stations, running commands, logging out, and NTP', () => {
    const { sender, sent } = makeSender(50);
    sender.start();
    vi.advanceTimersByTime(20_000);
    sender.stop();
    const parsed = sent.map((s) => parseLogLine(s.text, Date.now()));
    const categories = new Set(parsed.map((p) => p.category));
    expect(categories).toEqual(new Set(['auth-success', 'command', 'system']));
    for (const p of parsed.filter((l) => l.sourceAddress !== null && l.category === 'auth-success'))
      expect(management.stations).toContain(p.sourceAddress);
    // Each line names its device in HOSTNAME.
    for (const { dev, text } of sent) expect(parseLogLine(text, Date.now()).hostname).toBe(dev.node.id);
  });

  it('visits every device in turn: each speaks once per round, so none looks silent', () => {
    const { sender, sent } = makeSender(10);
    sender.start();
    vi.advanceTimersByTime((devices.length / 10) * 1000);
    sender.stop();
    expect(sent).toHaveLength(devices.length);
    expect(new Set(sent.map((s) => s.dev.node.id)).size).toBe(devices.length);
  });

  it.each([
    [70, 1],
    [600, 1],
    [5_105, 9],
    [1_000_000, MAX_CHATTER_PER_S],
  ])(
    'by default, %s nodes chatter at %s lines/s (each node once per round where the bound allows)',
    (nodes, rate) => {
      expect(defaultChatterPerS(nodes)).toBe(rate);
      if (rate < MAX_CHATTER_PER_S) expect(nodes / rate).toBeLessThanOrEqual(DEFAULT_CHATTER_ROUND_S);
    },
  );

  it('comes only from devices that can be heard', () => {
    const { sender, sent } = makeSender(50);
    const silenced = new Set(devices.slice(0, Math.ceil(devices.length / 2)).map((d) => d.node.id));
    for (const dev of devices) if (silenced.has(dev.node.id)) dev.reachable = false;
    sender.start();
    vi.advanceTimersByTime(20_000);
    sender.stop();
    expect(sent.length).toBeGreaterThan(0);
    expect(sent.filter((s) => silenced.has(s.dev.node.id))).toEqual([]);
  });

  it('a socket that refuses a datagram is counted, never thrown into the timer', () => {
    const sender = new SyslogSender({
      target: { host: '127.0.0.1', port: 514 },
      chatterPerS: 10,
      devices,
      management,
      clock: Date.now,
      send: () => {
        throw new Error('EMSGSIZE');
      },
    });
    sender.start();
    vi.advanceTimersByTime(1_000);
    sender.stop();
    expect(sender.stats.failed).toBe(10);
    expect(sender.stats.sent).toBe(0);
  });
});

describe('a line that cannot be encoded', () => {
  it('is counted as failed, never thrown into the timer that sends it', () => {
    const { sender, sent } = makeSender(0);
    // A node id GBK cannot hold, on a line that goes out in GBK (a Chinese command).
    const odd = {
      node: { ...topology.nodes[0], id: 'sw-🙂', vendor: 'huawei', role: 'router' },
      reachable: true,
    };
    const event = {
      kind: 'command',
      user: 'liming',
      source: '10.41.0.200',
      command: 'description 接入乡镇政务网',
    } as const;
    expect(() => sender.emit(odd as unknown as Device, event)).not.toThrow();
    expect(sender.stats.failed).toBe(1);
    expect(sent).toHaveLength(0);
  });
});

describe('login attack burst', () => {
  it.each([1, 6, DEFAULT_ATTACK_COUNT, 40, MAX_ATTACK_COUNT])(
    '%s failed logins all fall inside the window',
    (count) => {
      expect(attackSpacingMs(count) * (count - 1)).toBeLessThan(ATTACK_WINDOW_MS);
      expect(ATTACK_WINDOW_MS).toBeLessThan(60_000);
    },
  );

  it('sends every failed login from the one source, then stops', () => {
    const { sender, sent } = makeSender(0);
    const router = devices.find((d) => d.node.id === 'wolong-gw') as Device;
    const events = attackEvents(
      { kind: 'login-attack', node: 'wolong-gw', source: '198.51.100.9', count: 7 },
      Math.random,
    );
    sender.burst(router, events, attackSpacingMs(events.length));
    expect(sent).toHaveLength(1);
    vi.advanceTimersByTime(ATTACK_WINDOW_MS);
    expect(sent).toHaveLength(7);
    vi.advanceTimersByTime(10 * 60_000);
    expect(sent).toHaveLength(7);
    const parsed = sent.map((s) => parseLogLine(s.text, Date.now()));
    expect(new Set(parsed.map((p) => p.category))).toEqual(new Set(['auth-failure']));
    expect(new Set(parsed.map((p) => p.sourceAddress))).toEqual(new Set(['198.51.100.9']));
    expect(new Set(parsed.map((p) => p.user)).size).toBeGreaterThan(1);
  });

  it('stop() cancels a burst in flight', () => {
    const { sender, sent } = makeSender(0);
    const router = devices.find((d) => d.node.id === 'wolong-gw') as Device;
    sender.burst(
      router,
      attackEvents({ kind: 'login-attack', node: 'wolong-gw', count: 20 }, Math.random),
      1_000,
    );
    sender.stop();
    vi.advanceTimersByTime(60_000);
    expect(sent).toHaveLength(1);
  });
});

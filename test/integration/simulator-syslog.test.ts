/**
 * The simulated network's syslog over real UDP sockets: every line leaves from its node's own agent
 * port (127.0.0.1:<manifest port>) with the node id as HOSTNAME; the collector's receiver, with
 * 127.0.0.1 as a relay, ties each line to its node; a login attack is a burst of failed logins from
 * one address inside a minute; a link fault is logged by both ends; and in the demo the scripted
 * brute-force attempt on a county router becomes one brute-force alert on that router.
 */
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../common';
import type { SecurityEvent } from '../../domain';
import { DEMO_ATTACKER } from '../../demo/scenario';
import { startStack, type Stack } from '../../demo/stack';
import { loadInventory } from '../../inventory';
import { decodeLine, parseLogLine, startSyslogReceiver, type SyslogReceiver } from '../../logs';
import { startSimulator, type Simulator } from '../../simulator';

const loaded = loadInventory('configs/examples/nanyang.yaml');
if (!loaded.ok) throw new Error('nanyang.yaml must load');
const { topology, inventory } = loaded;

describe('from each node’s own agent port, to a plain UDP listener', () => {
  let listener: Socket;
  let sim: Simulator;
  const received: { text: string; from: RemoteInfo }[] = [];

  beforeAll(async () => {
    listener = createSocket('udp4');
    listener.on('message', (datagram, from) => received.push({ text: decodeLine(datagram).text, from }));
    await new Promise<void>((resolve) => listener.bind(0, '127.0.0.1', () => resolve()));
    sim = await startSimulator({
      topology,
      syslogTarget: { host: '127.0.0.1', port: listener.address().port },
      syslogRatePerS: 50,
    });
  });
  afterAll(async () => {
    await sim?.stop();
    await new Promise<void>((resolve) => listener.close(() => resolve()));
  });

  it('every line comes from 127.0.0.1:<the agent port of the node its HOSTNAME names>', async () => {
    await expect
      .poll(() => new Set(received.map((r) => r.from.port)).size, { timeout: 10_000 })
      .toBeGreaterThan(20);
    const portOf = new Map(sim.manifest.map((m) => [m.id, m.port]));
    for (const { text, from } of received) {
      const hostname = parseLogLine(text, Date.now()).hostname ?? '';
      expect(from.address).toBe('127.0.0.1');
      expect(from.port).toBe(portOf.get(hostname));
    }
    expect(sim.stats().logsSent).toBeGreaterThanOrEqual(received.length);
  });
});

describe('into the collector’s syslog receiver', () => {
  let receiver: SyslogReceiver;
  let sim: Simulator;
  const events: SecurityEvent[] = [];

  beforeAll(async () => {
    receiver = await startSyslogReceiver({
      port: 0,
      inventory,
      relays: ['127.0.0.1'],
      logger: silentLogger(),
      onEvent: (event) => events.push(event),
    });
    sim = await startSimulator({
      topology,
      syslogTarget: { host: '127.0.0.1', port: receiver.udpPort as number },
      syslogRatePerS: 0,
    });
  });
  afterAll(async () => {
    await sim?.stop();
    await receiver?.close();
  });

  it('a login attack: 6 failed logins from one address on the county router, inside a minute', async () => {
    const attack = sim.inject({
      kind: 'login-attack',
      node: 'nanzhao-gw',
      source: '198.51.100.31',
      count: 6,
    });
    expect(attack.ok).toBe(true);
    const failures = () => events.filter((e) => e.category === 'auth-failure' && e.node === 'nanzhao-gw');
    await expect.poll(() => failures().length, { timeout: 20_000 }).toBe(6);
    const burst = failures();
    expect(new Set(burst.map((e) => e.sourceAddress))).toEqual(new Set(['198.51.100.31']));
    expect(new Set(burst.map((e) => e.format))).toEqual(new Set(['huawei-vrp']));
    const times = burst.map((e) => e.receivedAtMs);
    expect(Math.max(...times) - Math.min(...times)).toBeLessThan(60_000);
    expect(receiver.stats()).toMatchObject({ unknownSenders: 0, dropped: 0, malformed: 0 });
  }, 30_000);

  it('a config change on an H3C switch: one config-change event on that switch', async () => {
    const change = sim.inject({ kind: 'config-change', node: 'wolong-sw', user: 'liming' });
    expect(change.ok).toBe(true);
    await expect
      .poll(() => events.filter((e) => e.category === 'config-change' && e.node === 'wolong-sw').length)
      .toBe(1);
    // The command before it, typed with a Chinese description, arrived in GBK and was decoded.
    const command = events.find((e) => e.category === 'command' && e.node === 'wolong-sw');
    expect(command?.format).toBe('h3c-comware');
    expect(command?.user).toBe('liming');
  });

  it('a cut link: both ends log the interface going down, and up again when cleared', async () => {
    const cut = sim.inject({ kind: 'link-down', a: 'ny-core', b: 'wancheng-gw' });
    if (!cut.ok) throw new Error(cut.reason);
    const interfaceLines = (state: RegExp) =>
      events.filter((e) => e.category === 'system' && state.test(e.text)).map((e) => e.node);
    // The far end is cut off behind its own uplink: only the core can still be heard.
    await expect.poll(() => interfaceLines(/DOWN state/)).toContain('ny-core');
    sim.clear(cut.id);
    await expect
      .poll(() => interfaceLines(/UP state/))
      .toEqual(expect.arrayContaining(['ny-core', 'wancheng-gw']));
  });
});

describe('the demo', () => {
  let stack: Stack;
  let parent: string;

  beforeAll(async () => {
    parent = mkdtempSync(join(tmpdir(), 'egov-demo-syslog-'));
    stack = await startStack({
      inventoryPath: 'configs/examples/nanyang.yaml',
      stateDir: join(parent, 'state'),
      pollIntervalS: 30,
      scenario: { firstFaultAfterS: 0, attackAtS: 0, cycleS: 3_600, downS: 1_800 },
      log: pino({ level: 'silent' }),
    });
  });
  afterAll(async () => {
    await stack?.stop();
    rmSync(parent, { recursive: true, force: true });
  });

  it('its scripted brute-force attempt on a county router becomes one brute-force alert on that router', async () => {
    const bruteForce = () => stack.alerts.list().filter((a) => a.rule === 'brute-force');
    await expect.poll(() => bruteForce().length, { timeout: 30_000, interval: 500 }).toBe(1);
    const [alert] = bruteForce();
    expect(alert?.severity).toBe('critical');
    expect(topology.find(alert?.node ?? '')?.tier).toBe('county');
    expect(JSON.stringify(alert?.params)).toContain(DEMO_ATTACKER);
    expect(stack.syslog.stats()).toMatchObject({ unknownSenders: 0, dropped: 0 });
    // The background chatter is operators from the management stations: no security alert of its own.
    expect(stack.alerts.list().filter((a) => a.rule === 'login-outside-management')).toEqual([]);
  }, 45_000);
});

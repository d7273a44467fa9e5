/**
 * The simulator's devices as senders: every node sends its vendor's syslog from its agent's socket
 * on 127.0.0.1, so the receiver tells them apart by source port (the manifest), not by HOSTNAME; a
 * login-attack fault on a county router becomes that router's auth-failure events from the attacker.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { memoryLogger } from '../../common';
import type { SecurityEvent } from '../../domain';
import { loadInventory, Topology } from '../../inventory/index';
import { startSyslogReceiver, type SyslogReceiver } from '../../logs/index';
import { startSimulator, type Simulator } from '../../simulator/index';

const loaded = loadInventory('configs/examples/nanyang.yaml');
if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));
const topology = new Topology(loaded.inventory);

let receiver: SyslogReceiver;
let sim: Simulator;
const events: SecurityEvent[] = [];

beforeAll(async () => {
  // The receiver needs the manifest, the simulator the receiver's port: a first receiver finds the port.
  const probe = await startSyslogReceiver({
    port: 0,
    inventory: loaded.inventory,
    logger: memoryLogger(),
    onEvent: () => undefined,
  });
  const port = probe.udpPort!;
  await probe.close();
  sim = await startSimulator({ topology, syslogTarget: { host: '127.0.0.1', port }, syslogRatePerS: 50 });
  receiver = await startSyslogReceiver({
    port,
    inventory: loaded.inventory,
    manifest: sim.manifest,
    logger: memoryLogger(),
    onEvent: (event) => events.push(event),
  });
});

afterAll(async () => {
  await sim?.stop();
  await receiver?.close();
});

describe('simulated devices → syslog receiver', () => {
  it('maps every simulated node’s lines to that node by its agent’s source port', async () => {
    await vi.waitFor(() => expect(events.length).toBeGreaterThanOrEqual(20), { timeout: 15_000 });
    for (const event of events.slice(0, 20)) {
      expect(event.node).not.toBeNull();
      expect(event.node).toBe(event.hostname);
    }
    expect(receiver.stats().unknownSenders).toBe(0);
  });

  it('a login-attack on xichuan-gw arrives as its auth-failures from the attacker', async () => {
    sim.inject({ kind: 'login-attack', node: 'xichuan-gw', source: '203.0.113.57', count: 6 });
    await vi.waitFor(
      () => {
        const failures = events.filter(
          (e) =>
            e.node === 'xichuan-gw' && e.category === 'auth-failure' && e.sourceAddress === '203.0.113.57',
        );
        expect(failures).toHaveLength(6);
        expect(failures.every((e) => e.format === 'huawei-vrp' && e.user !== null)).toBe(true);
      },
      { timeout: 20_000, interval: 100 },
    );
  });
});

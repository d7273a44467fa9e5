/**
 * Who may raise an alert with a trap. The sender is what the network says — the UDP source address
 * (and, for simulated agents sharing 127.0.0.1, the agent's own port) — never what the trap says about
 * itself; v1/v2c traps must carry a community that node may use, v3 traps a signature of a user bound
 * to it. Real senders: Debian's `snmptrap` (from distinct loopback addresses with --clientaddr) and
 * the simulator's agents. Rejected traps are counted and logged without the community or keys.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BusEvent } from '../../domain';
import { InProcessBus } from '../../bus/index';
import { startCollector, startTrapReceiver, type RunningCollector } from '../../collector/index';
import { memoryLogger } from '../../common';
import { loadInventory, Topology } from '../../inventory/index';
import { startSimulator, type Simulator } from '../../simulator/index';
import { MemoryMetricsStore } from '../support/memory-metrics-store';
import { freeUdpPort } from '../support/snmpd';

const run = promisify(execFile);
const loaded = loadInventory('configs/examples/nanyang.yaml');
if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));

// Two nodes get management addresses of their own on loopback, so snmptrap can be them.
const SW_ADDRESS = '127.0.0.9'; // xichuan-sw, SNMPv2c, community ny-sim-ro
const GW_ADDRESS = '127.0.0.8'; // xichuan-gw, SNMPv3 user noc-poller (shared with every v3 node)
const inventory = {
  ...loaded.inventory,
  nodes: loaded.inventory.nodes.map((n) =>
    n.id === 'xichuan-sw'
      ? { ...n, address: SW_ADDRESS }
      : n.id === 'xichuan-gw'
        ? { ...n, address: GW_ADDRESS }
        : n,
  ),
};
const topology = new Topology(inventory);

const V3_AUTH = ['-u', 'noc-poller', '-l', 'authPriv', '-a', 'SHA', '-x', 'AES', '-X', 'ny-sim-priv-2026'];
const LINK_DOWN = '1.3.6.1.6.3.1.1.5.3';

let sim: Simulator;
let trapPort: number;
let collector: RunningCollector;
const bus = new InProcessBus();
const events: BusEvent[] = [];
bus.subscribeAll((e) => events.push(e));
const logger = memoryLogger();

beforeAll(async () => {
  trapPort = await freeUdpPort();
  sim = await startSimulator({ topology, trapTarget: { host: '127.0.0.1', port: trapPort } });
  collector = await startCollector({
    topology,
    inventory,
    manifest: sim.manifest,
    store: new MemoryMetricsStore(),
    bus,
    logger,
    trapPort,
    schedule: false,
    hostHealth: false,
  });
});
afterAll(async () => {
  await collector?.stop();
  await sim?.stop();
});

/** `snmptrap` from `from` (a loopback address) to the collector. */
async function snmptrap(from: string, args: string[], varbinds: string[] = []): Promise<void> {
  await run(
    '/usr/bin/snmptrap',
    [...args, `--clientaddr=${from}`, '-m', '', `127.0.0.1:${trapPort}`, ...varbinds],
    { env: { ...process.env, MIBS: '' } },
  );
}
const v2c = (community: string) => ['-v2c', '-c', community];
const linkDown = (ifIndex: number, ...extra: string[]) => [
  '',
  LINK_DOWN,
  `1.3.6.1.2.1.2.2.1.1.${ifIndex}`,
  'i',
  String(ifIndex),
  ...extra,
];
const traps = () => collector.stats().traps!;
const trapEvents = (node: string) => events.filter((e) => e.type === 'trap' && e.node === node);
const logText = () => JSON.stringify(logger.lines);

/** Sends, waits until the receiver has counted it under `counter`, and returns the bus events since. */
async function dropped(counter: 'unknownSenders' | 'rejected', send: () => Promise<void>) {
  const before = traps()[counter];
  const eventsBefore = events.length;
  await send();
  await expect.poll(() => traps()[counter], { timeout: 2000 }).toBe(before + 1);
  return events.slice(eventsBefore).filter((e) => e.type === 'trap' || e.type === 'interface.state');
}

describe('trap senders are who the network says', () => {
  it('the receiver listens on 127.0.0.1 unless configured otherwise', () => {
    const listening = logger.lines.find((l) => l.msg === 'trap receiver listening');
    expect(listening?.obj).toMatchObject({ address: '127.0.0.1', port: trapPort });
  });

  it("a genuine v2c trap (the node's address, its community) is a bus event within a second", async () => {
    await snmptrap(SW_ADDRESS, v2c('ny-sim-ro'), linkDown(24));
    await expect
      .poll(() => trapEvents('xichuan-sw').find((e) => e.type === 'trap' && e.trap === 'linkDown'), {
        timeout: 1000,
      })
      .toMatchObject({ ifIndex: 24, trapOid: LINK_DOWN });
    expect(events).toContainEqual(
      expect.objectContaining({ type: 'interface.state', node: 'xichuan-sw', ifIndex: 24, state: 'down' }),
    );
  });

  it.each([
    ['sysName.0', ['1.3.6.1.2.1.1.5.0', 's', 'xichuan-sw']],
    ['snmpTrapAddress.0', ['1.3.6.1.6.3.18.1.3.0', 'a', SW_ADDRESS]],
  ])('a trap naming another node in %s from a wrong source raises nothing', async (_name, claim) => {
    for (const source of ['127.0.0.1', '127.0.0.10']) {
      const raised = await dropped('unknownSenders', () =>
        snmptrap(source, v2c('ny-sim-ro'), linkDown(1, ...claim)),
      );
      expect(raised).toEqual([]);
    }
  });

  it("an SNMPv1 trap's agent-addr field does not name the sender", async () => {
    const raised = await dropped('unknownSenders', () =>
      snmptrap('127.0.0.1', ['-v1', '-c', 'ny-sim-ro'], ['1.3.6.1.4.1.25506', SW_ADDRESS, '2', '0', '']),
    );
    expect(raised).toEqual([]);
  });

  it.each(['public', 'guess-ro', 'ny-sim-r'])(
    'community "%s" from the right source raises nothing and is never logged',
    async (community) => {
      const raised = await dropped('rejected', () => snmptrap(SW_ADDRESS, v2c(community), linkDown(24)));
      expect(raised).toEqual([]);
      expect(logger.lines.at(-1)).toMatchObject({
        msg: 'trap rejected',
        obj: { node: 'xichuan-sw', reason: 'community not accepted for this node' },
      });
      expect(logText()).not.toContain(community === 'ny-sim-r' ? 'ny-sim-r"' : community);
    },
  );

  it('a v3 trap signed by a user bound to the node at that address is accepted', async () => {
    await snmptrap(
      GW_ADDRESS,
      ['-v3', '-e', '0x8000000001020304', ...V3_AUTH, '-A', 'ny-sim-auth-2026'],
      ['', '1.3.6.1.6.3.1.1.5.4'],
    );
    await expect
      .poll(() => trapEvents('xichuan-gw').find((e) => e.type === 'trap' && e.trap === 'linkUp'), {
        timeout: 1000,
      })
      .toBeDefined();
  });

  it('a v3 user shared by many nodes does not name one; bound to another node it is refused', async () => {
    const signed = ['-v3', '-e', '0x8000000001020304', ...V3_AUTH, '-A', 'ny-sim-auth-2026'];
    expect(await dropped('unknownSenders', () => snmptrap('127.0.0.1', signed, linkDown(1)))).toEqual([]);
    expect(await dropped('rejected', () => snmptrap(SW_ADDRESS, signed, linkDown(24)))).toEqual([]);
  });

  it('a v3 trap with a wrong key is refused; neither keys nor digests reach the log', async () => {
    const wrong = ['-v3', '-e', '0x8000000001020304', ...V3_AUTH, '-A', 'not-the-auth-key'];
    expect(await dropped('rejected', () => snmptrap(GW_ADDRESS, wrong, linkDown(1)))).toEqual([]);
    expect(logger.lines.at(-1)?.obj).toMatchObject({ reason: 'authentication failed' });
    for (const secret of ['not-the-auth-key', 'ny-sim-auth-2026', 'ny-sim-priv-2026', 'digest'])
      expect(logText()).not.toContain(secret);
  });

  it('a signed v3 trap from an earlier boot or older than the time window (a replay) is refused', async () => {
    const at = (boots: number, time: number) => [
      ...['-v3', '-e', '0x80000000010203ff', '-Z', `${boots},${time}`],
      ...V3_AUTH,
      ...['-A', 'ny-sim-auth-2026'],
    ];
    const linkUps = () => trapEvents('xichuan-gw').filter((e) => e.type === 'trap' && e.trap === 'linkUp');
    const accepted = linkUps().length;
    await snmptrap(GW_ADDRESS, at(5, 100_000), ['', '1.3.6.1.6.3.1.1.5.4']);
    await expect.poll(() => linkUps().length, { timeout: 1000 }).toBe(accepted + 1);
    for (const [boots, time] of [
      [5, 99_000],
      [4, 100_000],
    ] as const) {
      const raised = await dropped('rejected', () =>
        snmptrap(GW_ADDRESS, at(boots, time), ['', '1.3.6.1.6.3.1.1.5.4']),
      );
      expect(raised).toEqual([]);
      const { reason } = (logger.lines.at(-1)?.obj ?? {}) as { reason?: string };
      expect(reason).toMatch(/replayed or stale/);
    }
    await snmptrap(GW_ADDRESS, at(5, 100_010), ['', '1.3.6.1.6.3.1.1.5.4']);
    await expect.poll(() => linkUps().length, { timeout: 1000 }).toBe(accepted + 2);
  });

  it("the simulator's own traps are accepted: v2c agents by their port, v3 agents by port and signature", async () => {
    const fault = sim.inject({ kind: 'link-down', a: 'ny-core', b: 'wolong-gw' });
    if (!fault.ok) throw new Error(fault.reason);
    await expect
      .poll(() => trapEvents('ny-core').find((e) => e.type === 'trap' && e.trap === 'linkDown'), {
        timeout: 2000,
      })
      .toBeDefined();
    const reboot = sim.inject({ kind: 'reboot', node: 'ny-dx' });
    if (!reboot.ok) throw new Error(reboot.reason);
    await expect
      .poll(() => trapEvents('ny-dx').find((e) => e.type === 'trap' && e.trap === 'coldStart'), {
        timeout: 2000,
      })
      .toBeDefined();
    sim.clear('all');
  });
});

describe('trap receiver bind address', () => {
  it('defaults to 127.0.0.1 and binds what it is told', async () => {
    const quiet = memoryLogger();
    const common = { port: 0, inventory, bus: new InProcessBus(), logger: quiet };
    const byDefault = await startTrapReceiver(common);
    const everywhere = await startTrapReceiver({ ...common, address: '0.0.0.0' });
    try {
      const addresses = quiet.lines.filter((l) => l.msg === 'trap receiver listening').map((l) => l.obj);
      expect(addresses).toEqual([
        expect.objectContaining({ address: '127.0.0.1', port: byDefault.port }),
        expect.objectContaining({ address: '0.0.0.0', port: everywhere.port }),
      ]);
    } finally {
      await byDefault.close();
      await everywhere.close();
    }
  });
});

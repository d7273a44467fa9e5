/**
 * The collector against Debian's real snmpd: stored rates match the counters the agent served
 * (HC and Counter32 with wrap, saturation clamp, reboot, 497-day sysUpTime wrap), v3 authPriv
 * against a stock snmpd, and the failures an operator must see clearly: a dead node, wrong
 * credentials, a garbled answer — while the others go on being polled.
 */
import { createSocket, type Socket } from 'node:dgram';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { asNodeId, type AgentEndpoint, type BusEvent, type NodeId } from '../../domain';
import { InProcessBus } from '../../bus/index';
import { startCollector, type RunningCollector } from '../../collector/index';
import { memoryLogger } from '../../common';
import { newIfMibMemory, pollIfMib } from '../../collector/poll/if-mib';
import { pollLldp } from '../../collector/poll/lldp';
import { openSession } from '../../collector/snmp/session';
import { loadInventoryText } from '../../inventory/index';
import { MemoryMetricsStore } from '../support/memory-metrics-store';
import { freeUdpPort, startSnmpd, type PassValue, type Snmpd } from '../support/snmpd';
import { waitUntil } from '../support/wait';

const V3 = { user: 'noc-poller', authKey: 'auth-secret-2026', privKey: 'priv-secret-2026' };

const INVENTORY = `
network: { id: test, name: 测试网络, domain: test.gov.cn }
credentials:
  v2c: { version: 2c, community: public }
  v3: { version: '3', user: ${V3.user}, level: authPriv, authProtocol: sha256, authKey: ${V3.authKey}, privProtocol: aes, privKey: ${V3.privKey} }
  v3-wrong: { version: '3', user: ${V3.user}, level: authPriv, authProtocol: sha256, authKey: not-the-key-2026, privProtocol: aes, privKey: ${V3.privKey} }
nodes:
  - { id: hc-router, name: 高速路由器, tier: city, zone: internal, role: router, vendor: huawei, model: NE40E, address: 10.0.0.1, credentials: v2c, interfaces: [{ name: GE0/0/1, speedMbps: 1000 }, { name: GE0/0/2, speedMbps: 100 }] }
  - { id: old-switch, name: 老交换机, tier: county, zone: internal, role: switch, vendor: h3c, model: S3100, address: 10.0.0.2, credentials: v2c, parent: hc-router, interfaces: [{ name: Ethernet1/0/1, speedMbps: 100 }] }
  - { id: real-host, name: 服务器, tier: city, zone: internal, role: server, vendor: inspur, model: NF5280, address: 10.0.0.3, credentials: v3, parent: hc-router }
  - { id: dead-node, name: 掉线节点, tier: county, zone: internal, role: router, vendor: huawei, model: AR6280, address: 10.0.0.4, credentials: v2c, parent: hc-router }
  - { id: wrong-key, name: 密钥错误, tier: county, zone: internal, role: router, vendor: huawei, model: AR6280, address: 10.0.0.5, credentials: v3-wrong, parent: hc-router }
  - { id: wrong-community, name: 团体名错误, tier: county, zone: internal, role: router, vendor: huawei, model: AR6280, address: 10.0.0.7, credentials: v2c, parent: hc-router }
  - { id: garbled, name: 乱码节点, tier: county, zone: internal, role: router, vendor: huawei, model: AR6280, address: 10.0.0.6, credentials: v2c, parent: hc-router }
`;

const loaded = loadInventoryText('test-inventory.yaml', INVENTORY);
if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));
const { inventory, topology } = loaded;
const id = (s: string): NodeId => asNodeId(s);

interface IfState {
  ifIndex: number;
  name: string;
  oper: 1 | 2;
  inOctets: bigint;
  outOctets: bigint;
  inErrors?: number;
  highSpeedMbps?: number;
  speedBps?: number;
}

/** The agent's whole answer: system group, ifTable, and ifXTable when `hc`. */
function deviceState(
  uptimeCs: number,
  sysName: string,
  ifs: IfState[],
  hc: boolean,
): Record<string, PassValue> {
  const s: Record<string, PassValue> = {
    '1.3.6.1.2.1.1.3.0': ['timeticks', uptimeCs],
    '1.3.6.1.2.1.1.5.0': ['string', sysName],
  };
  for (const i of ifs) {
    const x = i.ifIndex;
    s[`1.3.6.1.2.1.2.2.1.2.${x}`] = ['string', i.name];
    s[`1.3.6.1.2.1.2.2.1.5.${x}`] = ['gauge', i.speedBps ?? (i.highSpeedMbps ?? 0) * 1e6];
    s[`1.3.6.1.2.1.2.2.1.8.${x}`] = ['integer', i.oper];
    s[`1.3.6.1.2.1.2.2.1.10.${x}`] = ['counter', Number(i.inOctets % 2n ** 32n)];
    s[`1.3.6.1.2.1.2.2.1.13.${x}`] = ['counter', 0];
    s[`1.3.6.1.2.1.2.2.1.14.${x}`] = ['counter', i.inErrors ?? 0];
    s[`1.3.6.1.2.1.2.2.1.16.${x}`] = ['counter', Number(i.outOctets % 2n ** 32n)];
    s[`1.3.6.1.2.1.2.2.1.19.${x}`] = ['counter', 0];
    s[`1.3.6.1.2.1.2.2.1.20.${x}`] = ['counter', 0];
    if (hc) {
      s[`1.3.6.1.2.1.31.1.1.1.1.${x}`] = ['string', i.name];
      s[`1.3.6.1.2.1.31.1.1.1.6.${x}`] = ['counter64', i.inOctets];
      s[`1.3.6.1.2.1.31.1.1.1.10.${x}`] = ['counter64', i.outOctets];
      s[`1.3.6.1.2.1.31.1.1.1.15.${x}`] = ['gauge', i.highSpeedMbps ?? 0];
    }
  }
  return s;
}

/** A UDP "agent" that answers every request with bytes that are not SNMP. */
async function startGarbageResponder(): Promise<{ port: number; socket: Socket }> {
  const socket = createSocket('udp4');
  socket.on('message', (_msg, rinfo) =>
    socket.send(Buffer.from('30820fff0201ffdeadbeef', 'hex'), rinfo.port, rinfo.address),
  );
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return { port: socket.address().port, socket };
}

let hcAgent: Snmpd;
let oldAgent: Snmpd;
let hostAgent: Snmpd;
let garbage: { port: number; socket: Socket };
let deadPort: number;
let manifest: AgentEndpoint[];

beforeAll(async () => {
  [hcAgent, oldAgent, hostAgent, garbage, deadPort] = await Promise.all([
    startSnmpd({ controlled: true }),
    startSnmpd({ controlled: true }),
    startSnmpd({
      communities: [],
      v3Users: [
        {
          user: V3.user,
          authProtocol: 'SHA-256',
          authKey: V3.authKey,
          privProtocol: 'AES',
          privKey: V3.privKey,
        },
        {
          user: 'noc-512',
          authProtocol: 'SHA-512',
          authKey: V3.authKey,
          privProtocol: 'AES-256',
          privKey: V3.privKey,
        },
      ],
    }),
    startGarbageResponder(),
    freeUdpPort(),
  ]);
  const v3 = {
    user: V3.user,
    level: 'authPriv' as const,
    authProtocol: 'sha256' as const,
    privProtocol: 'aes' as const,
  };
  manifest = [
    { id: 'hc-router', host: '127.0.0.1', port: hcAgent.port, community: 'public' },
    { id: 'old-switch', host: '127.0.0.1', port: oldAgent.port, community: 'public' },
    {
      id: 'real-host',
      host: '127.0.0.1',
      port: hostAgent.port,
      v3: { ...v3, authKey: V3.authKey, privKey: V3.privKey },
    },
    { id: 'dead-node', host: '127.0.0.1', port: deadPort, community: 'public' },
    {
      id: 'wrong-key',
      host: '127.0.0.1',
      port: hostAgent.port,
      v3: { ...v3, authKey: 'not-the-key-2026', privKey: V3.privKey },
    },
    { id: 'garbled', host: '127.0.0.1', port: garbage.port, community: 'public' },
    { id: 'wrong-community', host: '127.0.0.1', port: oldAgent.port, community: 'not-public' },
  ];
});

afterAll(async () => {
  await Promise.all([hcAgent?.destroy(), oldAgent?.destroy(), hostAgent?.destroy()]);
  garbage?.socket.close();
});

function harness(extra: Partial<Parameters<typeof startCollector>[0]> = {}) {
  const store = new MemoryMetricsStore();
  const bus = new InProcessBus();
  const events: BusEvent[] = [];
  bus.subscribeAll((e) => events.push(e));
  const logger = memoryLogger();
  const start = () =>
    startCollector({
      topology,
      inventory,
      manifest,
      store,
      bus,
      logger,
      hostHealth: false,
      timing: { timeoutMs: 300, retries: 0, backoff: 1 },
      missesBeforeUnreachable: 2,
      ...extra,
    });
  return { store, bus, events, logger, start };
}

describe('rates from a real snmpd match the counters it served', () => {
  let collector: RunningCollector;
  const h = harness({ schedule: false, timing: { timeoutMs: 5000, retries: 0, backoff: 1 } });
  beforeAll(async () => {
    collector = await h.start();
  });
  afterAll(async () => {
    await collector.stop();
  });

  const lastIf = (node: string, ifName: string) => h.store.find('interface', { node, ifName }).at(-1);

  it('HC counters: bits/s, utilization, clamp at line rate, reboot dropped, 497-day wrap bridged', async () => {
    const ge1 = (inOctets: bigint, outOctets: bigint, oper: 1 | 2 = 1): IfState => ({
      ifIndex: 1,
      name: 'GE0/0/1',
      oper,
      inOctets,
      outOctets,
      highSpeedMbps: 1000,
    });
    const ge2 = (inOctets: bigint): IfState => ({
      ifIndex: 2,
      name: 'GE0/0/2',
      oper: 1,
      inOctets,
      outOctets: 0n,
      highSpeedMbps: 100,
      inErrors: 0,
    });
    const step = async (uptimeCs: number, ifs: IfState[]) => {
      hcAgent.setState(deviceState(uptimeCs, 'hc-router', ifs, true));
      await collector.pollNow(id('hc-router'));
    };
    const base = 2n ** 40n; // beyond 32 bits: only Counter64 can carry it
    await step(100_000, [ge1(base, base), ge2(0n)]);
    expect(lastIf('hc-router', 'GE0/0/1')?.fields).toEqual({ operUp: 1 }); // first poll: no rate yet

    // 4 s later (device clock): +50 MB in, +5 MB out on GE0/0/1 → 100 Mbit/s and 10 Mbit/s.
    await step(100_400, [ge1(base + 50_000_000n, base + 5_000_000n), ge2(1_000_000n)]);
    const ge1Rates = lastIf('hc-router', 'GE0/0/1')?.fields;
    expect(ge1Rates?.inBps).toBeCloseTo(100e6, 3);
    expect(ge1Rates?.outBps).toBeCloseTo(10e6, 3);
    expect(ge1Rates?.inUtilPct).toBeCloseTo(10, 6);
    expect(lastIf('hc-router', 'GE0/0/2')?.fields.inBps).toBeCloseTo(2e6, 3);

    // Saturation: 1 GB in 4 s on a 1 Gbit/s port would be 2 Gbit/s: clamped to line rate.
    await step(100_800, [ge1(base + 1_050_000_000n, base + 5_000_000n), ge2(2_000_000n)]);
    expect(lastIf('hc-router', 'GE0/0/1')?.fields.inBps).toBe(1e9);
    expect(lastIf('hc-router', 'GE0/0/1')?.fields.inUtilPct).toBe(100);

    // Reboot: sysUpTime back to 3 s, counters restarted: no rate, one node.reboot event.
    const before = h.store.find('interface', { node: 'hc-router', ifName: 'GE0/0/1' }).length;
    await step(300, [ge1(1_000n, 1_000n), ge2(0n)]);
    const afterReboot = h.store.find('interface', { node: 'hc-router', ifName: 'GE0/0/1' });
    expect(afterReboot.length).toBe(before + 1);
    expect(afterReboot.at(-1)?.fields).toEqual({ operUp: 1 });
    expect(h.events.filter((e) => e.type === 'node.reboot' && e.node === 'hc-router')).toHaveLength(1);

    // Rates resume on the next poll after the reboot.
    await step(700, [ge1(1_000n + 4_000_000n, 1_000n), ge2(0n)]);
    expect(lastIf('hc-router', 'GE0/0/1')?.fields.inBps).toBeCloseTo(8e6, 3);

    // A forward jump of the device clock (7 s → 497 days): neither a reboot nor a rate.
    const count = h.store.find('interface', { node: 'hc-router', ifName: 'GE0/0/1' }).length;
    await step(4_294_967_000, [ge1(10_000_000n, 0n), ge2(0n)]);
    expect(h.store.find('interface', { node: 'hc-router', ifName: 'GE0/0/1' })[count]?.fields).toEqual({
      operUp: 1,
    });
    // 497 days: sysUpTime (32-bit centiseconds) wraps — not a reboot, the rate spans the wrap.
    await step(104, [ge1(10_000_000n + 2_000_000n, 0n), ge2(0n)]);
    expect(lastIf('hc-router', 'GE0/0/1')?.fields.inBps).toBeCloseTo((2_000_000 * 8) / 4, 3);
    expect(h.events.filter((e) => e.type === 'node.reboot' && e.node === 'hc-router')).toHaveLength(1);

    // Interface goes down: an interface.state event, operUp 0.
    await step(504, [ge1(12_000_000n, 0n, 2), ge2(0n)]);
    expect(lastIf('hc-router', 'GE0/0/1')?.fields.operUp).toBe(0);
    const down = h.events.find((e) => e.type === 'interface.state' && e.node === 'hc-router');
    expect(down).toMatchObject({ ifIndex: 1, ifName: 'GE0/0/1', state: 'down', source: 'poll' });

    const node = h.store.find('node', { node: 'hc-router' }).at(-1);
    expect(node?.tags).toEqual({ node: 'hc-router', tier: 'city', zone: 'internal', role: 'router' });
    expect(node?.fields.reachable).toBe(1);
    expect(node?.fields.uptimeS).toBeCloseTo(5.04, 6);
  });

  it('no ifXTable: falls back to Counter32 and bridges the wrap', async () => {
    const eth = (inOctets: bigint): IfState => ({
      ifIndex: 1,
      name: 'Ethernet1/0/1',
      oper: 1,
      inOctets,
      outOctets: 0n,
      speedBps: 100_000_000,
      inErrors: Number(inOctets % 7n),
    });
    oldAgent.setState(deviceState(50_000, 'old-switch', [eth(4_294_000_000n)], false));
    await collector.pollNow(id('old-switch'));
    // 4 s later the Counter32 wrapped: 4,294,000,000 → 2^32 + 1,032,704 (shown as 1,032,704).
    oldAgent.setState(deviceState(50_400, 'old-switch', [eth(2n ** 32n + 1_032_704n)], false));
    await collector.pollNow(id('old-switch'));
    const point = h.store.find('interface', { node: 'old-switch' }).at(-1);
    const expectedBps = ((2 ** 32 + 1_032_704 - 4_294_000_000) * 8) / 4;
    expect(point?.fields.inBps).toBeCloseTo(expectedBps, 3);
    expect(point?.fields.inUtilPct).toBeCloseTo((expectedBps / 100e6) * 100, 6);
    expect(point?.tags).toEqual({
      node: 'old-switch',
      ifIndex: '1',
      ifName: 'Ethernet1/0/1',
      tier: 'county',
      zone: 'internal',
    });
  });

  it('SNMPv3 authPriv (SHA-256/AES) against a stock snmpd: interfaces and storage of the host', async () => {
    // Rates need two polls some time apart (snmpd's counters and uptime move in real time): poll
    // until the collector can compute one.
    await vi.waitFor(
      async () => {
        await collector.pollNow(id('real-host'));
        const latest = h.store.find('interface', { node: 'real-host', ifName: 'lo' }).at(-1);
        expect(latest?.fields.inBps).toBeDefined();
      },
      { timeout: 15_000, interval: 250 },
    );
    const lo = h.store.find('interface', { node: 'real-host', ifName: 'lo' }).at(-1);
    expect(lo?.fields.operUp).toBe(1);
    expect(lo?.fields.inBps).toBeGreaterThanOrEqual(0);
    expect(h.store.find('storage', { node: 'real-host' }).length).toBeGreaterThan(0);
    expect(h.events).toContainEqual(
      expect.objectContaining({ type: 'node.state', node: 'real-host', state: 'reachable' }),
    );
  });
});

describe('SNMPv3 SHA-512 with AES-256 against a stock snmpd', () => {
  it('reads the interface table', async () => {
    const session = openSession(
      { host: '127.0.0.1', port: hostAgent.port },
      {
        name: 'v3-512',
        version: '3',
        user: 'noc-512',
        level: 'authPriv',
        authProtocol: 'sha512',
        authKey: V3.authKey,
        privProtocol: 'aes256b',
        privKey: V3.privKey,
      },
      { timeoutMs: 3000, retries: 0, backoff: 1 },
    );
    try {
      const poll = await pollIfMib(session, newIfMibMemory(), { maxRepetitions: 10, metadataEveryN: 10 });
      expect(poll.ok && poll.value.interfaces.some((i) => i.name === 'lo' && i.counterBits === 64)).toBe(
        true,
      );
    } finally {
      session.close();
    }
  });
});

describe('SNMPv1 (no GETBULK, no Counter64): readings through GETNEXT', () => {
  it('walks the interface table and stops cleanly at the end of the MIB', async () => {
    hcAgent.setState(
      deviceState(
        4_242,
        'hc-router',
        [
          { ifIndex: 1, name: 'GE0/0/1', oper: 1, inOctets: 2n ** 40n, outOctets: 5n, highSpeedMbps: 1000 },
          { ifIndex: 2, name: 'GE0/0/2', oper: 2, inOctets: 7n, outOctets: 9n, highSpeedMbps: 100 },
        ],
        true,
      ),
    );
    const session = openSession(
      { host: '127.0.0.1', port: hcAgent.port },
      { name: 'v1', version: '1', community: 'public' },
      { timeoutMs: 5000, retries: 0, backoff: 1 },
    );
    try {
      const poll = await pollIfMib(session, newIfMibMemory(), { maxRepetitions: 10, metadataEveryN: 10 });
      expect(poll.ok).toBe(true);
      if (!poll.ok) return;
      expect(poll.value.system).toEqual({ uptimeCs: 4_242, sysName: 'hc-router' });
      // SNMPv1 cannot carry Counter64: snmpd skips ifHC*, the collector falls back to Counter32 (2^40 mod 2^32 = 0).
      expect(
        poll.value.interfaces.map((i) => [i.name, i.operUp, i.inOctets, i.counterBits, i.highSpeedMbps]),
      ).toEqual([
        ['GE0/0/1', true, 0n, 32, 1000],
        ['GE0/0/2', false, 7n, 32, 100],
      ]);
      // LLDP (1.0.8802…) is the last subtree: v1 answers noSuchName there — no LLDP, not an error.
      const lldp = await pollLldp(session, 10, new Map());
      expect(lldp.ok && lldp.value.available).toBe(false);
    } finally {
      session.close();
    }
  });
});

describe('failures become clear states and log lines; polling of the others goes on', () => {
  it('dead node, wrong credentials and garbled answers', async () => {
    const h = harness({ intervalS: 0.5, concurrency: 4 });
    hcAgent.setState(
      deviceState(
        1_000,
        'hc-router',
        [{ ifIndex: 1, name: 'GE0/0/1', oper: 1, inOctets: 1n, outOctets: 1n, highSpeedMbps: 1000 }],
        true,
      ),
    );
    oldAgent.setState(
      deviceState(
        1_000,
        'old-switch',
        [{ ifIndex: 1, name: 'Ethernet1/0/1', oper: 1, inOctets: 1n, outOctets: 1n, speedBps: 1e8 }],
        false,
      ),
    );
    const collector = await h.start();
    const unreachable = () =>
      new Set(
        h.events.flatMap((e) => (e.type === 'node.state' && e.state === 'unreachable' ? [e.node] : [])),
      );
    await waitUntil('four unreachable nodes', () => unreachable().size >= 4, { intervalMs: 100 }).catch(
      () => undefined, // the reasons below say which node is missing
    );
    await collector.stop();

    const states = h.events.filter((e) => e.type === 'node.state');
    const reasonOf = (node: string) =>
      states.find((e) => e.node === node && e.state === 'unreachable')?.reason ?? '';
    expect(reasonOf('dead-node')).toMatch(/timeout.*2 polls in a row/);
    expect(reasonOf('wrong-key')).toMatch(/authentication failed/);
    expect(reasonOf('garbled')).toMatch(/garbled/);
    expect(reasonOf('wrong-community')).toMatch(/timeout.*wrong community.*2 polls in a row/);
    for (const ok of ['hc-router', 'old-switch', 'real-host'])
      expect(states.filter((e) => e.node === ok).map((e) => e.state)).toEqual(['reachable']);
    // The healthy nodes kept being polled while the others failed.
    expect(
      h.store.find('node', { node: 'hc-router' }).filter((p) => p.fields.reachable === 1).length,
    ).toBeGreaterThanOrEqual(3);
    // Unreachable nodes get a reachable=0 point each poll: never silently stale.
    expect(h.store.find('node', { node: 'dead-node' }).every((p) => p.fields.reachable === 0)).toBe(true);

    // One log line per state change, with the reason, and no secret anywhere in the log.
    const warned = h.logger.lines
      .filter((l) => l.msg === 'node unreachable')
      .map((l) => (l.obj as { node: string }).node);
    expect(warned.sort()).toEqual(['dead-node', 'garbled', 'wrong-community', 'wrong-key']);
    expect(h.logger.lines.some((l) => l.msg === 'garbled SNMP answer')).toBe(true);
    const logText = JSON.stringify(h.logger.lines);
    for (const secret of [V3.authKey, V3.privKey, 'not-the-key-2026', '"public"', 'not-public'])
      expect(logText).not.toContain(secret);
  });
});

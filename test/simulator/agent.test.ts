import { createSocket, type Socket } from 'node:dgram';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadInventory } from '../../inventory';
import { Tag } from '../../simulator/ber';
import { startSimulator, type Simulator } from '../../simulator';
import { buildRequest, exchange, exchangeOrDeclined, parseResponse, type Response } from './support';
import { waitUntil } from '../support/wait';

const loaded = loadInventory('configs/examples/nanyang.yaml');
if (!loaded.ok) throw new Error('nanyang.yaml must load');
const { topology } = loaded;

let now = Date.UTC(2026, 10, 25, 2, 0, 0); // Wednesday 10:00 in Nanyang
let sim: Simulator;
let trapSocket: Socket;
const traps: { port: number; msg: Buffer }[] = [];
/** Every trap that arrived, drained or not: compared with what the simulator says it sent. */
let trapsReceived = 0;
let requestId = 1;

const portOf = (id: string) => sim.manifest.find((m) => m.id === id)!.port;
const communityOf = (id: string) => sim.manifest.find((m) => m.id === id)!.community!;
const ifIndexOf = (id: string, name: string) =>
  topology.find(id)!.interfaces.find((i) => i.name === name)!.ifIndex;

async function request(
  id: string,
  type: number,
  oids: string[],
  extra: { a?: number; b?: number; version?: 0 | 1; community?: string } = {},
): Promise<Response | null> {
  const msg = buildRequest({
    version: extra.version ?? 1,
    community: extra.community ?? communityOf(id),
    type,
    requestId: requestId++,
    oids,
    a: extra.a,
    b: extra.b,
  });
  const witnessId = 0x7f000000 + requestId++;
  const witness = buildRequest({
    version: 1,
    community: communityOf(id),
    type: Tag.GetRequest,
    requestId: witnessId,
    oids: ['1.3.6.1.2.1.1.5.0'],
  });
  const droppedBefore = sim.stats().dropped;
  const reply = await exchangeOrDeclined(
    portOf(id),
    msg,
    { message: witness, requestId: witnessId },
    () => sim.stats().dropped > droppedBefore,
  );
  return reply ? parseResponse(reply) : null;
}
const get = (id: string, oids: string[]) => request(id, Tag.GetRequest, oids);
const value = async (id: string, oid: string) => (await get(id, [oid]))?.varbinds[0]?.value;

async function trapsAfter(count: number): Promise<{ port: number; msg: Buffer }[]> {
  await waitUntil(
    () => `${count} traps (${traps.length} so far)`,
    () => traps.length >= count,
  ).catch(() => undefined); // the caller's assertion on what arrived says what is missing
  return traps.splice(0, traps.length);
}
/** Every trap the simulator has sent so far has arrived; then forget them. */
async function drainTraps(): Promise<void> {
  await waitUntil(
    () => `${sim.stats().trapsSent} traps sent to arrive (${trapsReceived} did)`,
    () => trapsReceived >= sim.stats().trapsSent,
  );
  traps.splice(0, traps.length);
}
const trapOid = (msg: Buffer) => {
  const hex = msg.toString('hex');
  for (const [name, oid] of [
    ['coldStart', '2b06010603010105 01'],
    ['linkDown', '2b06010603010105 03'],
    ['linkUp', '2b06010603010105 04'],
  ] as const)
    if (hex.includes(oid.replace(' ', ''))) return name;
  return 'unknown';
};

beforeAll(async () => {
  trapSocket = createSocket('udp4');
  trapSocket.on('message', (msg, rinfo) => {
    trapsReceived++;
    traps.push({ port: rinfo.port, msg });
  });
  await new Promise<void>((resolve) => trapSocket.bind(0, '127.0.0.1', () => resolve()));
  sim = await startSimulator({
    topology,
    clock: () => now,
    trapTarget: { host: '127.0.0.1', port: trapSocket.address().port },
  });
});
afterAll(async () => {
  await sim.stop();
  trapSocket.close();
});

describe('simulated agents', () => {
  it('start one agent per node, each on its own loopback port, with the manifest credentials', () => {
    expect(sim.manifest).toHaveLength(83);
    expect(new Set(sim.manifest.map((m) => m.port)).size).toBe(83);
    const core = sim.manifest.find((m) => m.id === 'ny-core')!;
    expect(core.v3).toMatchObject({
      user: 'noc-poller',
      level: 'authPriv',
      authProtocol: 'sha',
      privProtocol: 'aes',
    });
    expect(sim.manifest.find((m) => m.id === 'wolong-sw')!.community).toBe('ny-sim-ro');
  });

  it('answer GET with system values and counters that follow the clock', async () => {
    expect(await value('wolong-sw', '1.3.6.1.2.1.1.5.0')).toBe('wolong-sw');
    const ifIndex = ifIndexOf('wolong-sw', 'GigabitEthernet1/0/24');
    const hc = `1.3.6.1.2.1.31.1.1.1.6.${ifIndex}`;
    expect(await value('wolong-sw', hc)).toBe(sim.expectedCounters('wolong-sw', ifIndex, now).inOctets);
    const before = (await value('wolong-sw', hc)) as number;
    now += 60_000;
    const after = (await value('wolong-sw', hc)) as number;
    expect(after).toBe(sim.expectedCounters('wolong-sw', ifIndex, now).inOctets);
    expect(after).toBeGreaterThan(before);
    const up = (await value('wolong-sw', '1.3.6.1.2.1.1.3.0')) as number;
    expect(up).toBe(Math.floor((now - sim.bootTimeOf('wolong-sw')) / 10));
  });

  it('answer GETBULK with N non-repeaters then M repetitions of the rest (RFC 3416)', async () => {
    const res = (await request(
      'wolong-sw',
      Tag.GetBulkRequest,
      ['1.3.6.1.2.1.1.3', '1.3.6.1.2.1.2.2.1.2', '1.3.6.1.2.1.2.2.1.8'],
      { a: 1, b: 3 },
    ))!;
    expect(res.errorStatus).toBe(0);
    expect(res.varbinds.map((v) => v.oid)).toEqual([
      '1.3.6.1.2.1.1.3.0',
      '1.3.6.1.2.1.2.2.1.2.1',
      '1.3.6.1.2.1.2.2.1.8.1',
      '1.3.6.1.2.1.2.2.1.2.2',
      '1.3.6.1.2.1.2.2.1.8.2',
      '1.3.6.1.2.1.2.2.1.2.3',
      '1.3.6.1.2.1.2.2.1.8.3',
    ]);
  });

  it('truncate a huge GETBULK to the response size limit instead of failing', async () => {
    const msg = buildRequest({
      version: 1,
      community: 'ny-sim-ro',
      type: Tag.GetBulkRequest,
      requestId: 9,
      a: 0,
      b: 100_000,
      oids: ['1.3.6.1.2.1'],
    });
    const reply = (await exchange(portOf('dept-01'), msg))!;
    expect(reply.length).toBeLessThan(65_507);
    const res = parseResponse(reply);
    expect(res.errorStatus).toBe(0);
    expect(res.varbinds.length).toBeGreaterThan(50);
    expect(res.varbinds.at(-1)!.tag).toBe(Tag.EndOfMibView);
  });

  it('stay silent for a wrong community, and report missing objects as exceptions (v2c) or noSuchName (v1)', async () => {
    expect(
      await request('wolong-sw', Tag.GetRequest, ['1.3.6.1.2.1.1.5.0'], { community: 'public' }),
    ).toBeNull();
    const v2 = (await get('wolong-sw', ['1.3.6.1.2.1.1.5.1', '1.3.6.1.2.1.99.1.0']))!;
    expect(v2.varbinds.map((v) => v.tag)).toEqual([Tag.NoSuchInstance, Tag.NoSuchObject]);
    const v1 = (await request('wolong-sw', Tag.GetRequest, ['1.3.6.1.2.1.1.5.0', '1.3.6.1.2.1.99.1.0'], {
      version: 0,
    }))!;
    expect(v1).toMatchObject({ errorStatus: 2, errorIndex: 2 });
    // SNMPv1 cannot carry Counter64: GETNEXT skips the HC columns
    const next = (await request('wolong-sw', Tag.GetNextRequest, ['1.3.6.1.2.1.31.1.1.1.1.24'], {
      version: 0,
    }))!;
    expect(next.varbinds[0]!.oid).toBe('1.3.6.1.2.1.31.1.1.1.15.1');
  });

  it('name each neighbour in lldpRemTable', async () => {
    const res = (await request('wolong-sw', Tag.GetBulkRequest, ['1.0.8802.1.1.2.1.4.1.1.9'], {
      a: 0,
      b: 10,
    }))!;
    const names = res.varbinds
      .filter((v) => v.oid.startsWith('1.0.8802.1.1.2.1.4.1.1.9.'))
      .map((v) => v.value);
    expect(names.sort()).toEqual(['wolong-gw', 'wolong-mcu']);
  });
});

describe('faults', () => {
  it('link-down: both ends down, linkDown trap from the end still reachable, subtree silent; clear restores', async () => {
    const swPort = ifIndexOf('wolong-sw', 'GigabitEthernet1/0/1');
    const injected = sim.inject({ kind: 'link-down', a: 'wolong-sw', b: 'wolong-mcu' });
    expect(injected.ok).toBe(true);
    expect(await value('wolong-sw', `1.3.6.1.2.1.2.2.1.8.${swPort}`)).toBe(2);
    expect(await get('wolong-mcu', ['1.3.6.1.2.1.1.5.0'])).toBeNull();
    const down = await trapsAfter(1);
    expect(down.map((t) => [t.port, trapOid(t.msg)])).toEqual([[portOf('wolong-sw'), 'linkDown']]);
    now += 30_000;
    expect(sim.clear(injected.ok ? injected.id : '')).toMatchObject({ ok: true });
    expect(await value('wolong-sw', `1.3.6.1.2.1.2.2.1.8.${swPort}`)).toBe(1);
    expect(await value('wolong-mcu', '1.3.6.1.2.1.1.5.0')).toBe('wolong-mcu');
    const up = await trapsAfter(2);
    expect(up.map((t) => trapOid(t.msg)).sort()).toEqual(['linkUp', 'linkUp']);
    expect(await value('wolong-sw', `1.3.6.1.2.1.2.2.1.9.${swPort}`)).toBe(
      Math.floor((now - sim.bootTimeOf('wolong-sw')) / 10),
    );
  });

  it('a cut uplink silences the whole subtree behind it; node-down silences the node and its subtree', async () => {
    const cut = sim.inject({ kind: 'link-down', a: 'ny-core', b: 'wolong-gw' });
    for (const id of ['wolong-gw', 'wolong-sw', 'wolong-mcu']) expect(sim.isReachable(id)).toBe(false);
    expect(await get('wolong-sw', ['1.3.6.1.2.1.1.5.0'])).toBeNull();
    expect(await value('wancheng-sw', '1.3.6.1.2.1.1.5.0')).toBe('wancheng-sw');
    sim.clear(cut.ok ? cut.id : '');
    expect(sim.inject({ kind: 'node-down', node: 'wancheng-gw' }).ok).toBe(true);
    expect(await get('wancheng-sw', ['1.3.6.1.2.1.1.5.0'])).toBeNull();
    expect(sim.isReachable('wancheng-mcu')).toBe(false);
    expect(sim.faults().map((f) => f.fault.kind)).toEqual(['node-down']);
    sim.clear('all');
    expect(await value('wancheng-sw', '1.3.6.1.2.1.1.5.0')).toBe('wancheng-sw');
    await drainTraps();
  });

  it('reboot: sysUpTime and counters restart, coldStart trap', async () => {
    expect(sim.inject({ kind: 'reboot', node: 'dept-02' }).ok).toBe(true);
    expect(await value('dept-02', '1.3.6.1.2.1.1.3.0')).toBe(0);
    expect(await value('dept-02', '1.3.6.1.2.1.31.1.1.1.6.1')).toBe(0);
    const cold = await trapsAfter(1);
    expect(cold.map((t) => [t.port, trapOid(t.msg)])).toEqual([[portOf('dept-02'), 'coldStart']]);
    now += 10_000;
    expect(await value('dept-02', '1.3.6.1.2.1.1.3.0')).toBe(1000);
  });

  it('counter-wrap: Counter32 octets jump just below 2^32 and wrap, discontinuity time set', async () => {
    const f = sim.inject({ kind: 'counter-wrap', node: 'dept-03' });
    const in32 = (await value('dept-03', '1.3.6.1.2.1.2.2.1.10.1')) as number;
    expect(in32).toBeGreaterThan(2 ** 32 - 5e8);
    expect(await value('dept-03', '1.3.6.1.2.1.31.1.1.1.19.1')).toBeGreaterThan(0);
    now += 10_000;
    expect((await value('dept-03', '1.3.6.1.2.1.2.2.1.10.1')) as number).toBeLessThan(in32);
    sim.clear(f.ok ? f.id : '');
  });

  it('link-saturated: the link runs at ~98 % of capacity', async () => {
    const link = topology.uplinkOf(topology.find('dept-04')!.id)!;
    const ifIndex = ifIndexOf('dept-04', link.b.node === 'dept-04' ? link.b.interface : link.a.interface);
    const f = sim.inject({ kind: 'link-saturated', link: link.id });
    const oid = `1.3.6.1.2.1.31.1.1.1.6.${ifIndex}`;
    const a = (await value('dept-04', oid)) as number;
    now += 60_000;
    const b = (await value('dept-04', oid)) as number;
    expect(((b - a) * 8) / 60 / (link.capacityMbps * 1e6)).toBeCloseTo(0.98, 2);
    sim.clear(f.ok ? f.id : '');
  });

  it('video-degraded: the NQA probe at the a end reports the loss and jitter', async () => {
    const f = sim.inject({ kind: 'video-degraded', videoLink: 'vc-ny-wolong', lossPct: 4, jitterMs: 35 });
    const index = '8.101.103.111.118.45.110.111.99.12.118.99.45.110.121.45.119.111.108.111.110.103.1';
    expect(await value('ny-mcu', `1.3.6.1.4.1.2011.5.25.111.4.3.1.47.${index}`)).toBe(4);
    expect(await value('ny-mcu', `1.3.6.1.4.1.2011.5.25.111.4.3.1.48.${index}`)).toBe(35);
    sim.clear(f.ok ? f.id : '');
    expect((await value('ny-mcu', `1.3.6.1.4.1.2011.5.25.111.4.3.1.47.${index}`)) as number).toBeLessThan(2);
  });

  it('refuse unknown targets with a reason', () => {
    expect(sim.inject({ kind: 'node-down', node: 'nowhere' })).toEqual({
      ok: false,
      reason: 'unknown node "nowhere"',
    });
    expect(sim.inject({ kind: 'link-down', a: 'dept-01', b: 'dept-02' })).toMatchObject({ ok: false });
    expect(
      sim.inject({ kind: 'video-degraded', videoLink: 'vc-ny-wolong', lossPct: 101, jitterMs: 1 }),
    ).toMatchObject({ ok: false });
    expect(sim.clear('f999')).toMatchObject({ ok: false });
  });

  it('serve the control endpoint on loopback', async () => {
    expect(sim.controlUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const authorization = `Bearer ${sim.controlToken}`;
    const call = (path: string, init: RequestInit = {}) =>
      fetch(`${sim.controlUrl}${path}`, { ...init, headers: { authorization } });
    const post = await call('/faults', {
      method: 'POST',
      body: JSON.stringify({ kind: 'node-down', node: 'dept-05' }),
    });
    expect(post.status).toBe(201);
    const { id } = (await post.json()) as { id: string };
    expect(((await (await call('/faults')).json()) as { id: string }[]).map((f) => f.id)).toEqual([id]);
    const bad = await call('/faults', { method: 'POST', body: JSON.stringify({ kind: 'node-down' }) });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toMatch(/node/);
    expect((await call(`/faults/${id}`, { method: 'DELETE' })).status).toBe(200);
    expect((await call(`/faults/${id}`, { method: 'DELETE' })).status).toBe(404);
    await drainTraps();
  });
});

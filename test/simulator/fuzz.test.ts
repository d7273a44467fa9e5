import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadInventory } from '../../inventory';
import { seededRandom } from '../../inventory/generate';
import { Tag } from '../../simulator/ber';
import { startSimulator, type Simulator } from '../../simulator';
import { ErrorStatus } from '../../simulator/pdu';
import { buildRequest, exchange, parseResponse } from './support';
import { waitUntil } from '../support/wait';

/** Malformed and hostile datagrams are dropped (counted), never crash the process, and the agent keeps answering. */
const loaded = loadInventory('configs/examples/nanyang.yaml');
if (!loaded.ok) throw new Error('nanyang.yaml must load');
let sim: Simulator;

beforeAll(async () => {
  sim = await startSimulator({ topology: loaded.topology });
});
afterAll(async () => {
  await sim.stop();
});

describe('hostile input', () => {
  it('survives truncated, bit-flipped and random datagrams (v2c and v3 agents)', async () => {
    const rand = seededRandom(42);
    const valid = buildRequest({
      version: 1,
      community: 'ny-sim-ro',
      type: Tag.GetBulkRequest,
      requestId: 1,
      a: 0,
      b: 20,
      oids: ['1.3.6.1.2.1.2'],
    });
    const v3probe = Buffer.from(
      '303a020103300f02024e20020300ffe30401040201030410300e0400020100020100040004000400301204000400a00c020237f00201000201003000',
      'hex',
    );
    const targets = ['wolong-sw', 'ny-core'].map((id) => sim.manifest.find((m) => m.id === id)!.port);
    const sends: Promise<unknown>[] = [];
    for (let i = 0; i < 400; i++) {
      const base = Buffer.from(i % 2 === 0 ? valid : v3probe);
      const kind = i % 4;
      let msg: Buffer;
      if (kind === 0) msg = base.subarray(0, Math.floor(rand() * base.length));
      else if (kind === 1) {
        msg = Buffer.from(base);
        for (let f = 0; f < 3; f++) {
          const at = Math.floor(rand() * msg.length);
          msg[at] = (msg[at] as number) ^ (1 << Math.floor(rand() * 8));
        }
      } else if (kind === 2)
        msg = Buffer.from(
          Array.from({ length: 1 + Math.floor(rand() * 200) }, () => Math.floor(rand() * 256)),
        );
      else {
        msg = Buffer.from(base);
        msg[1 + Math.floor(rand() * 4)] = 0x84;
      }
      sends.push(exchange(targets[i % 2]!, msg, 50));
    }
    await Promise.all(sends);
    await waitUntil('the agents to count 400 requests', () => sim.stats().requests >= 400);
    expect(sim.stats().requests).toBe(400);
    expect(sim.stats().malformed).toBeGreaterThan(50);
    const reply = await exchange(targets[0]!, valid, 1000);
    expect(reply).not.toBeNull();
  });

  it('answers random oversize GETBULKs with a datagram that fits, or tooBig; never a fault', async () => {
    const rand = seededRandom(7);
    const pick = (n: number) => Math.floor(rand() * n);
    const columns = ['1.3.6.1.2.1.2.2.1', '1.3.6.1.2.1.31.1.1.1', '1.0.8802.1.1.2.1.4.1.1', '1.3.6.1.2.1.1'];
    const longOid = (subIds: number) =>
      `1.3.6.1.4.1.99999.${Array.from({ length: subIds }, () => 16384 + pick(100000)).join('.')}`;
    const port = sim.manifest.find((m) => m.id === 'wolong-sw')!.port;
    const faultsBefore = sim.stats().faults;
    for (let i = 0; i < 60; i++) {
      const oids: string[] = [];
      let budget = 60_000;
      for (let n = 1 + pick(60); n > 0 && budget > 0; n--) {
        const oid = rand() < 0.7 ? (columns[pick(columns.length)] as string) : longOid(1 + pick(4000));
        budget -= oid.length / 2;
        oids.push(oid);
      }
      const msg = buildRequest({
        version: 1,
        community: 'ny-sim-ro',
        type: Tag.GetBulkRequest,
        requestId: 1000 + i,
        a: pick(3),
        b: 1 + pick(65_535),
        oids,
      });
      if (msg.length > 65_507) continue;
      const reply = await exchange(port, msg, 3000);
      expect(reply, `request ${i} answered`).not.toBeNull();
      expect(reply!.length).toBeLessThanOrEqual(65_507);
      const answer = parseResponse(reply!);
      expect([ErrorStatus.noError, ErrorStatus.tooBig]).toContain(answer.errorStatus);
      if (answer.errorStatus === ErrorStatus.tooBig) expect(answer.varbinds).toEqual([]);
    }
    expect(sim.stats().faults).toBe(faultsBefore);
  });
});

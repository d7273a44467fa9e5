/**
 * Answers that outgrow a datagram: GETBULK leaves trailing varbinds out (RFC 3416 §4.2.3), GET and
 * GETNEXT answer tooBig with no varbinds, and nothing a request does can end an agent or the process.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadInventory } from '../../inventory';
import { Tag } from '../../simulator/ber';
import { ErrorStatus } from '../../simulator/pdu';
import { startSimulator, type AgentFault, type Simulator } from '../../simulator';
import { buildRequest, exchange, parseResponse } from './support';

const run = promisify(execFile);
const loaded = loadInventory('configs/examples/nanyang.yaml');
if (!loaded.ok) throw new Error('nanyang.yaml must load');

const MAX_DATAGRAM = 65_507;
let clockBroken = false;
const agentFaults: AgentFault[] = [];
let sim: Simulator;
let port: number;
let requestId = 1;

beforeAll(async () => {
  sim = await startSimulator({
    topology: loaded.topology,
    clock: () => {
      if (clockBroken) throw new Error('clock failed');
      return Date.now();
    },
    onAgentFault: (fault) => agentFaults.push(fault),
  });
  port = sim.manifest.find((m) => m.id === 'wolong-sw')!.port;
});
afterAll(async () => {
  await sim.stop();
});

/** An OID of about `bytes` bytes below an arc the agents do not serve (so it is echoed back). */
const longOid = (bytes: number, seed = 0) =>
  `1.3.6.1.4.1.99999.${Array.from({ length: Math.floor(bytes / 3) }, (_, i) => 16384 + ((i + seed) % 1000)).join('.')}`;

async function ask(type: number, oids: string[], a = 0, b = 0) {
  const msg = buildRequest({ version: 1, community: 'ny-sim-ro', type, requestId: requestId++, a, b, oids });
  expect(msg.length).toBeLessThanOrEqual(MAX_DATAGRAM);
  const reply = await exchange(port, msg, 3000);
  expect(reply, 'the agent answers').not.toBeNull();
  expect(reply!.length).toBeLessThanOrEqual(MAX_DATAGRAM);
  return parseResponse(reply!);
}

async function stillAnswers(): Promise<void> {
  const answer = await ask(Tag.GetRequest, ['1.3.6.1.2.1.1.5.0']);
  expect(answer.varbinds[0]?.value).toBe('wolong-sw');
}

describe('answers larger than a datagram', () => {
  it('GETBULK with max-repetitions 10000 over many columns: a valid answer that fits, trailing varbinds left out', async () => {
    const columns = Array.from({ length: 40 }, (_, i) => `1.3.6.1.2.1.2.2.1.${(i % 20) + 1}`);
    const answer = await ask(Tag.GetBulkRequest, columns, 0, 10_000);
    expect(answer.errorStatus).toBe(ErrorStatus.noError);
    expect(answer.varbinds.length).toBeGreaterThan(100);
    expect(answer.varbinds.length).toBeLessThan(40 * 10_000);
    expect(answer.varbinds[0]?.oid).toMatch(/^1\.3\.6\.1\.2\.1\.2\.2\.1\.1\./);
    await stillAnswers();
  });

  it('an echoed long OID that overshoots the limit by a whole varbind is left out, not a crash', async () => {
    // One real column and one ~10 KB OID past the MIB (echoed as endOfMibView on every repetition):
    // each repetition adds ~10 KB, so one of them crosses the limit by far more than a small varbind.
    for (const bytes of [9_000, 10_000, 11_000, 12_500]) {
      const answer = await ask(Tag.GetBulkRequest, ['1.3.6.1.2.1.2.2.1', longOid(bytes)], 0, 10_000);
      expect(answer.errorStatus).toBe(ErrorStatus.noError);
      expect(answer.varbinds.length).toBeGreaterThan(2);
    }
    await stillAnswers();
  });

  it('GETBULK whose first varbind alone does not fit: tooBig with no varbinds', async () => {
    const answer = await ask(Tag.GetBulkRequest, [longOid(65_380)], 1, 10);
    expect(answer).toMatchObject({ errorStatus: ErrorStatus.tooBig, errorIndex: 0, varbinds: [] });
    await stillAnswers();
  });

  it('non-repeaters that overflow are cut like repetitions (only the ones that fit)', async () => {
    const oids = Array.from({ length: 8 }, (_, i) => longOid(8_120, i));
    const answer = await ask(Tag.GetBulkRequest, oids, 8, 0);
    expect(answer.errorStatus).toBe(ErrorStatus.noError);
    expect(answer.varbinds.length).toBeGreaterThan(0);
    expect(answer.varbinds.length).toBeLessThan(8);
  });

  it.each([
    ['GET', Tag.GetRequest],
    ['GETNEXT', Tag.GetNextRequest],
  ])('%s whose answer cannot fit: tooBig with an empty varbind list', async (_name, type) => {
    // The answer echoes every OID: just over the agent's limit, while the request still fits a datagram.
    const oids = Array.from({ length: 50 }, (_, i) => longOid(1_290, i));
    const answer = await ask(type, oids);
    expect(answer).toMatchObject({ errorStatus: ErrorStatus.tooBig, errorIndex: 0, varbinds: [] });
    await stillAnswers();
  });

  it("Debian's snmpbulkget with -Cr10000 and many OIDs gets an answer", async () => {
    const oids = Array.from({ length: 30 }, (_, i) => `1.3.6.1.2.1.31.1.1.1.${(i % 10) + 1}`);
    const { stdout } = await run(
      'snmpbulkget',
      [
        '-v2c',
        '-c',
        'ny-sim-ro',
        '-On',
        '-m',
        '',
        '-Cr10000',
        '-t',
        '3',
        '-r',
        '0',
        `127.0.0.1:${port}`,
        ...oids,
      ],
      { env: { ...process.env, MIBS: '' }, maxBuffer: 64 * 1024 * 1024 },
    );
    expect(stdout.split('\n').filter((l) => l.startsWith('.1.3.6.1.2.1.31.1.1.1.')).length).toBeGreaterThan(
      100,
    );
    expect(sim.stats().faults).toBe(0);
  });
});

describe('an agent that fails', () => {
  it('logs and drops the request, counts it, and answers again afterwards; the process lives on', async () => {
    const before = sim.stats().faults;
    clockBroken = true;
    const msg = buildRequest({
      version: 1,
      community: 'ny-sim-ro',
      type: Tag.GetRequest,
      requestId: requestId++,
      oids: ['1.3.6.1.2.1.1.5.0'],
    });
    void exchange(port, msg, 200);
    await expect.poll(() => sim.stats().faults).toBe(before + 1);
    expect(agentFaults.at(-1)).toMatchObject({ node: 'wolong-sw', reason: 'Error: clock failed' });
    clockBroken = false;
    await stillAnswers();
  });
});

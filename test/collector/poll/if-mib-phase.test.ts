/**
 * Names and speeds are re-read every `metadataEveryN` polls at each node's own phase: nodes started
 * together poll in step, and a shared phase made every node walk its metadata in the same round (a
 * wave of large walks every N intervals, which the soak's poll latency p99 showed).
 */
import { describe, expect, it } from 'vitest';
import { IF_OIDS, newIfMibMemory, pollIfMib } from '../../../collector/poll/if-mib';
import type { BulkWalkResult, SnmpSession, Varbind } from '../../../collector/snmp/session';

const INTEGER = 2;

/** An agent with one interface that answers every column asked for, and remembers whether ifName was. */
function agent(): { session: SnmpSession; askedNames: boolean[] } {
  const askedNames: boolean[] = [];
  const session = {
    garbledCount: 0,
    walkColumns: (columns: string[], _maxRepetitions: number, scalars: string[] = []) => {
      askedNames.push(columns.includes(IF_OIDS.ifName));
      const value = (oid: string): Varbind =>
        oid === IF_OIDS.ifName
          ? { oid: `${oid}.1`, type: 4, value: Buffer.from('GE0/0/1') }
          : { oid: `${oid}.1`, type: INTEGER, value: 1 };
      const result: BulkWalkResult = {
        scalars: scalars.map((oid) => ({ oid: `${oid}.0`, type: INTEGER, value: 1 })),
        columns: columns.map((oid) => new Map([['1', value(oid)]])),
        requests: 1,
      };
      return Promise.resolve({ ok: true as const, value: result });
    },
  } as unknown as SnmpSession;
  return { session, askedNames };
}

async function metadataPolls(phase: number, every: number, polls: number): Promise<number[]> {
  const { session, askedNames } = agent();
  const memory = newIfMibMemory();
  for (let i = 0; i < polls; i++)
    await pollIfMib(session, memory, { maxRepetitions: 10, metadataEveryN: every, metadataPhase: phase });
  return askedNames.flatMap((asked, poll) => (asked ? [poll] : []));
}

describe('IF-MIB metadata polls', () => {
  it('come on the first poll, then every N at the node’s own phase', async () => {
    expect(await metadataPolls(0, 4, 10)).toEqual([0, 4, 8]);
    expect(await metadataPolls(1, 4, 10)).toEqual([0, 3, 7]);
    expect(await metadataPolls(3, 4, 10)).toEqual([0, 1, 5, 9]);
  });

  it('are spread over the rounds: N nodes polled in step, one of them re-reads per round', async () => {
    const every = 5;
    const byNode = await Promise.all(
      Array.from({ length: every }, (_, phase) => metadataPolls(phase, every, 16)),
    );
    for (let round = 1; round < 16; round++) {
      const readers = byNode.filter((polls) => polls.includes(round)).length;
      expect(readers, `round ${round}`).toBe(1);
    }
  });
});

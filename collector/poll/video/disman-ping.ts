/**
 * DISMAN-PING-MIB (RFC 4560) pingResultsTable, index pingCtlOwnerIndex.pingCtlTestName (the test
 * name is the video link id). Jitter is the RTT standard deviation from RttSumOfSquares; the MIB
 * has no MOS.
 */
import { toNumber } from '../../snmp/session';
import { decodeStringIndex, type VideoProbe, type VideoReading } from './probe';

const RESULTS_ENTRY = '1.3.6.1.2.1.80.1.3.1';
const AVERAGE_RTT = `${RESULTS_ENTRY}.6`;
const PROBE_RESPONSES = `${RESULTS_ENTRY}.7`;
const SENT_PROBES = `${RESULTS_ENTRY}.8`;
const RTT_SUM_OF_SQUARES = `${RESULTS_ENTRY}.9`;

export function pingJitterMs(averageRttMs: number, sumOfSquares: number, responses: number): number | null {
  if (responses <= 0) return null;
  const variance = sumOfSquares / responses - averageRttMs * averageRttMs;
  return Math.sqrt(Math.max(0, variance));
}

export const dismanPingProbe: VideoProbe = {
  kind: 'ping',
  async poll(session, maxRepetitions) {
    const columns = [AVERAGE_RTT, PROBE_RESPONSES, SENT_PROBES, RTT_SUM_OF_SQUARES];
    const walked = await session.walkColumns(columns, maxRepetitions);
    if (!walked.ok) return walked;
    const [avg, responses, sent, squares] = walked.value.columns;
    const readings: VideoReading[] = [];
    for (const [suffix, avgVb] of avg ?? []) {
      const parts = suffix.split('.').map(Number);
      const owner = decodeStringIndex(parts, 0);
      const test = owner ? decodeStringIndex(parts, owner.next) : null;
      if (!test) continue;
      const rtt = toNumber(avgVb);
      const got = toNumber(responses?.get(suffix));
      const total = toNumber(sent?.get(suffix));
      const sumSq = toNumber(squares?.get(suffix));
      const lossPct = got !== null && total !== null && total > 0 ? (100 * (total - got)) / total : null;
      const answered = got !== null && got > 0;
      readings.push({
        linkId: test.text,
        rttMs: answered ? rtt : null,
        jitterMs: answered && rtt !== null && sumSq !== null ? pingJitterMs(rtt, sumSq, got) : null,
        lossPct,
        mos: null,
      });
    }
    let values = 0;
    for (const c of walked.value.columns) values += c.size;
    return { ok: true, value: { readings, values, requests: walked.value.requests } };
  },
};

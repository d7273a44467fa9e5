/**
 * Huawei NQA-MIB nqaJitterStatsTable, index nqaAdminCtrlOwnerIndex.nqaAdminCtrlTestName
 * .nqaJitterStatsIndex (the test name is the video link id; the highest stats index is the latest
 * test). Loss from SentProbes/ProbeResponses (0.1 % resolution), MOS as the device computed it.
 */
import { toNumber } from '../../snmp/session';
import { decodeStringIndex, type VideoProbe, type VideoReading } from './probe';

const STATS_ENTRY = '1.3.6.1.4.1.2011.5.25.111.4.3.1';
const COMPLETIONS = `${STATS_ENTRY}.2`;
const PROBE_RESPONSES = `${STATS_ENTRY}.40`;
const SENT_PROBES = `${STATS_ENTRY}.41`;
const RTT_AVG = `${STATS_ENTRY}.46`;
const LOSS_RATIO = `${STATS_ENTRY}.47`;
const AVG_JITTER = `${STATS_ENTRY}.48`;
const OPER_OF_MOS = `${STATS_ENTRY}.60`;
const FAILURE = 2;

export const huaweiNqaProbe: VideoProbe = {
  kind: 'nqa',
  async poll(session, maxRepetitions) {
    const columns = [COMPLETIONS, PROBE_RESPONSES, SENT_PROBES, RTT_AVG, LOSS_RATIO, AVG_JITTER, OPER_OF_MOS];
    const walked = await session.walkColumns(columns, maxRepetitions);
    if (!walked.ok) return walked;
    const [completions, responses, sent, rtt, lossRatio, jitter, mos] = walked.value.columns;
    // Latest stats row per test.
    const latest = new Map<string, { statsIndex: number; suffix: string }>();
    for (const suffix of new Set([...(rtt?.keys() ?? []), ...(completions?.keys() ?? [])])) {
      const parts = suffix.split('.').map(Number);
      const owner = decodeStringIndex(parts, 0);
      const test = owner ? decodeStringIndex(parts, owner.next) : null;
      if (!test) continue;
      const statsIndex = parts[test.next] ?? 0;
      const seen = latest.get(test.text);
      if (!seen || statsIndex > seen.statsIndex) latest.set(test.text, { statsIndex, suffix });
    }
    const readings: VideoReading[] = [];
    for (const [linkId, { suffix }] of latest) {
      const failed = toNumber(completions?.get(suffix)) === FAILURE;
      const got = toNumber(responses?.get(suffix));
      const total = toNumber(sent?.get(suffix));
      const exactLoss = got !== null && total !== null && total > 0 ? (100 * (total - got)) / total : null;
      const deviceMos = toNumber(mos?.get(suffix));
      readings.push({
        linkId,
        rttMs: failed ? null : toNumber(rtt?.get(suffix)),
        jitterMs: failed ? null : toNumber(jitter?.get(suffix)),
        lossPct: failed ? 100 : (exactLoss ?? toNumber(lossRatio?.get(suffix))),
        mos: failed ? 1 : deviceMos !== null && deviceMos > 0 ? deviceMos / 100 : null,
      });
    }
    let values = 0;
    for (const c of walked.value.columns) values += c.size;
    return { ok: true, value: { readings, values, requests: walked.value.requests } };
  },
};

/**
 * CISCO-RTTMON-MIB: rttMonCtrlAdminTag names each operation (the video link id);
 * rttMonLatestJitterOperTable holds its latest jitter test. Loss counts SD, DS and missing-in-action
 * packets against all sent; MOS (× 100) where the IOS image computes it.
 */
import { toNumber, toText } from '../../snmp/session';
import type { VideoProbe, VideoReading } from './probe';

const ADMIN_TAG = '1.3.6.1.4.1.9.9.42.1.2.1.1.3';
const JITTER_ENTRY = '1.3.6.1.4.1.9.9.42.1.5.2.1';
const NUM_OF_RTT = `${JITTER_ENTRY}.1`;
const RTT_SUM = `${JITTER_ENTRY}.2`;
const LOSS_SD = `${JITTER_ENTRY}.26`;
const LOSS_DS = `${JITTER_ENTRY}.27`;
const MIA = `${JITTER_ENTRY}.29`;
const SENSE = `${JITTER_ENTRY}.31`;
const MOS = `${JITTER_ENTRY}.42`;
const AVG_JITTER = `${JITTER_ENTRY}.46`;
const SENSE_OK = 1;

export const ciscoRttMonProbe: VideoProbe = {
  kind: 'rttmon',
  async poll(session, maxRepetitions) {
    const columns = [ADMIN_TAG, NUM_OF_RTT, RTT_SUM, LOSS_SD, LOSS_DS, MIA, SENSE, MOS, AVG_JITTER];
    const walked = await session.walkColumns(columns, maxRepetitions);
    if (!walked.ok) return walked;
    const [tags, count, sum, lossSd, lossDs, mia, sense, mos, jitter] = walked.value.columns;
    const readings: VideoReading[] = [];
    for (const [index, tagVb] of tags ?? []) {
      const linkId = toText(tagVb);
      if (!linkId) continue;
      const n = toNumber(count?.get(index)) ?? 0;
      const lost =
        (toNumber(lossSd?.get(index)) ?? 0) +
        (toNumber(lossDs?.get(index)) ?? 0) +
        (toNumber(mia?.get(index)) ?? 0);
      const ok = (toNumber(sense?.get(index)) ?? SENSE_OK) === SENSE_OK && n > 0;
      const deviceMos = toNumber(mos?.get(index));
      readings.push({
        linkId,
        rttMs: ok ? (toNumber(sum?.get(index)) ?? 0) / n : null,
        jitterMs: ok ? toNumber(jitter?.get(index)) : null,
        lossPct: n + lost > 0 ? (100 * lost) / (n + lost) : ok ? 0 : 100,
        mos: !ok ? 1 : deviceMos !== null && deviceMos > 0 ? deviceMos / 100 : null,
      });
    }
    let values = 0;
    for (const c of walked.value.columns) values += c.size;
    return { ok: true, value: { readings, values, requests: walked.value.requests } };
  },
};

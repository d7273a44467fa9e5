import type { ProbeKind } from '../../../domain';
import { ciscoRttMonProbe } from './cisco-rttmon';
import { dismanPingProbe } from './disman-ping';
import { huaweiNqaProbe } from './huawei-nqa';
import type { VideoProbe } from './probe';

export type { VideoProbe, VideoReading, VideoPollResult } from './probe';

/** The probe MIB for each inventory `probe:` kind. */
export const VIDEO_PROBES: Record<ProbeKind, VideoProbe> = {
  ping: dismanPingProbe,
  nqa: huaweiNqaProbe,
  rttmon: ciscoRttMonProbe,
};

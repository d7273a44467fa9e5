import type { VideoLink } from '../../domain';
import type { Device } from '../device';
import { stringIndex } from '../oid';
import { videoQuality, type VideoQuality } from '../video-quality';
import type { Entry } from './entry';
import type { QualityAt } from './video-probe';
import { nqaEntries } from './video-nqa';
import { pingEntries } from './video-ping';
import { rttmonEntries } from './video-rttmon';

/** The owner every simulated probe is configured under (DISMAN-PING / NQA owner index). */
export const PROBE_OWNER = 'egov-noc';

export interface VideoContext {
  /** The far end answers (its path to the root is intact); otherwise the probe sees 100 % loss. */
  reachable: (nodeId: string) => boolean;
}

function qualityOf(link: VideoLink, ctx: VideoContext): QualityAt {
  let cachedAt = Number.NaN;
  let cachedVersion = -1;
  let cached: VideoQuality | null = null;
  return (dev, now) => {
    if (cached && cachedAt === now && cachedVersion === dev.network.version) return cached;
    const topology = dev.network.topology;
    cached = videoQuality(
      topology,
      link,
      now,
      dev.network.degraded.get(link.id) ?? null,
      ctx.reachable(link.b),
    );
    cachedAt = now;
    cachedVersion = dev.network.version;
    return cached;
  };
}

/** Video link-quality tables at the 'a' end of each of the device's video links, by probe kind. */
export function videoEntries(dev: Device, ctx: VideoContext): Entry[] {
  const out: Entry[] = [];
  const links = dev.network.topology.videoLinks.filter((link) => link.a === dev.node.id);
  let rttmonIndex = 0;
  for (const link of links) {
    const quality = qualityOf(link, ctx);
    const index = [...stringIndex(PROBE_OWNER), ...stringIndex(link.id)];
    switch (link.probe) {
      case 'nqa':
        out.push(...nqaEntries(index, quality));
        break;
      case 'ping':
        out.push(...pingEntries(index, quality, link, dev));
        break;
      case 'rttmon':
        rttmonIndex++;
        out.push(...rttmonEntries(rttmonIndex, quality, link));
        break;
    }
  }
  return out;
}

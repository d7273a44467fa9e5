import type { BerWriter } from '../ber';
import type { Device } from '../device';
import type { VideoQuality } from '../video-quality';

/** What each vendor's link-quality table (NQA, DISMAN-PING, RTTMON) is given to answer from. */

/** Latest result of one video link, computed at most once per request instant. */
export type QualityAt = (dev: Device, now: number) => VideoQuality;

/** Writes one column's value from a test result. */
export type QualityWriter = (w: BerWriter, q: VideoQuality, dev: Device, now: number) => void;

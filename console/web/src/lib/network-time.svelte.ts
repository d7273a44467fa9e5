import { CHINA_STANDARD_TIME_OFFSET_MIN, formatLocalDate, formatLocalTime } from '../../../../domain';

/**
 * The network's local time (GET /api/topology `utcOffsetMin`, China Standard Time until it loads):
 * every absolute time the console shows is in it, whatever zone the browser or its host runs in.
 */
class NetworkTime {
  utcOffsetMin = $state(CHINA_STANDARD_TIME_OFFSET_MIN);
}

export const networkTime = new NetworkTime();

/** "2026-05-04 09:30:00" in the network's zone. */
export const localTime = (atMs: number): string => formatLocalTime(atMs, networkTime.utcOffsetMin);

/** "2026-05-04" in the network's zone. */
export const localDate = (atMs: number): string => formatLocalDate(atMs, networkTime.utcOffsetMin);

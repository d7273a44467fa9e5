/** The timestamps each vendor writes, in the device's local time (offset from LineContext). */
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

const pad2 = (n: number) => String(n).padStart(2, '0');

interface Civil {
  month: string;
  /** Day of month, space-padded to two characters as BSD syslog writes it. */
  day: string;
  time: string;
  millis: string;
  year: number;
}

function civil(timeMs: number, offsetMin: number): Civil {
  const d = new Date(timeMs + offsetMin * 60_000);
  return {
    month: MONTHS[d.getUTCMonth()] as string,
    day: String(d.getUTCDate()).padStart(2, ' '),
    time: `${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())}`,
    millis: String(d.getUTCMilliseconds()).padStart(3, '0'),
    year: d.getUTCFullYear(),
  };
}

/** The offset of the host's local time from UTC at that instant (east positive), in minutes. */
export function hostUtcOffsetMin(timeMs: number): number {
  return -new Date(timeMs).getTimezoneOffset();
}

/** RFC 3164: `Dec  6 10:00:00`. */
export function bsdStamp(timeMs: number, offsetMin: number): string {
  const c = civil(timeMs, offsetMin);
  return `${c.month} ${c.day} ${c.time}`;
}

/** Huawei VRP: `Dec  6 2026 10:00:00+08:00`. */
export function huaweiStamp(timeMs: number, offsetMin: number): string {
  const c = civil(timeMs, offsetMin);
  const sign = offsetMin < 0 ? '-' : '+';
  const abs = Math.abs(offsetMin);
  return `${c.month} ${c.day} ${c.year} ${c.time}${sign}${pad2(Math.floor(abs / 60))}:${pad2(abs % 60)}`;
}

/** H3C Comware: `Dec  6 10:00:00:123 2026`. */
export function h3cStamp(timeMs: number, offsetMin: number): string {
  const c = civil(timeMs, offsetMin);
  return `${c.month} ${c.day} ${c.time}:${c.millis} ${c.year}`;
}

/** Cisco IOS `service timestamps log datetime msec`, in UTC: `*Dec  6 02:00:00.123 UTC`. */
export function ciscoStamp(timeMs: number): string {
  const c = civil(timeMs, 0);
  return `*${c.month} ${c.day} ${c.time}.${c.millis} UTC`;
}

/** `<PRI>` of RFC 3164/5424: facility × 8 + severity. */
export function pri(facility: number, severity: number): string {
  return `<${facility * 8 + severity}>`;
}

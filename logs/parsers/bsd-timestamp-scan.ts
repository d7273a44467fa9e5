/**
 * The BSD timestamp and its vendor variants, read by a hand-written scan: the same matches as the pattern
 *
 *   /^[*.]?([A-Z][a-z]{2}) {1,2}(\d{1,2}) (?:(\d{4}) )?(\d{2}):(\d{2}):(\d{2})(?:[.:](\d{1,6}))?(?: (\d{4}))?(?:([+-])(\d{2}):?(\d{2})| ?(UTC|GMT|Z))?:? ?/
 *
 * without its thirteen-element match array and the strings in it: this runs on nearly every line.
 * Anchored, every part of bounded length: at most about 40 characters are read.
 */

/** What the timestamp says, as numbers; `length`: the characters it took, the space after it included. */
export interface BsdFields {
  /** 0 (January) … 11. */
  month: number;
  day: number;
  /** The year written before or after the time, or -1. */
  year: number;
  hour: number;
  minute: number;
  second: number;
  /** The digits after the seconds (`.123`, `:123`), or null. */
  fraction: string | null;
  /** +1 or -1 with an explicit offset, else 0. */
  offsetSign: number;
  offsetHours: number;
  offsetMinutes: number;
  /** `UTC`, `GMT` or `Z` was written. */
  utc: boolean;
  length: number;
}

const isDigitAt = (text: string, i: number): boolean => {
  const c = text.charCodeAt(i);
  return c >= 0x30 && c <= 0x39;
};

const digitAt = (text: string, i: number): number => text.charCodeAt(i) - 0x30;

/** `count` digits at `i` as a number, or -1. */
function digitsAt(text: string, i: number, count: number): number {
  let value = 0;
  for (let k = 0; k < count; k++) {
    if (!isDigitAt(text, i + k)) return -1;
    value = value * 10 + digitAt(text, i + k);
  }
  return value;
}

/** `HH:MM:SS` at `i`: [hour, minute, second], or null. */
function clockAt(text: string, i: number): [number, number, number] | null {
  const hour = digitsAt(text, i, 2);
  if (hour < 0 || text.charCodeAt(i + 2) !== 0x3a) return null;
  const minute = digitsAt(text, i + 3, 2);
  if (minute < 0 || text.charCodeAt(i + 5) !== 0x3a) return null;
  const second = digitsAt(text, i + 6, 2);
  return second < 0 ? null : [hour, minute, second];
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const threeLetters = (a: number, b: number, c: number) => (a << 16) | (b << 8) | c;
const MONTH_BY_LETTERS = new Map(
  MONTHS.map((name, month) => [
    threeLetters(name.charCodeAt(0), name.charCodeAt(1), name.charCodeAt(2)),
    month,
  ]),
);

const isUpper = (c: number) => c >= 0x41 && c <= 0x5a;
const isLower = (c: number) => c >= 0x61 && c <= 0x7a;

/**
 * `Mon  D ` or `Mon DD `: the month (-1 when the three letters are none), the day and where the day's
 * space ends; null when the text is not in that shape.
 */
function monthAndDay(text: string, at: number): { month: number; day: number; end: number } | null {
  const [a, b, c] = [text.charCodeAt(at), text.charCodeAt(at + 1), text.charCodeAt(at + 2)];
  if (!isUpper(a) || !isLower(b) || !isLower(c)) return null;
  const month = MONTH_BY_LETTERS.get(threeLetters(a, b, c)) ?? -1;
  let i = at + 3;
  if (text.charCodeAt(i) !== 0x20) return null;
  i++;
  if (text.charCodeAt(i) === 0x20) i++;
  if (!isDigitAt(text, i)) return null;
  let day = digitAt(text, i);
  i++;
  if (isDigitAt(text, i)) {
    day = day * 10 + digitAt(text, i);
    i++;
  }
  return text.charCodeAt(i) === 0x20 ? { month, day, end: i + 1 } : null;
}

/** `UTC`, `GMT` or `Z` at `i`: its length, or 0. */
function zoneNameAt(text: string, i: number): number {
  if (text.charCodeAt(i) === 0x5a) return 1;
  return text.startsWith('UTC', i) || text.startsWith('GMT', i) ? 3 : 0;
}

/** The timestamp at the start of `text`; null when there is none (or its month is no month). */
export function scanBsdTimestamp(text: string): BsdFields | null {
  let i = text.charCodeAt(0) === 0x2a || text.charCodeAt(0) === 0x2e ? 1 : 0;
  const head = monthAndDay(text, i);
  if (head === null || head.month < 0) return null;
  i = head.end;
  // `(?:(\d{4}) )?` before the clock: taken when the clock follows it, else the clock comes at once.
  let year = -1;
  let clock: [number, number, number] | null = null;
  const yearBefore = digitsAt(text, i, 4);
  if (yearBefore >= 0 && text.charCodeAt(i + 4) === 0x20) {
    clock = clockAt(text, i + 5);
    if (clock) {
      year = yearBefore;
      i += 5;
    }
  }
  clock ??= clockAt(text, i);
  if (clock === null) return null;
  i += 8;
  let fraction: string | null = null;
  const separator = text.charCodeAt(i);
  if ((separator === 0x2e || separator === 0x3a) && isDigitAt(text, i + 1)) {
    let end = i + 1;
    while (end < i + 7 && isDigitAt(text, end)) end++;
    fraction = text.slice(i + 1, end);
    i = end;
  }
  if (text.charCodeAt(i) === 0x20) {
    const yearAfter = digitsAt(text, i + 1, 4);
    if (yearAfter >= 0) {
      if (year < 0) year = yearAfter;
      i += 5;
    }
  }
  let offsetSign = 0;
  let offsetHours = 0;
  let offsetMinutes = 0;
  let utc = false;
  const sign = text.charCodeAt(i);
  if (sign === 0x2b || sign === 0x2d) {
    // `([+-])(\d{2}):?(\d{2})`: with its colon or without (a colon is never a digit: no other way).
    const hours = digitsAt(text, i + 1, 2);
    const colon = text.charCodeAt(i + 3) === 0x3a ? 1 : 0;
    const minutes = hours < 0 ? -1 : digitsAt(text, i + 3 + colon, 2);
    if (minutes >= 0) {
      offsetSign = sign === 0x2b ? 1 : -1;
      offsetHours = hours;
      offsetMinutes = minutes;
      i += 5 + colon;
    }
  } else {
    // ` ?(UTC|GMT|Z)`
    const spaced = sign === 0x20 ? 1 : 0;
    const zone = zoneNameAt(text, i + spaced);
    if (zone > 0) {
      utc = true;
      i += spaced + zone;
    }
  }
  if (text.charCodeAt(i) === 0x3a) i++;
  if (text.charCodeAt(i) === 0x20) i++;
  return {
    month: head.month,
    day: head.day,
    year,
    hour: clock[0],
    minute: clock[1],
    second: clock[2],
    fraction,
    offsetSign,
    offsetHours,
    offsetMinutes,
    utc,
    length: i,
  };
}

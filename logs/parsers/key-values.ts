/**
 * `Key=Value` pairs out of a message body, by a hand-written scan: the same pairs as the pattern
 *
 *   /([A-Za-z][\w-]{0,39})(?:\(\d{1,5}\))?\s?[=:]\s?(?:"([^"]{0,512})"|\[([^\]]{0,512})\]|([^\s,;()"[\]]{1,512}))/g
 *
 * (H3C numbers its keys: `SrcIPAddr(1003)=…`), found left to right as its global search finds them,
 * without a match object per pair — on the receive path that garbage cost more than the search.
 * Every step is bounded: a key at most 40 characters, a value at most 512, linear in the line.
 */
const MAX_KEY = 40;
const MAX_VALUE = 512;
const MAX_KEY_NUMBER_DIGITS = 5;

const isLetter = (c: number) => (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
const isDigit = (c: number) => c >= 0x30 && c <= 0x39;
/** `[\w-]` */
const isKeyChar = (c: number) => isLetter(c) || isDigit(c) || c === 0x5f || c === 0x2d;

/** JavaScript's `\s`. */
function isSpace(c: number): boolean {
  if (c <= 0x20) return c === 0x20 || (c >= 0x09 && c <= 0x0d);
  if (c < 0xa0) return false;
  return (
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000 ||
    c === 0xfeff
  );
}

/** `[^\s,;()"[\]]` */
const isBareValueChar = (c: number) =>
  !isSpace(c) &&
  c !== 0x2c &&
  c !== 0x3b &&
  c !== 0x28 &&
  c !== 0x29 &&
  c !== 0x22 &&
  c !== 0x5b &&
  c !== 0x5d;

interface ValueAt {
  value: string;
  end: number;
}

/** `"…"` or `[…]`: the text up to the closing character, if it comes within MAX_VALUE. */
function enclosed(text: string, open: number, close: number): ValueAt | null {
  const limit = Math.min(text.length, open + 1 + MAX_VALUE + 1);
  for (let i = open + 1; i < limit; i++)
    if (text.charCodeAt(i) === close) return { value: text.slice(open + 1, i), end: i + 1 };
  return null;
}

/** What follows a key ending at `at`: `(digits)`, `=` or `:` with a space either side, a value. */
function valueAfterKey(text: string, at: number): ValueAt | null {
  let i = at;
  if (text.charCodeAt(i) === 0x28) {
    let digits = 0;
    while (isDigit(text.charCodeAt(i + 1 + digits))) digits++;
    if (digits < 1 || digits > MAX_KEY_NUMBER_DIGITS || text.charCodeAt(i + 1 + digits) !== 0x29) return null;
    i += digits + 2;
  }
  if (isSpace(text.charCodeAt(i))) i++;
  const sign = text.charCodeAt(i);
  if (sign !== 0x3d && sign !== 0x3a) return null;
  i++;
  if (isSpace(text.charCodeAt(i))) i++;
  const first = text.charCodeAt(i);
  if (first === 0x22) return enclosed(text, i, 0x22);
  if (first === 0x5b) return enclosed(text, i, 0x5d);
  let end = i;
  const limit = Math.min(text.length, i + MAX_VALUE);
  while (end < limit && isBareValueChar(text.charCodeAt(end))) end++;
  return end === i ? null : { value: text.slice(i, end), end };
}

/** Every `Key=Value` (or `Key: Value`, `Key=[Value]`, `Key="Value"`) pair, keys lower-cased; first wins. */
export function keyValues(text: string): Map<string, string> {
  const pairs = new Map<string, string>();
  let pos = 0;
  while (pos < text.length) {
    if (!isLetter(text.charCodeAt(pos))) {
      pos++;
      continue;
    }
    let runEnd = pos + 1;
    while (runEnd < text.length && isKeyChar(text.charCodeAt(runEnd))) runEnd++;
    // A key is the whole run of key characters (a shorter one is followed by a key character, never
    // by `(`, a space, `=` or `:`), so only a start within the run's last MAX_KEY characters can match.
    if (runEnd - pos > MAX_KEY) {
      pos = runEnd - MAX_KEY;
      continue;
    }
    const found = valueAfterKey(text, runEnd);
    if (found === null) {
      pos = runEnd;
      continue;
    }
    const key = text.slice(pos, runEnd).toLowerCase();
    if (!pairs.has(key)) pairs.set(key, found.value.trim());
    pos = found.end;
  }
  return pairs;
}

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

/** ASCII characters by class, looked up instead of compared: these loops run over every pair. */
const KEY_CHAR = 1;
const BARE_VALUE_CHAR = 2;
const ASCII_CLASS = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const key = isLetter(c) || isDigit(c) || c === 0x5f || c === 0x2d ? KEY_CHAR : 0;
  const bare = !isSpace(c) && !',;()"[]'.includes(String.fromCharCode(c)) ? BARE_VALUE_CHAR : 0;
  ASCII_CLASS[c] = key | bare;
}

/** The class bits of an ASCII character (0 past ASCII). */
const classOf = (c: number): number => (c < 128 ? (ASCII_CLASS[c] as number) : 0);

/** `[\w-]` */
const isKeyChar = (c: number) => (classOf(c) & KEY_CHAR) !== 0;

/** `[^\s,;()"[\]]` */
const isBareValueChar = (c: number) => (c < 128 ? (classOf(c) & BARE_VALUE_CHAR) !== 0 : !isSpace(c));

/** Where the value `valueAfterKey` found starts and ends: set by it, read at once (no object per pair). */
let valueFrom = 0;
let valueTo = 0;

/** `"…"` or `[…]`: the text up to the closing character, if it comes within MAX_VALUE; -1 if not. */
function enclosed(text: string, open: number, close: number): number {
  const limit = Math.min(text.length, open + 1 + MAX_VALUE + 1);
  for (let i = open + 1; i < limit; i++)
    if (text.charCodeAt(i) === close) {
      valueFrom = open + 1;
      valueTo = i;
      return i + 1;
    }
  return -1;
}

/**
 * What follows a key ending at `at`: `(digits)`, `=` or `:` with a space either side, a value. Returns
 * where the pair ends (the value is valueFrom…valueTo), or -1 when no pair starts at `at`.
 */
function valueAfterKey(text: string, at: number): number {
  let i = at;
  if (text.charCodeAt(i) === 0x28) {
    let digits = 0;
    while (isDigit(text.charCodeAt(i + 1 + digits))) digits++;
    if (digits < 1 || digits > MAX_KEY_NUMBER_DIGITS || text.charCodeAt(i + 1 + digits) !== 0x29) return -1;
    i += digits + 2;
  }
  if (isSpace(text.charCodeAt(i))) i++;
  const sign = text.charCodeAt(i);
  if (sign !== 0x3d && sign !== 0x3a) return -1;
  i++;
  if (isSpace(text.charCodeAt(i))) i++;
  const first = text.charCodeAt(i);
  if (first === 0x22) return enclosed(text, i, 0x22);
  if (first === 0x5b) return enclosed(text, i, 0x5d);
  let end = i;
  const limit = Math.min(text.length, i + MAX_VALUE);
  while (end < limit && isBareValueChar(text.charCodeAt(end))) end++;
  if (end === i) return -1;
  valueFrom = i;
  valueTo = end;
  return end;
}

/** The keys (lower-cased) a reader wants; a pair with any other key is skipped without copying it. */
export interface KeySelection {
  keys: ReadonlySet<string>;
  /** The wanted keys by their length: a key in the text is compared with these, not copied. */
  byLength: readonly (readonly string[] | undefined)[];
}

export function selectKeys(keys: readonly string[]): KeySelection {
  const byLength: string[][] = [];
  for (const key of new Set(keys)) (byLength[key.length] ??= []).push(key);
  return { keys: new Set(keys), byLength };
}

/** The selected key the text from `start` to `end` spells, in any case; null when it is none of them. */
function selectedKey(text: string, start: number, end: number, only: KeySelection): string | null {
  const candidates = only.byLength[end - start];
  if (candidates === undefined) return null;
  for (const key of candidates) {
    let k = 0;
    for (; k < key.length; k++) {
      const c = text.charCodeAt(start + k);
      if ((c >= 0x41 && c <= 0x5a ? c + 0x20 : c) !== key.charCodeAt(k)) break;
    }
    if (k === key.length) return key;
  }
  return null;
}

/**
 * Where the key of a pair whose `=` or `:` is at `sign` ends: before one space and a `(digits)`, when
 * there are; -1 when no key can end there. Nothing before `from` belongs to the pair.
 */
function keyEndBefore(text: string, sign: number, from: number): number {
  let i = sign;
  if (i > from && isSpace(text.charCodeAt(i - 1))) i--;
  if (i > from && text.charCodeAt(i - 1) === 0x29) {
    let digits = 0;
    while (
      digits <= MAX_KEY_NUMBER_DIGITS &&
      i - 2 - digits > from &&
      isDigit(text.charCodeAt(i - 2 - digits))
    )
      digits++;
    if (digits < 1 || digits > MAX_KEY_NUMBER_DIGITS || text.charCodeAt(i - 2 - digits) !== 0x28) return -1;
    i -= digits + 2;
  }
  return i > from && isKeyChar(text.charCodeAt(i - 1)) ? i : -1;
}

/**
 * Where the key ending at `keyEnd` starts, as a left-to-right search finds it: at the first letter of
 * its run of key characters, within MAX_KEY of its end and not before `from`; -1 when there is none.
 */
function keyStart(text: string, keyEnd: number, from: number): number {
  const lowest = Math.max(from, keyEnd - MAX_KEY);
  let start = keyEnd;
  while (start > lowest && isKeyChar(text.charCodeAt(start - 1))) start--;
  while (start < keyEnd && !isLetter(text.charCodeAt(start))) start++;
  return start < keyEnd ? start : -1;
}

/**
 * Every `Key=Value` (or `Key: Value`, `Key=[Value]`, `Key="Value"`) pair, keys lower-cased; first wins.
 * With `only`, the pairs whose key it selects (the same values: the scan is the same).
 *
 * Every pair has an `=` or `:` after its key, and that sign decides the one place its key can end, so
 * the scan goes from sign to sign (found natively, by indexOf) instead of character by character:
 * each sign's pair, when it has one, is the leftmost match the pattern's search would find next.
 */
export function keyValues(text: string, only?: KeySelection): Map<string, string> {
  const pairs = new Map<string, string>();
  let pos = 0;
  let nextEquals = text.indexOf('=');
  let nextColon = text.indexOf(':');
  for (;;) {
    if (nextEquals >= 0 && nextEquals < pos) nextEquals = text.indexOf('=', pos);
    if (nextColon >= 0 && nextColon < pos) nextColon = text.indexOf(':', pos);
    const sign = nextEquals < 0 ? nextColon : nextColon < 0 ? nextEquals : Math.min(nextEquals, nextColon);
    if (sign < 0) return pairs;
    const keyEnd = keyEndBefore(text, sign, pos);
    const start = keyEnd < 0 ? -1 : keyStart(text, keyEnd, pos);
    const end = start < 0 ? -1 : valueAfterKey(text, keyEnd);
    if (end < 0) {
      pos = sign + 1;
      continue;
    }
    const key = only ? selectedKey(text, start, keyEnd, only) : text.slice(start, keyEnd).toLowerCase();
    if (key !== null && !pairs.has(key)) pairs.set(key, text.slice(valueFrom, valueTo).trim());
    pos = end;
  }
}

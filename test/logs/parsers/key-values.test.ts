import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../../inventory/generate';
import { keyValues, selectKeys } from '../../../logs/parsers/key-values';
import { syslogLineMix } from '../../../bench/support/syslog-lines';

/** The pattern the scan replaces, as the reference it must agree with. */
const KEY_VALUE =
  /([A-Za-z][\w-]{0,39})(?:\(\d{1,5}\))?\s?[=:]\s?(?:"([^"]{0,512})"|\[([^\]]{0,512})\]|([^\s,;()"[\]]{1,512}))/g;

function byPattern(text: string): Map<string, string> {
  const pairs = new Map<string, string>();
  for (const m of text.matchAll(KEY_VALUE)) {
    const key = (m[1] as string).toLowerCase();
    if (!pairs.has(key)) pairs.set(key, (m[2] ?? m[3] ?? m[4] ?? '').trim());
  }
  return pairs;
}

const ALPHABET = [
  'a',
  'Z',
  'k',
  '_',
  '-',
  '0',
  '7',
  ' ',
  '=',
  ':',
  '"',
  '[',
  ']',
  '(',
  ')',
  ',',
  ';',
  '\t',
  '\u3000',
  '用',
  '.',
];

/** Pieces that make pairs the scan must decide near its edges: numbered keys, spaces, several signs. */
const PIECES = ['(12)', '(123456)', '()', ' =', '= ', '::', '==', 'Ip=', 'user:', 'a(1) = b', '="x"', '=[y]'];

function randomText(rand: () => number, pieces: readonly string[] = []): string {
  const length = Math.floor(rand() * 80);
  let text = '';
  for (let i = 0; i < length; i++) {
    const roll = rand();
    // Now and then a long run, to cross the 40-character key and 512-character value limits.
    if (roll < 0.02) text += 'K'.repeat(30 + Math.floor(rand() * 30));
    else if (roll < 0.03) text += 'v'.repeat(500 + Math.floor(rand() * 30));
    else if (roll < 0.03 + pieces.length * 0.01) text += pieces[Math.floor(rand() * pieces.length)];
    else text += ALPHABET[Math.floor(rand() * ALPHABET.length)];
  }
  return text;
}

describe('Key=Value scan', () => {
  it('reads the pairs of Huawei and H3C bodies: quoted, bracketed, numbered keys, first wins', () => {
    const pairs = keyValues(
      'Failed to login. (Ip=10.1.1.1, UserName=admin, Command="display version", EventIndex=[12], SrcIPAddr(1003)=198.51.100.20, ip=9.9.9.9)',
    );
    expect(Object.fromEntries(pairs)).toEqual({
      ip: '10.1.1.1',
      username: 'admin',
      command: 'display version',
      eventindex: '12',
      srcipaddr: '198.51.100.20',
    });
  });

  it('finds exactly the pairs the reference pattern finds, on the benchmark mix and on random text', () => {
    for (const line of syslogLineMix(['host-a', 'XiChuan-GW'], 300)) {
      const text = line.toString('latin1');
      expect(keyValues(text), text).toEqual(byPattern(text));
    }
    const rand = seededRandom(5);
    for (let i = 0; i < 10_000; i++) {
      const text = randomText(rand);
      expect(keyValues(text), JSON.stringify(text)).toEqual(byPattern(text));
    }
  });

  it('agrees with the pattern on text dense with numbered keys, spaced and repeated signs', () => {
    const rand = seededRandom(6);
    for (let i = 0; i < 20_000; i++) {
      const text = randomText(rand, PIECES);
      expect(keyValues(text), JSON.stringify(text)).toEqual(byPattern(text));
    }
  });

  it('with a selection, keeps exactly the selected pairs of the full scan', () => {
    const selection = selectKeys(['ip', 'user', 'k', 'username']);
    const rand = seededRandom(7);
    for (let i = 0; i < 5_000; i++) {
      const text = randomText(rand, PIECES);
      const selected = new Map([...keyValues(text)].filter(([key]) => selection.keys.has(key)));
      expect(keyValues(text, selection), JSON.stringify(text)).toEqual(selected);
    }
  });
});

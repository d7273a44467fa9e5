import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../../inventory/generate';
import { keyValues } from '../../../logs/parsers/key-values';
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

function randomText(rand: () => number): string {
  const length = Math.floor(rand() * 80);
  let text = '';
  for (let i = 0; i < length; i++) {
    const roll = rand();
    // Now and then a long run, to cross the 40-character key and 512-character value limits.
    if (roll < 0.02) text += 'K'.repeat(30 + Math.floor(rand() * 30));
    else if (roll < 0.03) text += 'v'.repeat(500 + Math.floor(rand() * 30));
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
});

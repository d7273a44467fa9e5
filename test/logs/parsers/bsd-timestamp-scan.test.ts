import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../../inventory/generate';
import { scanBsdTimestamp, type BsdFields } from '../../../logs/parsers/bsd-timestamp-scan';
import { syslogLineMix } from '../../../bench/support/syslog-lines';

/** The pattern the scan replaces, as the reference it must agree with. */
const BSD =
  /^[*.]?([A-Z][a-z]{2}) {1,2}(\d{1,2}) (?:(\d{4}) )?(\d{2}):(\d{2}):(\d{2})(?:[.:](\d{1,6}))?(?: (\d{4}))?(?:([+-])(\d{2}):?(\d{2})| ?(UTC|GMT|Z))?:? ?/;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function byPattern(text: string): BsdFields | null {
  const m = BSD.exec(text);
  if (!m) return null;
  const [whole, mon, day, yearBefore, hh, mm, ss, fraction, yearAfter, sign, offH, offM, utc] = m;
  const month = MONTHS.indexOf(mon as string);
  if (month < 0) return null;
  const year = yearBefore ?? yearAfter;
  return {
    month,
    day: Number(day),
    year: year === undefined ? -1 : Number(year),
    hour: Number(hh),
    minute: Number(mm),
    second: Number(ss),
    fraction: fraction ?? null,
    offsetSign: sign === undefined ? 0 : sign === '+' ? 1 : -1,
    offsetHours: sign === undefined ? 0 : Number(offH),
    offsetMinutes: sign === undefined ? 0 : Number(offM),
    utc: utc !== undefined,
    length: whole.length,
  };
}

/** Pieces of real timestamps and near misses, strung together at random. */
const PIECES = [
  '*',
  '.',
  'Dec',
  'Jan',
  'Foo',
  'dec',
  ' ',
  '  ',
  '6',
  '06',
  '123',
  '2026',
  '10:00:00',
  '1:00:00',
  '10:0:00',
  '.123',
  ':123',
  '.1234567',
  '+08:00',
  '+0800',
  '-05:3',
  '+8:00',
  ' UTC',
  'UTC',
  ' GMT',
  'Z',
  ' Z',
  ':',
  ': ',
  'x',
  '0',
  '9',
  '%%01SSH/4/SSH_FAIL',
];

function randomText(rand: () => number): string {
  let text = '';
  const pieces = Math.floor(rand() * 12);
  for (let i = 0; i < pieces; i++) text += PIECES[Math.floor(rand() * PIECES.length)];
  return text;
}

describe('BSD timestamp scan', () => {
  it('reads every vendor variant', () => {
    expect(scanBsdTimestamp('*Dec  6 10:00:00.123 UTC: %SYS')).toMatchObject({
      month: 11,
      day: 6,
      year: -1,
      fraction: '123',
      utc: true,
      length: 26,
    });
    expect(scanBsdTimestamp('Dec  6 2026 10:00:00+08:00 host')).toMatchObject({
      year: 2026,
      offsetSign: 1,
      offsetHours: 8,
      length: 27,
    });
    expect(scanBsdTimestamp('Dec  6 10:00:00:123 2026 H3C')).toMatchObject({ year: 2026, fraction: '123' });
    expect(scanBsdTimestamp('Foo  6 10:00:00 host')).toBeNull();
  });

  it('finds exactly what the reference pattern finds, on the benchmark mix and on random text', () => {
    for (const line of syslogLineMix(['host-a'], 300)) {
      const text = line.toString('latin1');
      const afterPri = text.slice(text.indexOf('>') + 1);
      for (const candidate of [afterPri, afterPri.replace(/^\d+: /, '')])
        expect(scanBsdTimestamp(candidate), candidate).toEqual(byPattern(candidate));
    }
    const rand = seededRandom(9);
    for (let i = 0; i < 50_000; i++) {
      const text = randomText(rand);
      expect(scanBsdTimestamp(text), JSON.stringify(text)).toEqual(byPattern(text));
    }
  });
});

import { describe, expect, it } from 'vitest';
import { StreamFramer, type Frame } from '../../logs/receiver/stream-framer';

function frame(
  chunks: string[],
  max = 64,
  end = false,
): { text: string; oversized: boolean; truncated: boolean }[] {
  const frames: Frame[] = [];
  const framer = new StreamFramer(max, (f) => frames.push(f));
  for (const chunk of chunks) framer.push(Buffer.from(chunk, 'latin1'));
  if (end) framer.end();
  return frames.map((f) => ({
    text: f.bytes.toString('latin1'),
    oversized: f.oversized,
    truncated: f.truncated,
  }));
}
const ok = (text: string) => ({ text, oversized: false, truncated: false });

describe('StreamFramer (RFC 6587)', () => {
  it('splits newline framing, across chunk boundaries', () => {
    expect(frame(['<13>one\n<13>tw', 'o\n<13>three\r\n'])).toEqual([
      ok('<13>one'),
      ok('<13>two'),
      ok('<13>three\r'),
    ]);
  });

  it('splits octet counting, lengths and bodies cut anywhere, newlines inside kept', () => {
    expect(frame(['8 <13>a\nb', 'c1', '0 <13>0123456'])).toEqual([ok('<13>a\nbc'), ok('<13>012345')]);
  });

  it('tells the framing apart per frame (an octet frame after a newline frame)', () => {
    expect(frame(['<13>nl\n7 <13>oct<13>x\n'])).toEqual([ok('<13>nl'), ok('<13>oct'), ok('<13>x')]);
  });

  it('keeps the first max bytes of an oversized frame and stays in step after it', () => {
    const long = 'x'.repeat(100);
    expect(frame([`<13>${long}\n<13>next\n`], 16)).toEqual([
      { text: `<13>${long}`.slice(0, 16), oversized: true, truncated: false },
      ok('<13>next'),
    ]);
    expect(frame([`104 <13>${long}`, '5 <13>y'], 16)).toEqual([
      { text: `<13>${long}`.slice(0, 16), oversized: true, truncated: false },
      ok('<13>y'),
    ]);
  });

  it('counts a frame the sender never finished as truncated, in either framing', () => {
    expect(frame(['20 <13>short'], 64, true)).toEqual([
      { text: '<13>short', oversized: false, truncated: true },
    ]);
    expect(frame(['<13>no newline'], 64, true)).toEqual([
      { text: '<13>no newline', oversized: false, truncated: true },
    ]);
    expect(frame(['123'], 64, true)).toEqual([{ text: '123', oversized: false, truncated: true }]);
  });

  it('frames a sender trickling one byte per packet exactly as one that sends it all at once', () => {
    const stream = `10 <13>octets<13>line\n${'z'.repeat(100)}\n5 <13>x`;
    const whole = frame([stream], 32, true);
    expect(frame([...stream], 32, true)).toEqual(whole);
    expect(whole.map((f) => [f.text.slice(0, 12), f.oversized, f.truncated])).toEqual([
      ['<13>octets', false, false],
      ['<13>line', false, false],
      ['zzzzzzzzzzzz', true, false],
      ['<13>x', false, false],
    ]);
  });

  it('treats digits that are no length as the start of a line', () => {
    expect(frame(['12abc\n'])).toEqual([ok('12abc')]);
  });
});

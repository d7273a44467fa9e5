import { describe, expect, it } from 'vitest';
import { addressesOf, inRanges, parseRange } from '../../../collector/discovery/range';

describe('parseRange', () => {
  it.each([
    ['10.41.0.0/16', '10.41.0.0/16', 65_534, '10.41.0.1'],
    ['10.41.100.0/30', '10.41.100.0/30', 2, '10.41.100.1'],
    ['10.41.100.8/31', '10.41.100.8/31', 2, '10.41.100.8'],
    ['10.41.0.1', '10.41.0.1/32', 1, '10.41.0.1'],
  ])('%s → %s, %i host addresses from %s', (text, cidr, count, first) => {
    const parsed = parseRange(text);
    if (!parsed.ok) throw new Error(parsed.message);
    expect(parsed.range.cidr).toBe(cidr);
    expect(parsed.range.count).toBe(count);
    expect([...addressesOf([parsed.range])][0]).toBe(first);
  });

  it.each([
    ['10.41.0.1/16', /host bits set: did you mean 10\.41\.0\.0\/16/],
    ['10.41.0.0/7', /prefix must be \/8 to \/32/],
    ['10.300.0.0/16', /not an IPv4 address/],
    ['10.0.0.0/8', /at most 1048576/],
  ])('%s is refused: %s', (text, message) => {
    const parsed = parseRange(text);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.message).toMatch(message);
  });

  it('skips the network and broadcast addresses and knows what is inside', () => {
    const parsed = parseRange('10.41.100.0/29');
    if (!parsed.ok) throw new Error(parsed.message);
    expect([...addressesOf([parsed.range])]).toEqual([1, 2, 3, 4, 5, 6].map((n) => `10.41.100.${n}`));
    expect(inRanges('10.41.100.6', [parsed.range])).toBe(true);
    expect(inRanges('10.41.100.7', [parsed.range])).toBe(false);
  });
});

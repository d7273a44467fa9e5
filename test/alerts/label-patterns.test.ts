import { describe, expect, it } from 'vitest';
import { compileLabelPattern, labelPatternProblem } from '../../alerts/label-patterns';
import { matchesLabels, silenceProblem } from '../../alerts/silences';

/** The semantics every existing rules file and silence was written for: the whole value, as `^(?:p)$` in JS. */
const SAFE_CASES: Array<[pattern: string, value: string]> = [
  ['critical|major', 'critical'],
  ['critical|major', 'major'],
  ['critical|major', 'critical-ish'],
  ['critical|major', 'not critical'],
  ['.*淅川县.*', '河南省 / 南阳市 / 淅川县 / 县政府'],
  ['.*淅川县.*', '河南省 / 南阳市 / 西峡县'],
  ['ny-(core|agg)-[0-9]+', 'ny-core-12'],
  ['ny-(core|agg)-[0-9]+', 'ny-core-12a'],
  ['ny-.*', 'xny-core'],
  ['GE0/0/[1-4]', 'GE0/0/3'],
  ['GE0/0/[1-4]', 'GE0/0/30'],
  ['', ''],
  ['', 'x'],
  ['a.c', 'a\nc'],
];

/** Patterns that take exponential time on a backtracking engine when the value almost matches. */
const HOSTILE = ['(a+)+$', '(a|a)*b', '(x+x+)+y', '([^z]|[^y])*z', '(.*.*.*.*.*)*#', '(a|aa)+c'];

describe('label patterns', () => {
  it.each(SAFE_CASES)('%s against %j matches exactly as the anchored JS regex did', (pattern, value) => {
    const compiled = compileLabelPattern(pattern);
    expect(compiled.ok).toBe(true);
    if (compiled.ok) expect(compiled.fullMatch(value)).toBe(new RegExp(`^(?:${pattern})$`).test(value));
  });

  it('hostile patterns finish against long almost-matching values (linear time, no backtracking)', () => {
    const values = ['a'.repeat(100_000) + '!', 'x'.repeat(100_000), 'y'.repeat(50_000) + 'a'];
    for (const pattern of HOSTILE) {
      const compiled = compileLabelPattern(pattern);
      expect(compiled.ok, pattern).toBe(true);
      for (const value of values) if (compiled.ok) expect(compiled.fullMatch(value), pattern).toBe(false);
    }
  }, 20_000);

  it.each([
    ['(a)\\1', /RE2/],
    ['(?=admin)x', /RE2/],
    ['(?<!a)b', /RE2/],
    ['[', /RE2/],
    ['a'.repeat(257), /257 characters; at most 256/],
    ['\\pL{1000}\\pL{1000}', /too costly/],
    ['((a{30}){30}){30}', /RE2/],
  ])('refuses %s with the reason', (pattern, reason) => {
    expect(labelPatternProblem(pattern)).toMatch(reason);
    expect(matchesLabels([{ label: 'node', value: pattern, regex: true }], { node: 'a' })).toBe(false);
  });

  it('a silence with a refused pattern is invalid, naming the matcher', () => {
    const problem = silenceProblem({
      matchers: [
        { label: 'zone', value: 'internal' },
        { label: 'node', value: '(ny)\\1', regex: true },
      ],
      startsAtMs: 0,
      endsAtMs: 1,
      reason: 'maintenance',
    });
    expect(problem).toMatch(/^matchers\[1\]\.value: invalid regular expression \(RE2 syntax\)/);
  });

  it('a matcher with an unusable pattern matches nothing, whatever the other matchers say', () => {
    const labels = { node: 'ny-core', zone: 'internal' };
    expect(matchesLabels([{ label: 'node', value: 'ny-core|(x)\\1', regex: true }], labels)).toBe(false);
    expect(matchesLabels([{ label: 'node', value: 'ny-core|ny-agg', regex: true }], labels)).toBe(true);
  });
});

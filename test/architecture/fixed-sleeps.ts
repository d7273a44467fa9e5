/**
 * Finds waits in test code that stand for a condition with a stretch of wall-clock time: a timer
 * promise resolved by nothing but the clock, a sleep/delay helper, a polling loop on a Date.now()
 * deadline, or an assertion on how long something took. Timers in a file that runs on vitest's
 * fake clock (vi.useFakeTimers) are the fake clock's and are not flagged.
 */

export interface SleepFinding {
  file: string;
  line: number;
  text: string;
  rule: string;
}

const RULES: ReadonlyArray<{ rule: string; pattern: RegExp; realTimersOnly?: boolean }> = [
  {
    rule: 'a timer promise resolved by the clock alone (await a condition: test/support/wait.ts)',
    pattern: /setTimeout\(\s*(?:\(\)\s*=>\s*)?(?:r|res|resolve|done|wake|next)\s*(?:\(\s*\))?\s*,/,
    realTimersOnly: true,
  },
  {
    rule: 'a sleep/delay helper',
    pattern: /\b(?:sleep|delay|waitMs|pause)\s*\(\s*\d|from\s+['"](?:node:)?timers\/promises['"]/,
    realTimersOnly: true,
  },
  {
    rule: 'a polling loop on a wall-clock deadline (use waitUntil)',
    pattern: /while\s*\(.*Date\.now\(\)/,
  },
  {
    rule: 'an assertion on elapsed wall-clock time (count events or use a fake clock)',
    pattern:
      /expect\([^;]*(?:Date\.now\(\)|performance\.now\(\)|elapsedMs|tookMs)[^;]*\)\s*\.toBeLessThan(?:OrEqual)?\(/,
  },
];

/** Every finding in one file's text. */
export function findFixedSleeps(file: string, text: string): SleepFinding[] {
  const fakeClock = /vi\.useFakeTimers\(/.test(text);
  const findings: SleepFinding[] = [];
  text.split('\n').forEach((lineText, index) => {
    if (/^\s*(?:\/\/|\*)/.test(lineText)) return;
    for (const { rule, pattern, realTimersOnly } of RULES) {
      if (realTimersOnly && fakeClock) continue;
      if (pattern.test(lineText)) findings.push({ file, line: index + 1, text: lineText.trim(), rule });
    }
  });
  return findings;
}

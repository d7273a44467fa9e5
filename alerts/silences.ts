import { inWeeklyWindow, parseHhmm, WEEKDAYS, type Silence, type SilenceMatcher } from '../domain';
import { compileLabelPattern, labelPatternProblem } from './label-patterns';

/**
 * Label matching shared by silences, notification routes and rule matchers. A regex matcher must
 * match the whole value (RE2, see label-patterns.ts); one that cannot be compiled matches nothing.
 */

function matcherMatches(matcher: SilenceMatcher, value: string): boolean {
  if (!matcher.regex) return value === matcher.value;
  const pattern = compileLabelPattern(matcher.value);
  return pattern.ok && pattern.fullMatch(value);
}

export function matchesLabels(matchers: readonly SilenceMatcher[], labels: Record<string, string>): boolean {
  return matchers.every((matcher) => matcherMatches(matcher, labels[matcher.label] ?? ''));
}

/** The first regex matcher that cannot be used, as `matchers[i].value: reason`; null when all can. */
export function matchersProblem(matchers: readonly SilenceMatcher[]): string | null {
  for (const [index, matcher] of matchers.entries()) {
    const problem = matcher.regex ? labelPatternProblem(matcher.value) : null;
    if (problem) return `matchers[${index}].value: ${problem}`;
  }
  return null;
}

/**
 * A stored silence as the API shows it: one saved by an older version with a pattern this one
 * refuses stays listed (so someone can fix or delete it) but says why it matches nothing.
 */
export function withValidity(silence: Silence): Silence {
  const problem = matchersProblem(silence.matchers);
  return problem ? { ...silence, invalid: problem } : silence;
}

/** A silence mutes now when now is in [startsAtMs, endsAtMs) and, for a maintenance window, inside its weekly slot. */
export function silenceActive(silence: Silence, nowMs: number, utcOffsetMin: number): boolean {
  if (nowMs < silence.startsAtMs || nowMs >= silence.endsAtMs) return false;
  const recurrence = silence.recurrence;
  return recurrence
    ? inWeeklyWindow(nowMs, recurrence.days, recurrence.from, recurrence.to, utcOffsetMin)
    : true;
}

export type SilenceInput = Pick<Silence, 'matchers' | 'startsAtMs' | 'endsAtMs' | 'reason' | 'recurrence'>;

/** What is wrong with a silence a person asked for, in words they can act on; null when it is fine. */
export function silenceProblem(input: SilenceInput): string | null {
  if (input.matchers.length === 0)
    return 'a silence needs at least one matcher (a silence without one would mute everything)';
  for (const [index, matcher] of input.matchers.entries())
    if (matcher.label.trim() === '') return `matchers[${index}].label: must not be empty`;
  const patterns = matchersProblem(input.matchers);
  if (patterns) return patterns;
  if (!Number.isFinite(input.startsAtMs) || !Number.isFinite(input.endsAtMs))
    return 'startsAtMs and endsAtMs must be epoch milliseconds';
  if (input.endsAtMs <= input.startsAtMs) return 'endsAtMs must be after startsAtMs';
  if (input.reason.trim() === '') return 'reason: say why (it goes into the audit log)';
  const recurrence = input.recurrence;
  if (recurrence) {
    if (recurrence.days.length === 0) return 'recurrence.days: name at least one day';
    const unknown = recurrence.days.find((day) => !WEEKDAYS.includes(day));
    if (unknown) return `recurrence.days: unknown day "${String(unknown)}" (use ${WEEKDAYS.join(', ')})`;
    if (parseHhmm(recurrence.from) === null) return 'recurrence.from: must be HH:MM';
    if (parseHhmm(recurrence.to) === null) return 'recurrence.to: must be HH:MM';
    if (recurrence.from === recurrence.to) return 'recurrence: from and to must differ';
  }
  return null;
}

import { WEEKDAYS } from '../inventory/types';
import { inWeeklyWindow, parseHhmm } from './local-time';
import type { Silence, SilenceMatcher } from './types';

/** Label matching shared by silences and notification routes; regexes are anchored. */

const compiled = new Map<string, RegExp>();

function regexFor(pattern: string): RegExp {
  let regex = compiled.get(pattern);
  if (!regex) {
    regex = new RegExp(`^(?:${pattern})$`);
    compiled.set(pattern, regex);
  }
  return regex;
}

export function matchesLabels(matchers: readonly SilenceMatcher[], labels: Record<string, string>): boolean {
  return matchers.every((matcher) => {
    const value = labels[matcher.label] ?? '';
    return matcher.regex ? regexFor(matcher.value).test(value) : value === matcher.value;
  });
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
  for (const [index, matcher] of input.matchers.entries()) {
    if (matcher.label.trim() === '') return `matchers[${index}].label: must not be empty`;
    if (matcher.regex) {
      try {
        regexFor(matcher.value);
      } catch (error) {
        return `matchers[${index}].value: invalid regular expression: ${(error as Error).message}`;
      }
    }
  }
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

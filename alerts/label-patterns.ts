import { RE2JS } from 're2js';

/**
 * Regular expressions people write into silences, routes and rule matchers. They run against every
 * alert's labels on the engine's only thread, so they run on RE2 (linear time, no backtracking) and
 * are bounded twice: in length, and in compiled size (RE2's "program size": `\pL{1000}` is short but
 * costs a thousand steps per character, for every alert it is checked against).
 */

export const MAX_PATTERN_LENGTH = 256;
export const MAX_PATTERN_PROGRAM_SIZE = 1000;

export type CompiledPattern =
  { ok: true; fullMatch: (value: string) => boolean } | { ok: false; reason: string };

const compiled = new Map<string, CompiledPattern>();
/** Silences come and go; the cache must not grow with every pattern anyone ever typed. */
const CACHE_LIMIT = 1024;

function compile(pattern: string): CompiledPattern {
  if (pattern.length > MAX_PATTERN_LENGTH)
    return { ok: false, reason: `pattern is ${pattern.length} characters; at most ${MAX_PATTERN_LENGTH}` };
  let regex: RE2JS;
  try {
    regex = RE2JS.compile(pattern);
  } catch (error) {
    // RE2 has no backreferences or lookaround; its message names the construct it refused.
    return { ok: false, reason: `invalid regular expression (RE2 syntax): ${(error as Error).message}` };
  }
  const size = regex.programSize();
  if (size > MAX_PATTERN_PROGRAM_SIZE)
    return {
      ok: false,
      reason: `pattern too costly to run on every alert (size ${size}, at most ${MAX_PATTERN_PROGRAM_SIZE}); use smaller repeat counts`,
    };
  return { ok: true, fullMatch: (value) => regex.testExact(value) };
}

/** Compile (once) a pattern that must match a whole label value. */
export function compileLabelPattern(pattern: string): CompiledPattern {
  let result = compiled.get(pattern);
  if (!result) {
    result = compile(pattern);
    if (compiled.size >= CACHE_LIMIT) compiled.clear();
    compiled.set(pattern, result);
  }
  return result;
}

/** Why a pattern cannot be used, or null when it can. */
export function labelPatternProblem(pattern: string): string | null {
  const result = compileLabelPattern(pattern);
  return result.ok ? null : result.reason;
}

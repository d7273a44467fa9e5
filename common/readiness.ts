/**
 * Readiness (`/readyz`) for every part that serves one: each check probes a dependency (a store, the
 * bus) within a deadline. The answer names each check and says only ok or failing; the reason goes
 * to the log, never to the (unauthenticated) caller.
 */
export interface ReadinessCheck {
  name: string;
  /** Resolves when the dependency answers; throws or rejects when it does not. */
  probe: () => unknown;
}

export type CheckState = 'ok' | 'failing';

export interface ReadinessReport {
  ready: boolean;
  checks: Record<string, CheckState>;
}

export const READINESS_TIMEOUT_MS = 2_000;

function withDeadline(work: Promise<unknown>, timeoutMs: number, name: string): Promise<unknown> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${name}: no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}

/** Runs every check at once; `onFailure` hears why one failed (for the log). */
export async function checkReadiness(
  checks: readonly ReadinessCheck[],
  options: { timeoutMs?: number; onFailure?: (name: string, error: unknown) => void } = {},
): Promise<ReadinessReport> {
  const timeoutMs = options.timeoutMs ?? READINESS_TIMEOUT_MS;
  const states = await Promise.all(
    checks.map(async (check): Promise<[string, CheckState]> => {
      try {
        await withDeadline(Promise.resolve().then(check.probe), timeoutMs, check.name);
        return [check.name, 'ok'];
      } catch (error) {
        options.onFailure?.(check.name, error);
        return [check.name, 'failing'];
      }
    }),
  );
  return { ready: states.every(([, state]) => state === 'ok'), checks: Object.fromEntries(states) };
}

/**
 * One probe round shared by every caller within `reuseMs` (default 1 s): /readyz is unauthenticated,
 * so a flood of it must not become a flood of store queries.
 */
export function sharedReadiness(
  checks: readonly ReadinessCheck[],
  options: { reuseMs?: number; timeoutMs?: number; onFailure?: (name: string, error: unknown) => void } = {},
  now: () => number = Date.now,
): () => Promise<ReadinessReport> {
  const reuseMs = options.reuseMs ?? 1_000;
  let last: { atMs: number; report: Promise<ReadinessReport> } | null = null;
  return () => {
    if (last === null || now() - last.atMs >= reuseMs)
      last = { atMs: now(), report: checkReadiness(checks, options) };
    return last.report;
  };
}

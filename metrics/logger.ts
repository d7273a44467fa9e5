import { pino } from 'pino';

/** The slice of a pino logger the stores use; pass the collector's logger, or get a stderr one. */
export interface MetricsLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export function defaultMetricsLogger(): MetricsLogger {
  return pino({ name: 'metrics', level: process.env.LOG_LEVEL ?? 'info' }, pino.destination(2));
}

/** For tests and benchmarks that assert on what was logged, or want silence. */
export function memoryLogger(): MetricsLogger & {
  lines: Array<{ level: string; msg: string; obj: object }>;
} {
  const lines: Array<{ level: string; msg: string; obj: object }> = [];
  return {
    lines,
    info: (obj, msg) => lines.push({ level: 'info', msg, obj }),
    warn: (obj, msg) => lines.push({ level: 'warn', msg, obj }),
    error: (obj, msg) => lines.push({ level: 'error', msg, obj }),
  };
}

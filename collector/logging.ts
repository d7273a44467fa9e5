/**
 * Structured logging for the collector: pino, one event per line, never a secret. Credentials never
 * enter a log call by design; the redact list is the belt to those braces.
 */
import { pino } from 'pino';

export interface CollectorLogger {
  debug(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export const REDACTED_PATHS = [
  'community',
  'authKey',
  'privKey',
  'password',
  '*.community',
  '*.authKey',
  '*.privKey',
  '*.password',
  'credentials',
  '*.credentials',
  'token',
  '*.token',
];

export function createCollectorLogger(level = process.env.LOG_LEVEL ?? 'info'): CollectorLogger {
  return pino(
    { name: 'collector', level, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } },
    pino.destination(2),
  );
}

/** A logger that remembers every line, for tests that assert on what was (and was not) logged. */
export function memoryCollectorLogger(): CollectorLogger & {
  lines: Array<{ level: string; msg: string; obj: object }>;
} {
  const lines: Array<{ level: string; msg: string; obj: object }> = [];
  const add = (level: string) => (obj: object, msg: string) => void lines.push({ level, msg, obj });
  return { lines, debug: add('debug'), info: add('info'), warn: add('warn'), error: add('error') };
}

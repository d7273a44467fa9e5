/**
 * The one logger every part accepts: pino, one event per line, on stderr (fd 2), with one redaction
 * list. The CLI makes it once per command (from LOG_LEVEL) and passes it down; credentials never
 * enter a log call by design, and the redaction list is the belt to those braces.
 */
import { pino, type DestinationStream, type LevelWithSilent } from 'pino';

export type LogLevel = LevelWithSilent;

/** The slice of pino every part uses: a structured object first, then the message. */
export interface Logger {
  debug(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
  /** The same logger with fields added to every line (e.g. `{ part: 'alerts' }`). */
  child(bindings: Record<string, unknown>): Logger;
}

/** Field names whose values never reach a log line, wherever they appear. */
const SECRET_FIELDS = [
  'community',
  'communities',
  'authKey',
  'privKey',
  'password',
  'passphrase',
  'pass',
  'token',
  'secret',
  'credentials',
  'authorization',
  'Authorization',
  'cookie',
  'Cookie',
  '"set-cookie"',
];

/** Each secret field at the top level and two levels down (pino's wildcards match one level each). */
export const REDACTED_PATHS: readonly string[] = SECRET_FIELDS.flatMap((field) => {
  const key = field.startsWith('"') ? `[${field}]` : `.${field}`;
  return [field.startsWith('"') ? key : field, `*${key}`, `*.*${key}`];
});

export interface LoggerOptions {
  level: LogLevel;
  /** Where lines go (tests); default stderr, written synchronously so a crash loses nothing. */
  destination?: DestinationStream;
}

export function createLogger(options: LoggerOptions): Logger {
  return pino(
    { level: options.level, redact: { paths: [...REDACTED_PATHS], censor: '[redacted]' } },
    options.destination ?? pino.destination({ dest: 2, sync: true }),
  );
}

/** A logger that says nothing: for benchmarks, and tests that do not look at logs. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}

export interface LoggedLine {
  level: 'debug' | 'info' | 'warn' | 'error';
  msg: string;
  /** The logged object with the bindings of the child it was logged through. */
  obj: object;
}

export type MemoryLogger = Logger & { lines: LoggedLine[] };

/** A logger that remembers every line, for tests that assert on what was (and was not) logged. */
export function memoryLogger(): MemoryLogger {
  return recordingInto([], {});
}

function recordingInto(lines: LoggedLine[], bindings: Record<string, unknown>): MemoryLogger {
  const add = (level: LoggedLine['level']) => (obj: object, msg: string) =>
    void lines.push({ level, msg, obj: { ...bindings, ...obj } });
  return {
    lines,
    debug: add('debug'),
    info: add('info'),
    warn: add('warn'),
    error: add('error'),
    child: (more) => recordingInto(lines, { ...bindings, ...more }),
  };
}

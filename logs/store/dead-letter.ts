/**
 * Where an event goes that the backend refuses for what it holds (a value PostgreSQL will not take,
 * a constraint), rather than for being down: retried forever at the front of the write buffer it
 * would block everything behind it. Each one is appended to a JSON-lines file (0600) with the
 * reason, so nothing the law wants kept is lost; past the size bound it is only counted.
 */
import { appendFileSync, closeSync, fstatSync, openSync } from 'node:fs';
import type { Logger } from '../../common';
import type { SecurityEvent } from '../../domain';

export const DEFAULT_DEAD_LETTER_MAX_BYTES = 64 * 1024 * 1024;

export interface DeadLetterOptions {
  /** The JSON-lines file; null keeps no copy (the in-memory store), only the count. */
  path: string | null;
  maxBytes?: number;
  logger: Logger;
}

export class DeadLetter {
  private count = 0;
  private bytes = -1;
  private full = false;

  constructor(private readonly options: DeadLetterOptions) {}

  /** Keep one refused event with the backend's reason (already free of credentials). */
  add(event: SecurityEvent, reason: string): void {
    this.count += 1;
    if (this.count === 1)
      this.options.logger.error(
        { reason, deadLetterFile: this.options.path },
        'log store refused an event for its content: set aside in the dead-letter file, not retried',
      );
    const { path } = this.options;
    if (path === null || this.full) return;
    const line = `${JSON.stringify({ deadLetteredAtMs: Date.now(), reason, event })}\n`;
    try {
      if (this.bytes < 0) this.bytes = currentSize(path);
      if (this.bytes + Buffer.byteLength(line) > (this.options.maxBytes ?? DEFAULT_DEAD_LETTER_MAX_BYTES)) {
        this.full = true;
        this.options.logger.error(
          { deadLetterFile: path },
          'dead-letter file is full: further refused events are only counted',
        );
        return;
      }
      appendFileSync(path, line, { mode: 0o600 });
      this.bytes += Buffer.byteLength(line);
    } catch (error) {
      this.full = true;
      this.options.logger.error(
        { deadLetterFile: path, error: error instanceof Error ? error.message : String(error) },
        'cannot write the dead-letter file: refused events are only counted',
      );
    }
  }

  /** Events set aside since the store opened. */
  total(): number {
    return this.count;
  }
}

/** Opening for append also creates the file 0600 when it is new. */
function currentSize(path: string): number {
  const fd = openSync(path, 'a', 0o600);
  try {
    return fstatSync(fd).size;
  } finally {
    closeSync(fd);
  }
}

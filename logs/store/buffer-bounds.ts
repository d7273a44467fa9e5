/**
 * The bounds of the log store's write buffer (write-buffer.ts), apart from the buffer so that
 * `egov-noc collect` checks its flags and collect.yaml against them without loading the stores.
 */

/** The smallest byte bound accepted: a few lines of the longest frame. */
export const MIN_BUFFERED_BYTES = 256 * 1024;

/**
 * Default bounds of the buffer: 100,000 events, and 32 MiB for them however long their lines
 * (the benchmark's mix encodes to about 400 bytes an event, so about 80,000 of them: 4 s at 20,000/s).
 */
export const DEFAULT_MAX_BUFFERED_EVENTS = 100_000;
export const DEFAULT_MAX_BUFFERED_BYTES = 32 * 1024 * 1024;

/** A byte count as an operator reads it: whole MiB or KiB when it is one, else bytes. */
export function formatBufferBytes(bytes: number): string {
  if (bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MiB`;
  if (bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return `${bytes} bytes`;
}

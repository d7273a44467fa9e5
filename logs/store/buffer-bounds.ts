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

const KIB = 1024;
const BINARY_UNITS: Record<string, number> = {
  '': 1,
  b: 1,
  k: KIB,
  ki: KIB,
  kib: KIB,
  m: KIB ** 2,
  mi: KIB ** 2,
  mib: KIB ** 2,
  g: KIB ** 3,
  gi: KIB ** 3,
  gib: KIB ** 3,
};
/** KB, MB and GB are left out: whether they mean 1000 or 1024 is a guess this should not make. */
const BYTE_SIZE = /^(\d+(?:\.\d+)?)\s*(b|[kmg](?:ib?)?)?$/i;

/**
 * A size as an operator writes it: `33554432`, `512KiB`, `64MiB`, `1.5GiB`, `64M` (K, M and G are
 * powers of 1024, as in systemd and rsyslog). Null when it is none of these or does not come to
 * whole bytes.
 */
export function parseByteSize(text: string): number | null {
  const match = BYTE_SIZE.exec(text.trim());
  if (!match) return null;
  const bytes = Number(match[1]) * (BINARY_UNITS[(match[2] ?? '').toLowerCase()] as number);
  return Number.isSafeInteger(bytes) ? bytes : null;
}

/** A byte count as an operator reads it: whole MiB or KiB when it is one, else bytes. */
export function formatBufferBytes(bytes: number): string {
  if (bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MiB`;
  if (bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return `${bytes} bytes`;
}

/** Counters that follow a total another part keeps (it only ever moves up), read when scraped. */
import { Counter, type Registry } from 'prom-client';

/** Reads a total kept elsewhere as the increments since the last read. */
function increments(read: () => number | undefined): () => number {
  let seen = 0;
  return () => {
    const total = read() ?? seen;
    const delta = Math.max(0, total - seen);
    seen = Math.max(seen, total);
    return delta;
  };
}

/** A counter named `name` that follows `read()` (undefined: the part is not running; nothing added). */
export function registerScrapedTotal(
  registry: Registry,
  name: string,
  help: string,
  read: () => number | undefined,
): void {
  const next = increments(read);
  new Counter({
    name,
    help,
    registers: [registry],
    collect() {
      this.inc(next());
    },
  });
}

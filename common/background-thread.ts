/**
 * A store's writer thread runs at a lower scheduling priority than the event loop that polls devices
 * and reads sockets. On a machine with few cores, a batch commit that grows with the store competed
 * with the poller for the CPU and showed up in the tail of the poll latency; niced, the batch waits
 * a little and the replies do not. Linux keeps a nice value per thread: setpriority(2) given the
 * thread's id (from /proc/thread-self) lowers this thread alone. Raising a nice value needs no
 * privilege. Elsewhere (no /proc) nothing changes. The log store's writer is not niced: its
 * writes are what a syslog flood leaves stored (logs/store/sqlite/writer-worker.ts).
 */
import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';

/** The nice value of a background writer: about a tenth of a default thread's share when both want the CPU. */
export const BACKGROUND_NICE = 10;

/** Lowers the calling thread's priority; false when this platform cannot tell the thread apart. */
export function runAsBackgroundThread(nice = BACKGROUND_NICE): boolean {
  try {
    const threadId = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (!Number.isInteger(threadId) || threadId <= 0) return false;
    setPriority(threadId, nice);
    return true;
  } catch {
    return false;
  }
}

import { readdirSync } from 'node:fs';
import { loadavg } from 'node:os';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * A full garbage collection, so RSS reflects what is retained rather than when V8 last collected.
 * `node --expose-gc` provides global.gc; otherwise the flag is set now and gc taken from a fresh context.
 */
function garbageCollector(): () => void {
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (exposed) return exposed;
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

export interface ProcessSample {
  rssBytes: number;
  heapUsedBytes: number;
  openFds: number;
  load1: number;
}

export function processSampler(): () => ProcessSample {
  const gc = garbageCollector();
  return () => {
    gc();
    const memory = process.memoryUsage();
    return {
      rssBytes: memory.rss,
      heapUsedBytes: memory.heapUsed,
      // The listing itself holds one descriptor while it reads: the same +1 in every sample.
      openFds: readdirSync('/proc/self/fd').length,
      load1: loadavg()[0] ?? Number.NaN,
    };
  };
}

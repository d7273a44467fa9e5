/**
 * SNMPv3 timeliness for traps (RFC 3414 §3.2 step 7b, as a non-authoritative engine): per sender
 * engine, the latest boots/time seen in an authenticated trap, advanced by the local clock. A signed
 * trap from an earlier boot, or more than 150 s older than the engine's clock as we know it, is a
 * replay and is refused. The first trap of an engine is believed and sets its clock.
 */
export const TIME_WINDOW_S = 150;
const MAX_ENGINES = 10_000;

interface EngineClock {
  boots: number;
  time: number;
  /** Local time (ms) when `time` was current. */
  atMs: number;
}

export interface EngineStamp {
  engineId: Buffer;
  engineBoots: number;
  engineTime: number;
}

export class ReplayGuard {
  private readonly engines = new Map<string, EngineClock>();

  constructor(private readonly nowMs: () => number = Date.now) {}

  /** Whether an authenticated trap with this stamp is timely; a timely one advances the engine's clock. */
  accept(stamp: EngineStamp): boolean {
    const key = stamp.engineId.toString('hex');
    const known = this.engines.get(key);
    const now = this.nowMs();
    if (stamp.engineBoots >= 2 ** 31 - 1) return false;
    if (known) {
      const expectedTime = known.time + (now - known.atMs) / 1000;
      if (stamp.engineBoots < known.boots) return false;
      if (stamp.engineBoots === known.boots && stamp.engineTime < expectedTime - TIME_WINDOW_S) return false;
      const newer =
        stamp.engineBoots > known.boots ||
        (stamp.engineBoots === known.boots && stamp.engineTime > expectedTime);
      if (!newer) return true;
    } else if (this.engines.size >= MAX_ENGINES) {
      const oldest = this.engines.keys().next().value;
      if (oldest !== undefined) this.engines.delete(oldest);
    }
    this.engines.delete(key);
    this.engines.set(key, { boots: stamp.engineBoots, time: stamp.engineTime, atMs: now });
    return true;
  }
}

/**
 * Mean opinion score from network measurements, by the simplified ITU-T G.107 E-model
 * (Cole & Rosenbluth's reduction, as VoIP/video monitors use it when a device gives no MOS):
 *
 *   effective latency  d  = one-way delay + 2 × jitter + 10 ms (codec/jitter buffer)
 *   delay impairment   Id = 0.024·d + 0.11·(d − 177.3)·H(d − 177.3)
 *   loss impairment    Ie,eff = Ie + (95 − Ie) · Ppl / (Ppl + Bpl)      (G.107 §7.4, random loss)
 *   R  = 93.2 − Id − Ie,eff
 *   MOS = 1                                    for R ≤ 0
 *       = 1 + 0.035·R + R·(R − 60)·(100 − R)·7·10⁻⁶   for 0 < R < 100
 *       = 4.5                                  for R ≥ 100
 *
 * Ie = 0 and Bpl = 25.1 are G.113's values for G.711 with packet-loss concealment, the audio of the
 * H.323/SIP video conferences these networks run.
 */

export interface EModelInput {
  /** One-way delay in ms (half the round trip when only RTT is measured). */
  oneWayDelayMs: number;
  jitterMs: number;
  lossPct: number;
}

export const EMODEL_R0 = 93.2;
const IE_G711 = 0;
const BPL_G711_PLC = 25.1;

export function effectiveLatencyMs(input: EModelInput): number {
  return Math.max(0, input.oneWayDelayMs) + 2 * Math.max(0, input.jitterMs) + 10;
}

/** Transmission rating factor R (0…93.2). */
export function rFactor(input: EModelInput): number {
  const d = effectiveLatencyMs(input);
  const id = 0.024 * d + (d > 177.3 ? 0.11 * (d - 177.3) : 0);
  const ppl = Math.min(100, Math.max(0, input.lossPct));
  const ieEff = IE_G711 + (95 - IE_G711) * (ppl / (ppl + BPL_G711_PLC));
  return Math.max(0, EMODEL_R0 - id - ieEff);
}

/** G.107 Annex B: MOS (1…4.5) from R. */
export function mosFromR(r: number): number {
  if (r <= 0) return 1;
  if (r >= 100) return 4.5;
  return 1 + 0.035 * r + r * (r - 60) * (100 - r) * 7e-6;
}

/** MOS for a link measured by RTT (ms), jitter (ms) and loss (%), rounded to two decimals. */
export function mosFromRtt(rttMs: number, jitterMs: number, lossPct: number): number {
  const mos = mosFromR(rFactor({ oneWayDelayMs: rttMs / 2, jitterMs, lossPct }));
  return Math.round(mos * 100) / 100;
}

/** R and MOS (unrounded) for a round trip, jitter and loss: what a probe that reports MOS would say. */
export function eModel(rttMs: number, jitterMs: number, lossPct: number): { mos: number; r: number } {
  const r = rFactor({ oneWayDelayMs: rttMs / 2, jitterMs, lossPct });
  return { mos: mosFromR(r), r };
}

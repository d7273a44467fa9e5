/**
 * A whole province's e-government network, deterministic from a seed: the scale the tests and
 * benchmarks poll (21 cities × 8 counties × 30 nodes ≈ 5,000 nodes by default).
 */
export interface GenerateOptions {
  seed: number;
  cities: number;
  countiesPerCity: number;
  nodesPerCounty: number;
  /** Share of nodes polled with SNMPv3 authPriv instead of v2c. */
  v3Share: number;
}

export const DEFAULT_GENERATE: GenerateOptions = {
  seed: 1,
  cities: 21,
  countiesPerCity: 8,
  nodesPerCounty: 30,
  v3Share: 0.1,
};

/**
 * The measurement and field names the console reads from samples and the MetricsStore for its live
 * views (node detail, link utilization, video links), as collector/normalizer.ts writes them. One
 * place, so a rename in the collector's schema (docs/metrics.md) is one edit here.
 */
export const METRIC = {
  system: {
    measurement: 'node',
    cpuPct: 'cpuPct',
    memPct: 'memPct',
    uptimeS: 'uptimeS',
    reachable: 'reachable',
  },
  interface: {
    measurement: 'interface',
    ifIndexTag: 'ifIndex',
    ifNameTag: 'ifName',
    inBps: 'inBps',
    outBps: 'outBps',
    inUtilPct: 'inUtilPct',
    outUtilPct: 'outUtilPct',
    inErrorsPs: 'inErrorsPs',
    outErrorsPs: 'outErrorsPs',
    operUp: 'operUp',
    adminUp: 'adminUp',
  },
  storage: { measurement: 'storage', storageTag: 'storage', usedPct: 'usedPct', sizeBytes: 'sizeBytes' },
  /** collector/profiles/points.ts */
  hardware: { measurement: 'hardware', profileTag: 'profile', temperatureC: 'temperatureC' },
  component: { measurement: 'component', kindTag: 'component', nameTag: 'name', ok: 'ok' },
  optic: { measurement: 'optic', nameTag: 'name', rxDbm: 'rxDbm', txDbm: 'txDbm' },
  entity: { measurement: 'entity' },
  /** Parts with serials (boards, optics, supplies, fans), read with the chassis. */
  module: { measurement: 'module' },
  video: {
    measurement: 'video',
    linkTag: 'link',
    rttMs: 'rttMs',
    jitterMs: 'jitterMs',
    lossPct: 'lossPct',
    mos: 'mos',
  },
} as const;

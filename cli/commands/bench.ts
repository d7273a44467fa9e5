import type { Command } from 'commander';
import { fail } from '../fail';

/** Options a benchmark may read (each takes the ones it knows). */
interface BenchOptions {
  minutes?: number;
}

/** Each benchmark is a module in bench/ exporting run(): it prints its own table with a baseline. */
const BENCHMARKS: Record<
  string,
  { describe: string; load: () => Promise<{ run: (options: BenchOptions) => Promise<void> }> }
> = {
  // one line per benchmark (name: { describe, load: () => import('../../bench/NAME') }),
  poll: {
    describe: 'collector: NVPS, CPU-s per million values, poll-cycle time vs prometheus-snmp-exporter',
    load: () => import('../../bench/poll'),
  },
  metrics: {
    describe: 'MetricsStore writes: InfluxDB store vs plain influx client, and the embedded store',
    load: () => import('../../bench/metrics'),
  },
  alerts: {
    describe: 'trap → alert event latency; 5,000-node outage storm: settle time, alerts, memory',
    load: () => import('../../bench/alerts'),
  },
  pki: {
    describe: 'CA: certificates/s from CSRs (RSA-2048, P-256, SM2) vs openssl speed sign/s; OCSP responses/s',
    load: () => import('../../bench/pki'),
  },
  sim: {
    describe: 'simulator: 5,000 agents start, memory, GETBULK varbinds/s vs Debian snmpd',
    load: () => import('../../bench/sim'),
  },
  stream: {
    describe: 'console: trap → alert to 1,000 WebSocket clients vs bare ws broadcast; REST alert list req/s',
    load: () => import('../../bench/stream'),
  },
  console: {
    describe: 'console web: 5,000-node topology interactive time, panning fps, first-load JS gzip',
    load: () => import('../../bench/console'),
  },
  checks: {
    describe:
      'service checks: HTTP checks per minute per core (status, RE2 text, defacement, staleness) vs a bare http.get loop; target ≥ 10,000',
    load: () => import('../../bench/checks'),
  },
  syslog: {
    describe:
      'syslog: msg/s per core received → parsed → classified → stored (SQLite, PostgreSQL) vs rsyslogd; 20k/s sustained; flood',
    load: () => import('../../bench/syslog'),
  },
  report: {
    describe:
      'monthly report: a month of 5-minute rollups for the ~5,100-node province, built as CSV/XLSX/PDF from influxd and the embedded store, vs its InfluxQL bare',
    load: () => import('../../bench/report'),
  },
  'report-page': {
    describe:
      'console Reports page: GET /api/reports/:month built and kept, exports, vs buildMonthlyReport and the renderers bare',
    load: () => import('../../bench/report-page'),
  },
  assets: {
    describe:
      'asset register on the ~5,100-node province: samples with an ENTITY-MIB read vs without; GET /api/assets and exports vs GET /api/topology',
    load: () => import('../../bench/assets'),
  },
  discover: {
    describe:
      'egov-noc discover: a /16 with 5,000 agents on loopback addresses at the configured rate vs a bare sweep and the rate floor',
    load: () => import('../../bench/discover'),
  },
  soak: {
    describe:
      'collector + embedded store + alert engine for --minutes (30): RSS, open fds, p99 poll latency, first vs last window',
    load: () => import('../../bench/soak'),
  },
};

export function registerBenchCommand(program: Command): void {
  program
    .command('bench')
    .description(
      `run benchmarks and print a table (${Object.keys(BENCHMARKS).join(', ') || 'none yet'}); no name = all`,
    )
    .argument('[names...]', 'benchmarks to run')
    .option('--minutes <n>', 'soak: minutes to measure after warm-up (default 30, at least 4)', Number)
    .action(async (names: string[], options: BenchOptions) => {
      const chosen = names.length > 0 ? names : Object.keys(BENCHMARKS);
      for (const name of chosen) {
        const bench = BENCHMARKS[name];
        if (!bench) fail(`unknown benchmark "${name}" (have: ${Object.keys(BENCHMARKS).join(', ')})`);
        console.log(`\n## ${name} — ${bench.describe}`);
        const module = await bench.load();
        await module.run(options);
      }
    });
}

// The influxd launcher lives with the benchmarks, which also run from the image where test/ is absent.
export * from '../../bench/support/influxd';

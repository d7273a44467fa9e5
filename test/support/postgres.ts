/** The PostgreSQL launcher lives with the benchmarks (bench/ must not import test code). */
export { startPostgres, type Postgres } from '../../bench/support/postgres';

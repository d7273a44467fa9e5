// Container health for the egov-noc image (Dockerfile HEALTHCHECK). Exit 0 = healthy, 1 = unhealthy.
// The console (`serve`, `demo`) must accept connections on EGOV_NOC_PORT; with EGOV_NOC_HEALTH_URL set,
// that URL must answer GET with 2xx instead. The collector has no HTTP surface: it is healthy while it
// runs (Docker restarts it when it exits), and its real health — polls, lag, spool, drops — is on the
// Grafana "Collector health" dashboard and in the console.
import { connect } from 'node:net';

const role = process.env.EGOV_NOC_ROLE ?? 'serve';
const port = Number(process.env.EGOV_NOC_PORT ?? '8080');
const url = process.env.EGOV_NOC_HEALTH_URL;
const TIMEOUT_MS = 4000;

function unhealthy(reason) {
  console.error(`unhealthy: ${reason}`);
  process.exit(1);
}

if (role !== 'serve' && role !== 'demo') process.exit(0);

if (url !== undefined && url !== '') {
  fetch(url, { signal: AbortSignal.timeout(TIMEOUT_MS) })
    .then((response) => (response.ok ? process.exit(0) : unhealthy(`GET ${url} answered ${response.status}`)))
    .catch((error) =>
      unhealthy(`GET ${url} failed: ${error instanceof Error ? error.message : String(error)}`),
    );
} else {
  const socket = connect({ host: '127.0.0.1', port, timeout: TIMEOUT_MS });
  socket.once('connect', () => {
    socket.destroy();
    process.exit(0);
  });
  socket.once('timeout', () => unhealthy(`no connection to 127.0.0.1:${port} within ${TIMEOUT_MS} ms`));
  socket.once('error', (error) => unhealthy(`cannot connect to 127.0.0.1:${port}: ${error.message}`));
}

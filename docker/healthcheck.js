// Container health for the egov-noc image (Dockerfile HEALTHCHECK). Exit 0 = healthy, 1 = unhealthy.
// The console (`serve`, `demo`) must answer GET /healthz on EGOV_NOC_PORT (https when EGOV_NOC_TLS=1:
// the certificate is not checked, this is the container talking to itself over loopback). The
// collector must answer GET /healthz on its ops listener (`opsListen` in collect.yaml) when
// EGOV_NOC_OPS_PORT names its port; without it the collector is healthy while it runs. With
// EGOV_NOC_HEALTH_URL set, that URL must answer 2xx instead (e.g. /readyz, to mark the container
// unhealthy while a store or the bus is down). Liveness is the default: restarting a process does
// not bring back its database.
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

const role = process.env.EGOV_NOC_ROLE ?? 'serve';
const TIMEOUT_MS = 4000;

function unhealthy(reason) {
  console.error(`unhealthy: ${reason}`);
  process.exit(1);
}

function healthUrl() {
  const given = process.env.EGOV_NOC_HEALTH_URL;
  if (given !== undefined && given !== '') return given;
  if (role === 'serve' || role === 'demo') {
    const scheme = process.env.EGOV_NOC_TLS === '1' ? 'https' : 'http';
    return `${scheme}://127.0.0.1:${Number(process.env.EGOV_NOC_PORT ?? '8080')}/healthz`;
  }
  const opsPort = process.env.EGOV_NOC_OPS_PORT;
  if (role === 'collect' && opsPort !== undefined && opsPort !== '')
    return `http://127.0.0.1:${Number(opsPort)}/healthz`;
  return null;
}

const url = healthUrl();
if (url === null) process.exit(0);

const target = new URL(url);
const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
const request = send(
  target,
  { method: 'GET', timeout: TIMEOUT_MS, rejectUnauthorized: false },
  (response) => {
    response.resume();
    const status = response.statusCode ?? 0;
    if (status >= 200 && status < 300) process.exit(0);
    unhealthy(`GET ${url} answered ${status}`);
  },
);
request.once('timeout', () => {
  request.destroy();
  unhealthy(`GET ${url}: no answer within ${TIMEOUT_MS} ms`);
});
request.once('error', (error) => unhealthy(`GET ${url} failed: ${error.message}`));
request.end();

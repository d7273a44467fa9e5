/** Shared by `serve` and `collect`: how /metrics is protected, and the collector's ops listener address. */
import { fail } from '../fail';

/** When set, /metrics answers whoever sends it as a bearer token; unset: loopback peers only. */
export const METRICS_TOKEN_ENV = 'EGOV_NOC_METRICS_TOKEN';

export interface OpsListen {
  host: string;
  port: number;
}

/** `--ops-listen HOST:PORT` (IPv4 address and port; 0 = any free port). */
export function parseOpsListen(value: string): OpsListen {
  const match = /^(\d{1,3}(?:\.\d{1,3}){3}):(\d{1,5})$/.exec(value);
  const port = Number(match?.[2]);
  if (!match?.[1] || !Number.isInteger(port) || port > 65535)
    return fail(`--ops-listen must be IPv4:PORT, e.g. 127.0.0.1:9464, got "${value}"`);
  return { host: match[1], port };
}

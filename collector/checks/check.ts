import type { NodeId, ServiceCertificate, ServiceCheckFailure } from '../../domain';
import type { RawCheck } from './config';

type Resolved<T> = T extends unknown
  ? Omit<T, 'intervalS' | 'timeoutMs' | 'node'> & {
      node: NodeId;
      intervalS: number;
      timeoutMs: number;
      /** The `ca` bundle's text, read once at load (https and tls checks). */
      caPem: string | null;
      /** The node's management address (icmp's default target). */
      nodeAddress: string;
    }
  : never;

/** One declared check, defaults applied and files read. */
export type ServiceCheck = Resolved<RawCheck>;
export type CheckOf<K extends ServiceCheck['kind']> = Extract<ServiceCheck, { kind: K }>;

/** What one probe saw; failures are values (reason in fixed words), never exceptions. */
export interface ProbeResult {
  up: boolean;
  reason: ServiceCheckFailure | null;
  /** Language-neutral specifics (an HTTP status, a TLS error code, a loss %). */
  detail: string | null;
  latencyMs: number | null;
  certificate?: ServiceCertificate | null;
  lossPct?: number | null;
  /** HTTP: the body read (up to the cap) and its Last-Modified header. */
  body?: string;
  lastModifiedMs?: number | null;
}

/** What a check's target is, for logs, events and the console: never userinfo or a query string. */
export function targetOf(check: ServiceCheck): string {
  switch (check.kind) {
    case 'http': {
      const url = new URL(check.url);
      return `${url.protocol}//${url.host}${url.pathname}`;
    }
    case 'tls':
    case 'tcp':
      return `${check.host}:${check.port}`;
    case 'dns':
      return check.server === undefined ? check.name : `${check.name} @${check.server}`;
    case 'icmp':
      return check.host ?? check.nodeAddress;
  }
}

export const failed = (
  reason: ServiceCheckFailure,
  detail: string | null,
  latencyMs: number | null,
): ProbeResult => ({ up: false, reason, detail, latencyMs });

/** A failed connection or request as a code: the error's own code, never its message (it may quote a URL). */
export function failureOf(error: unknown): { reason: ServiceCheckFailure; detail: string | null } {
  const code = (error as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ECONNREFUSED':
      return { reason: 'refused', detail: null };
    case 'ECONNRESET':
    case 'EPIPE':
      return { reason: 'reset', detail: null };
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return { reason: 'no-name', detail: null };
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return { reason: 'unreachable', detail: null };
    case undefined:
      return { reason: 'failed', detail: null };
    default:
      return /^(CERT_|DEPTH_|SELF_SIGNED|UNABLE_TO|ERR_TLS_CERT|HOSTNAME|ERR_SSL)/.test(code)
        ? { reason: 'certificate', detail: code }
        : { reason: 'failed', detail: code };
  }
}

/**
 * HTTP(S) probe on node:http with keep-alive agents: status, latency to the last byte read, body
 * read up to a cap (the rest is never downloaded), redirects followed up to a bound, one deadline
 * for the whole run. The URL's query string and userinfo never reach a reason or a log.
 */
import http from 'node:http';
import https from 'node:https';
import { RE2JS } from 're2js';
import { failed, failureOf, type CheckOf, type ProbeResult } from './check';

type HttpCheck = CheckOf<'http'>;

interface Response {
  status: number;
  location: string | null;
  lastModifiedMs: number | null;
  body: string;
}

/** Keep-alive agents, one pair per trust bundle; closed with the runner. */
export class HttpProber {
  private readonly agents = new Map<string, { http: http.Agent; https: https.Agent }>();
  private readonly patterns = new Map<string, RE2JS>();

  /** The check's expected-text pattern, compiled once (RE2: linear time on any page). */
  private expected(check: HttpCheck): RE2JS | null {
    if (check.expectText === undefined) return null;
    let pattern = this.patterns.get(check.expectText);
    if (!pattern) {
      pattern = RE2JS.compile(check.expectText);
      this.patterns.set(check.expectText, pattern);
    }
    return pattern;
  }

  private agentsFor(caPem: string | null) {
    const key = caPem ?? '';
    let pair = this.agents.get(key);
    if (!pair) {
      pair = {
        http: new http.Agent({ keepAlive: true, maxSockets: 8 }),
        https: new https.Agent({ keepAlive: true, maxSockets: 8, ...(caPem === null ? {} : { ca: caPem }) }),
      };
      this.agents.set(key, pair);
    }
    return pair;
  }

  async probe(check: HttpCheck): Promise<ProbeResult> {
    const startedMs = performance.now();
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), check.timeoutMs);
    try {
      let url = new URL(check.url);
      for (let hop = 0; ; hop++) {
        const response = await this.get(url, check, controller.signal);
        const redirected = response.status >= 300 && response.status < 400 && response.location !== null;
        if (redirected && hop < check.maxRedirects) {
          url = new URL(response.location ?? '', url);
          if (url.protocol !== 'http:' && url.protocol !== 'https:')
            return failed('redirects', url.protocol, performance.now() - startedMs);
          continue;
        }
        if (redirected) return failed('redirects', String(check.maxRedirects), performance.now() - startedMs);
        const latencyMs = performance.now() - startedMs;
        const ok = check.expectStatus
          ? check.expectStatus.includes(response.status)
          : response.status >= 200 && response.status < 400;
        if (!ok) return failed('status', String(response.status), latencyMs);
        if (this.expected(check) && !this.expected(check)?.test(response.body))
          return failed('text-missing', null, latencyMs);
        return {
          up: true,
          reason: null,
          detail: String(response.status),
          latencyMs,
          body: response.body,
          lastModifiedMs: response.lastModifiedMs,
        };
      }
    } catch (error) {
      const latencyMs = performance.now() - startedMs;
      if (controller.signal.aborted) return failed('timeout', `${check.timeoutMs} ms`, latencyMs);
      const failure = failureOf(error);
      return failed(failure.reason, failure.detail, latencyMs);
    } finally {
      clearTimeout(timer);
    }
  }

  private get(url: URL, check: HttpCheck, signal: AbortSignal): Promise<Response> {
    const secure = url.protocol === 'https:';
    const agents = this.agentsFor(check.caPem);
    const request = secure ? https.request : http.request;
    return new Promise<Response>((resolvePromise, reject) => {
      const req = request(
        url,
        {
          method: 'GET',
          agent: secure ? agents.https : agents.http,
          signal,
          headers: { 'user-agent': 'egov-noc-check/1', accept: 'text/html,*/*' },
        },
        (res) => {
          const chunks: Buffer[] = [];
          let bytes = 0;
          const finish = () =>
            resolvePromise({
              status: res.statusCode ?? 0,
              location: typeof res.headers.location === 'string' ? res.headers.location : null,
              lastModifiedMs: parseHttpDate(res.headers['last-modified']),
              body: decodeBody(Buffer.concat(chunks), res.headers['content-type']),
            });
          res.on('data', (chunk: Buffer) => {
            const room = check.maxBodyBytes - bytes;
            if (room <= 0) return;
            chunks.push(room >= chunk.length ? chunk : chunk.subarray(0, room));
            bytes += Math.min(room, chunk.length);
            if (bytes >= check.maxBodyBytes) {
              // Enough read: the rest is never downloaded (the socket is not reused).
              res.destroy();
              finish();
            }
          });
          res.on('end', finish);
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end();
    });
  }

  close(): void {
    for (const pair of this.agents.values()) {
      pair.http.destroy();
      pair.https.destroy();
    }
    this.agents.clear();
  }
}

function parseHttpDate(value: string | undefined): number | null {
  if (value === undefined) return null;
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? ms : null;
}

/** UTF-8 unless the server names another charset (GBK and GB18030 portals exist). */
function decodeBody(body: Buffer, contentType: string | undefined): string {
  const charset = /charset=["']?([A-Za-z0-9_-]+)/i.exec(contentType ?? '')?.[1]?.toLowerCase() ?? 'utf-8';
  try {
    return new TextDecoder(charset).decode(body);
  } catch {
    return body.toString('utf8');
  }
}

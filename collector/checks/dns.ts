/**
 * DNS probe: the name's IPv4 addresses from the given resolver (dns.Resolver, one query) or from
 * the system's (getaddrinfo, /etc/hosts included); up when it resolves and, if `expect` is given,
 * to exactly those addresses in any order.
 */
import { promises as dns } from 'node:dns';
import { failed, type CheckOf, type ProbeResult } from './check';

async function resolveName(check: CheckOf<'dns'>): Promise<string[]> {
  if (check.server === undefined) {
    const found = await dns.lookup(check.name, { family: 4, all: true });
    return found.map((entry) => entry.address);
  }
  const resolver = new dns.Resolver({ timeout: check.timeoutMs, tries: 1 });
  resolver.setServers([check.server]);
  return resolver.resolve4(check.name);
}

export async function probeDns(check: CheckOf<'dns'>): Promise<ProbeResult> {
  const startedMs = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'timeout'>((resolvePromise) => {
    timer = setTimeout(() => resolvePromise('timeout'), check.timeoutMs);
  });
  try {
    const answer = await Promise.race([resolveName(check), deadline]);
    const latencyMs = performance.now() - startedMs;
    if (answer === 'timeout') return failed('timeout', `${check.timeoutMs} ms`, latencyMs);
    const got = [...new Set(answer)].sort();
    if (got.length === 0) return failed('no-name', null, latencyMs);
    const want = [...new Set(check.expect ?? got)].sort();
    const same = got.length === want.length && got.every((address, i) => address === want[i]);
    if (!same) return failed('dns-mismatch', got.join(', '), latencyMs);
    return { up: true, reason: null, detail: got.join(', '), latencyMs };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const latencyMs = performance.now() - startedMs;
    if (code === 'ENOTFOUND' || code === 'ENODATA') return failed('no-name', null, latencyMs);
    return failed('failed', code ?? null, latencyMs);
  } finally {
    clearTimeout(timer);
  }
}

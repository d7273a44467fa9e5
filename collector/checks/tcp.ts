/** TCP probe: a connection opened within the timeout is up; closed at once. */
import net from 'node:net';
import { failed, failureOf, type CheckOf, type ProbeResult } from './check';

export function probeTcp(check: CheckOf<'tcp'>): Promise<ProbeResult> {
  const startedMs = performance.now();
  return new Promise<ProbeResult>((resolvePromise) => {
    const socket = net.connect({ host: check.host, port: check.port });
    const settle = (result: ProbeResult) => {
      clearTimeout(timer);
      socket.destroy();
      resolvePromise(result);
    };
    const timer = setTimeout(
      () => settle(failed('timeout', `${check.timeoutMs} ms`, check.timeoutMs)),
      check.timeoutMs,
    );
    socket.once('connect', () =>
      settle({ up: true, reason: null, detail: null, latencyMs: performance.now() - startedMs }),
    );
    socket.once('error', (error) => {
      const failure = failureOf(error);
      settle(failed(failure.reason, failure.detail, performance.now() - startedMs));
    });
  });
}

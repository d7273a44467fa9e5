/**
 * ICMP through Debian's fping: one process for many targets (what Zabbix and SmokePing do), its
 * per-target round trips parsed from `-C` output ("127.0.0.1 : 0.05 - 0.04", "-" = lost). fping is
 * installed with cap_net_raw, so the collector needs no privileges of its own.
 */
import { spawn } from 'node:child_process';

export interface PingResult {
  sent: number;
  /** Round trips of the replies received, ms. */
  rttsMs: number[];
}

export interface FpingOptions {
  count: number;
  timeoutMs: number;
  /** fping's binary (tests and unusual installs). */
  binary?: string;
}

/** At most this many targets per process; a larger batch runs as several processes one after another. */
export const MAX_TARGETS_PER_PROCESS = 1_000;
const PERIOD_MS = 25;
const TARGET_GAP_MS = 2;

/** Parse fping -C -q output (stderr): one line per target. */
export function parseFpingOutput(text: string): Map<string, PingResult> {
  const results = new Map<string, PingResult>();
  for (const line of text.split('\n')) {
    const match = /^(\S+)\s+:\s+([-\d.\s]+)$/.exec(line.trim());
    if (!match?.[1] || match[2] === undefined) continue;
    const values = match[2].trim().split(/\s+/);
    const rttsMs = values
      .filter((v) => v !== '-')
      .map(Number)
      .filter(Number.isFinite);
    results.set(match[1], { sent: values.length, rttsMs });
  }
  return results;
}

function runOnce(targets: readonly string[], options: FpingOptions): Promise<Map<string, PingResult>> {
  const args = [
    '-C',
    String(options.count),
    '-q',
    '-t',
    String(options.timeoutMs),
    '-p',
    String(PERIOD_MS),
    '-i',
    String(TARGET_GAP_MS),
    '-r',
    '0',
    ...targets,
  ];
  // Bounded: the longest run fping itself can take, plus slack; then it is killed.
  const deadlineMs =
    options.count * (PERIOD_MS + options.timeoutMs) + targets.length * TARGET_GAP_MS * options.count + 5_000;
  return new Promise((resolvePromise, reject) => {
    const child = spawn(options.binary ?? 'fping', args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      if (stderr.length < 4_000_000) stderr += chunk;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), deadlineMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('close', () => {
      clearTimeout(timer);
      resolvePromise(parseFpingOutput(stderr));
    });
  });
}

/** Ping every target `count` times; a target fping did not report is all lost. */
export async function fpingBatch(
  targets: readonly string[],
  options: FpingOptions,
): Promise<Map<string, PingResult>> {
  const unique = [...new Set(targets)];
  const results = new Map<string, PingResult>();
  for (let i = 0; i < unique.length; i += MAX_TARGETS_PER_PROCESS) {
    const chunk = unique.slice(i, i + MAX_TARGETS_PER_PROCESS);
    const found = await runOnce(chunk, options);
    for (const target of chunk) results.set(target, found.get(target) ?? { sent: options.count, rttsMs: [] });
  }
  return results;
}

/** What Linux tells about a process and about UDP, for the benchmarks (loopback, this host). */
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';

let clockTicksPerS: number | null = null;

function clockTicks(): number {
  clockTicksPerS ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  return clockTicksPerS;
}

/** User + system CPU seconds in a `stat` file of /proc (a process's, or one thread's under task/). */
function cpuSecondsIn(statPath: string): number {
  const stat = readFileSync(statPath, 'utf8');
  // Fields after the command name (which may hold spaces) start at field 3; utime and stime are fields 14 and 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / clockTicks();
}

/** User + system CPU seconds a process (all its threads) has used so far. */
export function cpuSecondsOf(pid: number): number {
  return cpuSecondsIn(`/proc/${pid}/stat`);
}

/** CPU seconds of this process's main thread alone (its event loop), apart from workers and libuv's pool. */
export function mainThreadCpuSeconds(): number {
  return cpuSecondsIn(`/proc/self/task/${process.pid}/stat`);
}

/** CPU seconds of a process and its living children (a PostgreSQL server and its backends). */
export function treeCpuSeconds(pid: number): number {
  let total = cpuSecondsOf(pid);
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (parent === pid) total += cpuSecondsOf(Number(entry));
    } catch {
      // gone between the listing and the read
    }
  }
  return total;
}

/** This process's CPU seconds (process.cpuUsage: every thread, SQLite and the pg client included). */
export function ownCpuSeconds(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1e6;
}

export interface UdpKernelCounters {
  /** Datagrams the kernel dropped because a socket's receive buffer was full. */
  rcvbufErrors: number;
  /** Datagrams the kernel could not deliver (includes rcvbufErrors). */
  inErrors: number;
}

/** Host-wide counters from /proc/net/snmp: other processes' UDP counts too (the machine is shared). */
export function udpKernelCounters(): UdpKernelCounters {
  const rows = readFileSync('/proc/net/snmp', 'utf8')
    .split('\n')
    .filter((line) => line.startsWith('Udp:'));
  const names = (rows[0] ?? '').split(/\s+/).slice(1);
  const values = (rows[1] ?? '').split(/\s+/).slice(1).map(Number);
  const value = (name: string) => values[names.indexOf(name)] ?? 0;
  return { rcvbufErrors: value('RcvbufErrors'), inErrors: value('InErrors') };
}

export function kernelDropsSince(before: UdpKernelCounters): UdpKernelCounters {
  const now = udpKernelCounters();
  return { rcvbufErrors: now.rcvbufErrors - before.rcvbufErrors, inErrors: now.inErrors - before.inErrors };
}

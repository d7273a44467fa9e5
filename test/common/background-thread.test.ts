/**
 * The stores' writer threads run niced (common/background-thread.ts): the thread that polls and reads
 * sockets keeps the default priority. Read from /proc, as `top -H` or `ps -L -o nice` would show it.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { BACKGROUND_NICE, silentLogger } from '../../common';
import { openLogStore } from '../../logs/index';
import { openMetricsStore } from '../../metrics';

/** The nice value of each of this process's threads (field 19 of /proc/self/task/TID/stat). */
function threadNiceValues(): number[] {
  return readdirSync('/proc/self/task').map((tid) => {
    const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may hold spaces: count from after it.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[16]);
  });
}

const niced = () => threadNiceValues().filter((nice) => nice === BACKGROUND_NICE).length;

describe('store writer threads run at a background priority', () => {
  it('the embedded metrics store’s writer is niced; the log store’s writer and the main thread are not', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'egov-background-thread-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const before = niced();
    const mainNice = threadNiceValues()[0];
    const metrics = openMetricsStore(`sqlite:${join(dir, 'metrics.db')}`, { logger: silentLogger() });
    await metrics.init();
    metrics.write([
      { measurement: 'reachability', tags: { node: 'n1' }, fields: { up: 1 }, timeMs: Date.now() },
    ]);
    await metrics.flush();
    expect(niced()).toBe(before + 1);
    const logs = openLogStore(`sqlite:${join(dir, 'logs.db')}`, { logger: silentLogger() });
    await logs.init();
    // What the log store's writer gets of the CPU in a flood is what gets stored: default priority.
    expect(niced()).toBe(before + 1);
    // /proc/self/task lists the main thread first: its priority is untouched.
    expect(threadNiceValues()[0]).toBe(mainNice);
    await logs.close();
    await metrics.close();
    await expect.poll(niced).toBe(before);
  });
});

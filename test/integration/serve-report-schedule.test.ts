/**
 * `egov-noc serve` (the built CLI) delivers the monthly report on its own (config reportSchedule):
 * on start, last month's report is due (day 1 at 00:00 has passed), so it is written to the folder
 * (0600) and POSTed to a real loopback webhook with the Authorization header from the environment;
 * after a restart nothing is delivered again.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { freePort } from '../support/influxd';
import { waitUntil } from '../support/wait';

const dir = mkdtempSync(join(tmpdir(), 'serve-report-'));
const bin = resolve('bin/egov-noc.js');
const TOKEN = 'Bearer report-hook-token-77';
let receiver: Server;
const received: Array<{ headers: IncomingHttpHeaders; size: number }> = [];
const children: ChildProcess[] = [];

function lastMonth(): string {
  const local = new Date(Date.now() + 8 * 3_600_000);
  const first = new Date(Date.UTC(local.getUTCFullYear(), local.getUTCMonth() - 1, 1));
  return `${first.getUTCFullYear()}-${String(first.getUTCMonth() + 1).padStart(2, '0')}`;
}

async function startServe(config: string): Promise<{ child: ChildProcess; output: () => string }> {
  const child = spawn(process.execPath, [bin, 'serve', '--config', config], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, LOG_LEVEL: 'info', REPORT_HOOK_AUTH: TOKEN },
  });
  children.push(child);
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  await waitUntil(
    () => `serve up: ${output}`,
    () => /egov-noc console on http:\/\//.test(output),
    {
      timeoutMs: 60_000,
    },
  );
  return { child, output: () => output };
}

async function stopServe(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

beforeAll(async () => {
  receiver = createServer((request, response) => {
    let size = 0;
    request.on('data', (chunk: Buffer) => (size += chunk.length));
    request.on('end', () => {
      received.push({ headers: request.headers, size });
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
});

afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  await new Promise((resolve) => receiver.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

test('serve writes and posts last month’s report once, and not again after a restart', async () => {
  const hook = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/reports`;
  const config = join(dir, 'serve.yaml');
  writeFileSync(
    config,
    [
      `inventory: ${resolve('configs/examples/nanyang.yaml')}`,
      'stateDir: state',
      `port: ${await freePort()}`,
      'metrics: memory',
      'reportSchedule:',
      '  dayOfMonth: 1',
      "  at: '00:00'",
      '  formats: [csv]',
      '  dir: monthly',
      '  webhook:',
      `    url: ${hook}`,
      '    headers: { Authorization: { env: REPORT_HOOK_AUTH } }',
    ].join('\n'),
  );
  const month = lastMonth();
  const file = join(dir, 'monthly', `nanyang-report-${month}.csv`);
  const first = await startServe(config);
  await waitUntil(
    `the report posted and written: ${first.output()}`,
    () => received.length === 1 && existsSync(file),
    {
      timeoutMs: 60_000,
    },
  );
  expect(statSync(file).mode & 0o777).toBe(0o600);
  expect(statSync(join(dir, 'monthly')).mode & 0o777).toBe(0o700);
  expect(received[0]?.headers).toMatchObject({
    authorization: TOKEN,
    'x-egov-noc-report-month': month,
    'content-type': 'text/csv; charset=utf-8',
  });
  expect(received[0]?.size).toBe(statSync(file).size);
  expect(first.output()).not.toContain('report-hook-token');
  await stopServe(first.child);

  const second = await startServe(config);
  await waitUntil(`the schedule's first check: ${second.output()}`, () =>
    second.output().includes('the month due was already delivered'),
  );
  expect(received).toHaveLength(1);
  expect(readdirSync(join(dir, 'monthly'))).toEqual([`nanyang-report-${month}.csv`]);
  await stopServe(second.child);
});

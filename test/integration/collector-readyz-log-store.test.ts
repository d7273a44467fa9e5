/**
 * `egov-noc collect` keeping device logs in a real PostgreSQL: its `/readyz` names the log store,
 * turns unready (503, `log-store: failing`) when the server stops and ready again when it is back.
 * The reason goes to the collector's log, never the password.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { freeTcpPort, startEgovNoc } from '../support/egov-noc-cli';
import { startPostgres, type Postgres } from '../support/postgres';
import { writeOneNodeInventory } from '../support/one-node-inventory';
import { freeUdpPort } from '../support/snmpd';

const dir = mkdtempSync(join(tmpdir(), 'egov-readyz-logs-'));
const children: ChildProcess[] = [];
let postgres: Postgres;

beforeAll(async () => {
  postgres = await startPostgres();
});

afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  await postgres?.destroy();
  rmSync(dir, { recursive: true, force: true });
});

const INVENTORY = writeOneNodeInventory(dir);

/** `/readyz` in short: HTTP status, overall status and each check. */
async function readiness(url: string): Promise<string> {
  const response = await fetch(`${url}/readyz`);
  const body = (await response.json()) as { status: string; checks: Record<string, string> };
  const checks = Object.entries(body.checks).map(([name, state]) => `${name}=${state}`);
  return `${response.status} ${body.status} ${checks.join(' ')}`;
}

describe('egov-noc collect: /readyz and the log store', () => {
  it('is unready while the PostgreSQL log store is down, ready once it is back', async () => {
    const opsPort = await freeTcpPort();
    const collect = startEgovNoc(
      [
        'collect',
        '--inventory',
        INVENTORY,
        '--store',
        join(dir, 'metrics.sqlite'),
        '--syslog-port',
        String(await freeUdpPort()),
        '--log-store',
        `postgres://127.0.0.1:${postgres.port}/${postgres.createDatabase()}`,
        '--ops-listen',
        `127.0.0.1:${opsPort}`,
      ],
      children,
      { EGOV_NOC_LOGSTORE_USER: postgres.user, EGOV_NOC_LOGSTORE_PASSWORD: postgres.password },
    );
    await vi.waitFor(() => expect(collect.out.stdout).toContain('/healthz /readyz /metrics on'), {
      timeout: 30_000,
      interval: 100,
    });
    const url = `http://127.0.0.1:${opsPort}`;
    expect(await readiness(url)).toBe('200 ready metrics-store=ok bus=ok log-store=ok');

    postgres.stop();
    try {
      await expect
        .poll(() => readiness(url), { timeout: 20_000, interval: 200 })
        .toBe('503 unready metrics-store=ok bus=ok log-store=failing');
    } finally {
      postgres.start();
    }
    await expect
      .poll(() => readiness(url), { timeout: 20_000, interval: 200 })
      .toBe('200 ready metrics-store=ok bus=ok log-store=ok');

    const log = `${collect.out.stdout}${collect.out.stderr}`;
    expect(log).toMatch(/readiness check failing/);
    expect(log).toContain('log-store');
    expect(log).not.toContain(postgres.password);
    collect.child.kill('SIGINT');
    expect(await collect.exited).toBe(0);
  });
});

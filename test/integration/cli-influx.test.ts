/** `egov-noc influx check` against a real influxd: report, exit codes, --fix. */
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startInfluxd, type Influxd } from '../support/influxd';

let influxd: Influxd;
beforeAll(async () => {
  influxd = await startInfluxd();
});
afterAll(async () => {
  await influxd?.destroy();
});

function egovNoc(
  args: string[],
  env: Record<string, string> = {},
): { status: number | null; out: string; err: string } {
  const result = spawnSync(process.execPath, ['bin/egov-noc.js', ...args], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
    timeout: 60_000,
  });
  return { status: result.status, out: result.stdout, err: result.stderr };
}

describe('egov-noc influx check', () => {
  it('reports missing objects and exits 1, creates them with --fix, then reports all present', () => {
    const url = `influx://127.0.0.1:${influxd.port}/cli_check`;
    const missing = egovNoc(['influx', 'check', '--url', url]);
    expect(missing.status).toBe(1);
    expect(missing.out).toMatch(/^missing\s+database cli_check$/m);
    expect(missing.out).toMatch(/^missing\s+retention policy raw$/m);
    expect(missing.out).toMatch(/^missing\s+retention policy rollup_400d$/m);
    expect(missing.out).toMatch(/^missing\s+retention policy rollup_1d$/m);
    expect(missing.out).toMatch(/^missing\s+continuous query cq_rollup_5m$/m);
    expect(missing.out).toMatch(/^missing\s+continuous query cq_rollup_1d$/m);
    expect(missing.err).toContain('6 of 6 missing or different');

    const fixed = egovNoc(['influx', 'check', '--fix'], { INFLUX_URL: url });
    expect(fixed.status).toBe(0);
    expect(fixed.out).toContain('created   continuous query cq_rollup_5m');
    expect(fixed.out).toContain('created   continuous query cq_rollup_1d');

    const ok = egovNoc(['influx', 'check', '--url', url]);
    expect(ok.status).toBe(0);
    expect(ok.out.match(/^present/gm)).toHaveLength(6);

    const longer = egovNoc(['influx', 'check', '--url', url, '--raw-days', '10']);
    expect(longer.status).toBe(1);
    expect(longer.out).toMatch(/^different retention policy raw\s+\(duration 168h0m0s, want 240h\)$/m);
    expect(egovNoc(['influx', 'check', '--url', url, '--raw-days', '10', '--fix']).status).toBe(0);

    const daily = egovNoc(['influx', 'check', '--url', url, '--raw-days', '10', '--daily-days', '1000']);
    expect(daily.status).toBe(1);
    expect(daily.out).toMatch(
      /^different retention policy rollup_1d\s+\(duration 19200h0m0s, want 24000h\)$/m,
    );
    const tooShort = egovNoc(['influx', 'check', '--url', url, '--daily-days', '30']);
    expect(tooShort.status).not.toBe(0);
    expect(tooShort.err).toContain(
      'dailyRetentionDays must be a whole number of days >= rollupRetentionDays (400), got 30',
    );
  });

  it('fails with one clear line for a bad URL or an unreachable server', () => {
    const bad = egovNoc(['influx', 'check', '--url', 'http://127.0.0.1:8086/x']);
    expect(bad.status).toBe(1);
    expect(bad.err).toContain('unknown scheme "http://"');
    const creds = egovNoc(['influx', 'check', '--url', 'influx://admin:secret@127.0.0.1:8086/x']);
    expect(creds.status).toBe(1);
    expect(creds.err).toContain('INFLUX_USERNAME');
    expect(creds.err).not.toContain('secret');
    const down = egovNoc(['influx', 'check', '--url', 'influx://127.0.0.1:1/x']);
    expect(down.status).toBe(1);
    expect(down.err).toMatch(/cannot check influx:\/\/127\.0\.0\.1:1\/x: .*ECONNREFUSED/);
  });
});

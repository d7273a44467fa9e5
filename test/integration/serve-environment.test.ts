/**
 * `egov-noc serve` passes its environment down: the alert rules' `{ env: NAME }` header secrets are
 * read from what the CLI read, and a missing one stops the start with file:line field, no stack.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { freePort } from '../support/influxd';

const dir = mkdtempSync(join(tmpdir(), 'serve-env-'));
const children: ChildProcess[] = [];
afterAll(() => {
  for (const child of children) child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

const SECRET = 'Bearer hook-secret-51c2';

function writeConfig(port: number): string {
  const rules = join(dir, 'rules.yaml');
  writeFileSync(
    rules,
    readFileSync('configs/alert-rules.yaml', 'utf8').replace(
      /^receivers: \[\]$/m,
      [
        'receivers:',
        '  - name: noc',
        '    type: webhook',
        '    url: http://127.0.0.1:9/alerts',
        '    headers: { Authorization: { env: NOC_TEST_HOOK_AUTH } }',
      ].join('\n'),
    ),
  );
  const config = join(dir, 'serve.yaml');
  writeFileSync(
    config,
    [
      `inventory: ${resolve('configs/examples/nanyang.yaml')}`,
      'stateDir: state',
      `port: ${port}`,
      'metrics: memory',
      'alerts:',
      '  rules: rules.yaml',
      '  db: ":memory:"',
    ].join('\n'),
  );
  return config;
}

const bin = resolve('bin/egov-noc.js');

test('a header secret the environment lacks stops serve with file:line field, and no stack', async () => {
  const config = writeConfig(await freePort());
  const result = spawnSync(process.execPath, [bin, 'serve', '--config', config], {
    encoding: 'utf8',
    env: { ...process.env, LOG_LEVEL: 'warn', NOC_TEST_HOOK_AUTH: '' },
  });
  expect(result.status).toBe(2);
  expect(result.stderr).toMatch(
    /rules\.yaml:\d+ receivers\[0\]\.headers\.Authorization\.env: header Authorization: environment variable NOC_TEST_HOOK_AUTH is not set/,
  );
  expect(result.stderr).not.toMatch(/^\s+at /m);
});

test('with the secret in the environment, serve starts', async () => {
  const config = writeConfig(await freePort());
  const child = spawn(process.execPath, [bin, 'serve', '--config', config], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, LOG_LEVEL: 'warn', NOC_TEST_HOOK_AUTH: SECRET },
  });
  children.push(child);
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  await expect.poll(() => output, { timeout: 30_000 }).toMatch(/egov-noc console on http:\/\//);
  expect(output).not.toContain(SECRET);
});

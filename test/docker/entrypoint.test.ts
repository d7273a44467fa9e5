/**
 * The container entrypoint and healthcheck, run directly (no Docker) with the environment compose gives
 * each service: the same script, the same variables, only the folders moved to a temp dir.
 */
import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { dockerDir, loadCompose, readDockerfile, readEnvFile, stageImageApp } from './support';

interface Run {
  code: number | null;
  out: string;
  err: string;
}

function run(command: string, args: string[], env: Record<string, string>): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: stageImageApp(),
      // Only what the container would have, plus PATH to find node and sh.
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: tmpdir(), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, out, err });
    });
  });
}

/** The runtime stage's ENV, the example egov-noc.env and a service's environment, with folders in a temp dir. */
function containerEnv(service?: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const i of readDockerfile().filter((x) => x.stage === 'runtime' && x.keyword === 'ENV')) {
    for (const m of i.args.matchAll(/(\w+)=(\S+)/g)) env[m[1] ?? ''] = m[2] ?? '';
  }
  for (const [k, v] of readEnvFile(join(dockerDir, 'egov-noc.env.example'))) env[k] = v;
  if (service !== undefined) Object.assign(env, loadCompose().services[service]?.environment ?? {});
  const dir = mkdtempSync(join(tmpdir(), 'egov-noc-entrypoint-'));
  env.EGOV_NOC_APP_DIR = stageImageApp();
  env.EGOV_NOC_DATA_DIR = join(dir, 'data');
  env.EGOV_NOC_CA_DIR = join(dir, 'data', 'ca');
  return env;
}

const entrypoint = join(dockerDir, 'entrypoint.sh');

describe('docker/entrypoint.sh', () => {
  it('runs egov-noc with the given command (docker run egov-noc --help)', async () => {
    const result = await run(entrypoint, ['--help'], containerEnv());
    expect(result.err).toBe('');
    expect(result.code).toBe(0);
    expect(result.out).toContain('Usage: egov-noc');
  });

  for (const service of ['collector', 'console']) {
    it(`${service}: with the compose environment, the role's subcommand is what runs`, async () => {
      const env = containerEnv(service);
      const role = env.EGOV_NOC_ROLE ?? '';
      expect(role).not.toBe('');
      const result = await run(entrypoint, ['--help'], env);
      expect(result.err).toBe('');
      expect(result.code).toBe(0);
      expect(result.out).toContain(`Usage: egov-noc ${role}`);
    });
  }

  it('a command overrides the role (docker compose run console inventory check ...)', async () => {
    const env = { ...containerEnv('console') };
    const result = await run(entrypoint, ['inventory', 'check', 'configs/examples/nanyang.yaml'], env);
    expect(result.err).toBe('');
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/nanyang/);
  });

  it('an option after the role goes to the role (EGOV_NOC_ROLE=grafana + --help)', async () => {
    const result = await run(entrypoint, ['--help'], { ...containerEnv(), EGOV_NOC_ROLE: 'grafana' });
    expect(result.code).toBe(0);
    expect(result.out).toContain('Usage: egov-noc grafana');
    expect(result.out).toContain('provision');
  });

  it('no command and no role: exit 64 with what to do', async () => {
    const env = containerEnv();
    delete env.EGOV_NOC_ROLE;
    const result = await run(entrypoint, [], env);
    expect(result.code).toBe(64);
    expect(result.err).toContain('EGOV_NOC_ROLE');
  });

  it('creates the data and CA folders and locks the CA folder to its owner (0700)', async () => {
    const env = containerEnv();
    mkdirSync(env.EGOV_NOC_CA_DIR ?? '', { recursive: true, mode: 0o755 });
    chmodSync(env.EGOV_NOC_CA_DIR ?? '', 0o755);
    const result = await run(entrypoint, ['--help'], env);
    expect(result.code).toBe(0);
    expect(statSync(env.EGOV_NOC_CA_DIR ?? '').mode & 0o777).toBe(0o700);
    expect(statSync(env.EGOV_NOC_DATA_DIR ?? '').isDirectory()).toBe(true);
  });

  it('a data folder it cannot create fails before the app starts, naming the folder', async () => {
    const env = containerEnv();
    const blocker = join(mkdtempSync(join(tmpdir(), 'egov-noc-blocker-')), 'file');
    writeFileSync(blocker, '');
    env.EGOV_NOC_DATA_DIR = join(blocker, 'data');
    const result = await run(entrypoint, ['--help'], env);
    expect(result.code).toBe(1);
    expect(result.out).toBe('');
    expect(result.err).toContain(`cannot create ${env.EGOV_NOC_DATA_DIR}`);
  });

  it('a wrong app folder is reported as such', async () => {
    const result = await run(entrypoint, ['--help'], { ...containerEnv(), EGOV_NOC_APP_DIR: '/nonexistent' });
    expect(result.code).toBe(1);
    expect(result.err).toContain('/nonexistent/bin/egov-noc.js not found');
  });
});

describe('docker/healthcheck.js', () => {
  let server: Server | null = null;
  afterEach(async () => {
    const s = server;
    server = null;
    if (s !== null) await new Promise<void>((resolve) => s.close(() => resolve()));
  });

  async function console(status: number): Promise<number> {
    server = createServer((req, res) => {
      const known = req.url === '/api/health' || req.url === '/healthz';
      res.writeHead(known ? status : 404, { 'content-type': 'application/json' });
      res.end('{}');
    });
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    return (server.address() as AddressInfo).port;
  }
  const check = (env: Record<string, string>) =>
    run(process.execPath, [join(stageImageApp(), 'docker/healthcheck.js')], env);

  it('console: healthy when GET /healthz on EGOV_NOC_PORT answers 2xx, unhealthy with the reason when not', async () => {
    const port = await console(200);
    let result = await check({ EGOV_NOC_ROLE: 'serve', EGOV_NOC_PORT: String(port) });
    expect(result.err).toBe('');
    expect(result.code).toBe(0);
    await new Promise<void>((resolve) => server?.close(() => resolve()));
    server = null;
    result = await check({ EGOV_NOC_ROLE: 'serve', EGOV_NOC_PORT: String(port) });
    expect(result.code).toBe(1);
    expect(result.err).toContain(`GET http://127.0.0.1:${port}/healthz failed`);
  });

  it('with EGOV_NOC_HEALTH_URL: healthy on 2xx, unhealthy on 5xx with the status', async () => {
    let port = await console(200);
    let result = await check({
      EGOV_NOC_ROLE: 'serve',
      EGOV_NOC_HEALTH_URL: `http://127.0.0.1:${port}/api/health`,
    });
    expect(result.code).toBe(0);
    await new Promise<void>((resolve) => server?.close(() => resolve()));
    port = await console(503);
    result = await check({
      EGOV_NOC_ROLE: 'serve',
      EGOV_NOC_HEALTH_URL: `http://127.0.0.1:${port}/api/health`,
    });
    expect(result.code).toBe(1);
    expect(result.err).toContain('answered 503');
  });

  it('collector with an ops listener: healthy when GET /healthz on EGOV_NOC_OPS_PORT answers 2xx', async () => {
    const port = await console(200);
    expect((await check({ EGOV_NOC_ROLE: 'collect', EGOV_NOC_OPS_PORT: String(port) })).code).toBe(0);
    await new Promise<void>((resolve) => server?.close(() => resolve()));
    server = null;
    const result = await check({ EGOV_NOC_ROLE: 'collect', EGOV_NOC_OPS_PORT: String(port) });
    expect(result.code).toBe(1);
    expect(result.err).toContain(`GET http://127.0.0.1:${port}/healthz failed`);
  });

  it('collector without an ops listener: healthy while its process runs', async () => {
    const result = await check({ EGOV_NOC_ROLE: 'collect', EGOV_NOC_PORT: '1' });
    expect(result.code).toBe(0);
  });
});

/**
 * A container of the egov-noc image, simulated without Docker: the image's entrypoint run directly,
 * with the runtime ENV of the Dockerfile, the example egov-noc.env and the compose service's
 * environment, and the container's folders (/etc/egov-noc, /var/lib/egov-noc) mapped into a temp dir.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { expect } from 'vitest';
import { dockerDir, loadCompose, readDockerfile, readEnvFile, repoRoot, stageImageApp } from './support';
import { waitUntil } from '../support/wait';

export const compose = loadCompose();
export const dockerEnv = new Map(
  readDockerfile()
    .filter((i) => i.stage === 'runtime' && i.keyword === 'ENV')
    .flatMap((i) => [...i.args.matchAll(/(\w+)=(\S+)/g)].map((m) => [m[1] ?? '', m[2] ?? ''] as const)),
);
export const appEnv = readEnvFile(join(dockerDir, 'egov-noc.env.example'));
export const configText = (name: string): string => readFileSync(join(dockerDir, 'config', name), 'utf8');

const running: ChildProcess[] = [];

/** Kill whatever a test left running (call from afterEach/afterAll). */
export function killContainers(): void {
  for (const child of running.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
}

export function healthcheck(env: Record<string, string>): Promise<{ code: number | null; err: string }> {
  return new Promise((resolve) => {
    const check = spawn(process.execPath, [join(stageImageApp(), 'docker/healthcheck.js')], {
      env,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let err = '';
    check.stderr?.on('data', (c: Buffer) => (err += c.toString()));
    check.on('close', (code) => resolve({ code, err }));
  });
}

/** A container's filesystem in temp dirs: /etc/egov-noc (configs), /var/lib/egov-noc (volumes), /app (the image's). */
export class FakeContainer {
  readonly root = mkdtempSync(join(tmpdir(), 'egov-noc-container-'));
  readonly env: Record<string, string>;

  constructor(readonly service: string) {
    mkdirSync(this.path('/etc/egov-noc/network'), { recursive: true });
    // ../configs with the operator's inventory in place, as docker/README.md says.
    copyFileSync(
      join(repoRoot, 'configs/examples/nanyang.yaml'),
      this.path('/etc/egov-noc/network/inventory.yaml'),
    );
    copyFileSync(
      join(repoRoot, 'configs/examples/nanyang.credentials.yaml'),
      this.path('/etc/egov-noc/network/nanyang.credentials.yaml'),
    );
    copyFileSync(
      join(repoRoot, 'configs/alert-rules.yaml'),
      this.path('/etc/egov-noc/network/alert-rules.yaml'),
    );
    this.env = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: this.root,
      ...Object.fromEntries([...dockerEnv].map(([k, v]) => [k, this.path(v)])),
      ...Object.fromEntries(appEnv),
      ...(compose.services[service]?.environment ?? {}),
      EGOV_CA_PASSPHRASE: 'test-ca-passphrase-0123456789',
    };
  }

  /** Container path -> temp path (/app is the image's app folder, staged from this checkout). */
  path(p: string): string {
    if (p === '/app' || p.startsWith('/app/')) return join(stageImageApp(), p.slice('/app'.length));
    if (p.startsWith('/etc/egov-noc') || p.startsWith('/var/lib/egov-noc')) return join(this.root, p);
    return p;
  }

  /** Install a config file the way compose mounts it, with container paths mapped and `edit` applied. */
  mountConfig(name: string, edit: (config: Record<string, unknown>) => void): void {
    const config = parse(configText(name)) as Record<string, unknown>;
    for (const [key, value] of Object.entries(config)) {
      if (typeof value === 'string' && value.startsWith('/')) config[key] = this.path(value);
      if (key === 'pki' && typeof value === 'object' && value !== null) {
        const pki = value as { dir: string };
        pki.dir = this.path(pki.dir);
      }
    }
    edit(config);
    writeFileSync(this.path(`/etc/egov-noc/${name}`), stringify(config));
  }

  /** Run the image's entrypoint with these arguments (container paths in them mapped). */
  start(args: string[]): Running {
    const child = spawn(
      join(dockerDir, 'entrypoint.sh'),
      args.map((a) => this.path(a)),
      {
        cwd: this.path('/app'),
        env: this.env,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    running.push(child);
    return new Running(child);
  }
}

export class Running {
  out = '';
  err = '';
  readonly exited: Promise<number | null>;

  constructor(readonly child: ChildProcess) {
    child.stdout?.on('data', (c: Buffer) => (this.out += c.toString()));
    child.stderr?.on('data', (c: Buffer) => (this.err += c.toString()));
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  }

  async waitFor(text: string, timeoutMs = 45_000): Promise<void> {
    await waitUntil(`"${text}"`, () => this.out.includes(text) || this.child.exitCode !== null, {
      timeoutMs,
      intervalMs: 200,
    }).catch(() => undefined); // the assertion below says what was missing, with stderr
    expect(this.out, `waiting for "${text}"; stderr:\n${this.err}`).toContain(text);
  }

  async stop(): Promise<number | null> {
    this.child.kill('SIGTERM');
    return this.exited;
  }
}

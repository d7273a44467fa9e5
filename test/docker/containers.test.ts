/**
 * The collector and console services as compose starts them — same entrypoint, same command, same
 * environment, same config files — with the container's folders mapped into a temp dir, and the
 * InfluxDB store swapped for an embedded one (no InfluxDB in unit tests). The console is set up with
 * the README's first-start steps (ca init), then the image's healthcheck is run against it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { afterEach, describe, expect, it } from 'vitest';
import { parseServeConfig } from '../../console/server/config';
import { freePort } from '../support/influxd';
import { dockerDir, loadCompose, readDockerfile, readEnvFile, repoRoot } from './support';

const compose = loadCompose();
const dockerEnv = new Map(
  readDockerfile()
    .filter((i) => i.stage === 'runtime' && i.keyword === 'ENV')
    .flatMap((i) => [...i.args.matchAll(/(\w+)=(\S+)/g)].map((m) => [m[1] ?? '', m[2] ?? ''] as const)),
);
const appEnv = readEnvFile(join(dockerDir, 'egov-noc.env.example'));
const configText = (name: string) => readFileSync(join(dockerDir, 'config', name), 'utf8');

/** A container's filesystem in a temp dir: /etc/egov-noc (configs), /var/lib/egov-noc (volumes), /app = the repo. */
class FakeContainer {
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

  /** Container path -> temp path (/app is the repository itself). */
  path(p: string): string {
    if (p === '/app' || p.startsWith('/app/')) return join(repoRoot, p.slice('/app'.length));
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
        cwd: repoRoot,
        env: this.env,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    running.push(child);
    return new Running(child);
  }
}

class Running {
  out = '';
  err = '';
  readonly exited: Promise<number | null>;

  constructor(readonly child: ChildProcess) {
    child.stdout?.on('data', (c: Buffer) => (this.out += c.toString()));
    child.stderr?.on('data', (c: Buffer) => (this.err += c.toString()));
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  }

  async waitFor(text: string, timeoutMs = 45_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.out.includes(text) && this.child.exitCode === null && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(this.out, `waiting for "${text}"; stderr:\n${this.err}`).toContain(text);
  }

  async stop(): Promise<number | null> {
    this.child.kill('SIGTERM');
    return this.exited;
  }
}

const running: ChildProcess[] = [];
afterEach(() => {
  for (const child of running.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

function healthcheck(env: Record<string, string>): Promise<{ code: number | null; err: string }> {
  return new Promise((resolve) => {
    const check = spawn(process.execPath, [join(dockerDir, 'healthcheck.js')], {
      env,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let err = '';
    check.stderr?.on('data', (c: Buffer) => (err += c.toString()));
    check.on('close', (code) => resolve({ code, err }));
  });
}

describe('docker/config files', () => {
  it('serve.yaml is a valid serve config whose paths are the ones the console container mounts', () => {
    const parsed = parseServeConfig(configText('serve.yaml'), '/etc/egov-noc/serve.yaml');
    if (!parsed.ok) throw new Error(parsed.errors.join('\n'));
    const config = parsed.config;
    const mounts = compose.services.console?.volumes ?? [];
    expect(mounts).toContain('./config/serve.yaml:/etc/egov-noc/serve.yaml:ro');
    expect(mounts).toContain('../configs:/etc/egov-noc/network:ro');
    expect(compose.services.console?.command).toEqual(['--config', '/etc/egov-noc/serve.yaml']);
    expect(config.inventory).toBe('/etc/egov-noc/network/inventory.yaml');
    expect(config.alerts.rules).toBe('/etc/egov-noc/network/alert-rules.yaml');
    expect(config.stateDir.startsWith(`${dockerEnv.get('EGOV_NOC_DATA_DIR')}/`)).toBe(true);
    expect(config.pki?.dir).toBe(dockerEnv.get('EGOV_NOC_CA_DIR'));
    expect(config.pki?.passphraseEnv).toBe('EGOV_CA_PASSPHRASE');
    expect(appEnv.has('EGOV_CA_PASSPHRASE')).toBe(true);
    expect(config.host).toBe('0.0.0.0');
    expect(String(config.port)).toBe(appEnv.get('EGOV_NOC_PORT'));
    expect(config.metrics).toBe(appEnv.get('INFLUX_URL'));
    expect(config.webDist).toBe(`${dockerEnv.get('EGOV_NOC_APP_DIR')}/console/web/dist`);
  });

  it('collect.yaml names the mounted inventory, the same InfluxDB, and the trap port compose publishes', () => {
    const config = parse(configText('collect.yaml')) as {
      inventory: string;
      store: string;
      trapPort: number;
    };
    expect(compose.services.collector?.command).toEqual(['--config', '/etc/egov-noc/collect.yaml']);
    expect(compose.services.collector?.volumes).toContain(
      './config/collect.yaml:/etc/egov-noc/collect.yaml:ro',
    );
    expect(config.inventory).toBe('network/inventory.yaml');
    expect(config.store).toBe(appEnv.get('INFLUX_URL'));
    expect(compose.services.collector?.ports?.some((p) => p.endsWith(`:${config.trapPort}/udp`))).toBe(true);
  });
});

describe('the containers, run directly', () => {
  it('console: ca init as the README says, then serve starts with the compose command and passes the healthcheck', async () => {
    const container = new FakeContainer('console');
    const port = await freePort();
    container.mountConfig('serve.yaml', (config) => {
      config.metrics = `sqlite:${container.path('/var/lib/egov-noc/metrics.sqlite')}`;
      config.host = '127.0.0.1';
      config.port = port;
    });

    const init = container.start([
      'ca',
      'init',
      '--dir',
      '/var/lib/egov-noc/ca',
      '--inventory',
      '/etc/egov-noc/network/inventory.yaml',
    ]);
    expect(await init.exited, `ca init failed:\n${init.out}\n${init.err}`).toBe(0);

    const console = container.start(compose.services.console?.command ?? []);
    await console.waitFor(`egov-noc console on http://127.0.0.1:${port}`);
    // First start: the admin's one-time password is in the log, where docker/README.md says to look.
    expect(console.out).toMatch(/First start: created user "\w+"/);

    const health = await healthcheck({
      PATH: container.env.PATH ?? '',
      EGOV_NOC_ROLE: 'serve',
      EGOV_NOC_PORT: String(port),
    });
    expect(health.err).toBe('');
    expect(health.code).toBe(0);
    expect(await console.stop()).toBe(0);
  });

  it('collector: collect starts with the compose command and config, listens for traps on its port, stops cleanly', async () => {
    const container = new FakeContainer('collector');
    const trapPort = await freePort();
    container.mountConfig('collect.yaml', (config) => {
      config.store = container.path('/var/lib/egov-noc/metrics.sqlite');
      config.trapPort = trapPort;
      config.statusPeriodS = 1;
    });
    const collector = container.start(compose.services.collector?.command ?? []);
    await collector.waitFor(`traps udp/${trapPort}`);
    expect(collector.out).toContain('南阳市电子政务内网 (nanyang)');
    const health = await healthcheck({ PATH: container.env.PATH ?? '', EGOV_NOC_ROLE: 'collect' });
    expect(health.code).toBe(0);
    expect(await collector.stop()).toBe(0);
    expect(collector.out).toContain('stopped after');
  });
});

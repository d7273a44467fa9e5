/** docker/compose.yaml, checked the way `docker compose config` and a first `up` would find mistakes. */
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { CONTAINER_DASHBOARDS_DIR, buildDashboards } from '../../grafana';
import {
  composeText,
  dockerDir,
  exists,
  loadCompose,
  readDockerfile,
  readEnvFile,
  repoRoot,
} from './support';

const compose = loadCompose();
const services = Object.entries(compose.services);
const appServices = ['collector', 'console'] as const;
const dockerfileEnv = new Map(
  readDockerfile()
    .filter((i) => i.stage === 'runtime' && i.keyword === 'ENV')
    .flatMap((i) => [...i.args.matchAll(/(\w+)=(\S+)/g)].map((m) => [m[1] ?? '', m[2] ?? ''] as const)),
);

describe('docker/compose.yaml', () => {
  it('has InfluxDB 1.8, PostgreSQL (the log store), Grafana, the collector, the console and NATS (the events between them), no profiles', () => {
    expect(Object.keys(compose.services).sort()).toEqual([
      'collector',
      'console',
      'grafana',
      'influxdb',
      'nats',
      'postgres',
    ]);
    expect(compose.services.postgres?.image).toMatch(/^postgres:1[4-9]/);
    // The log store stays inside the compose network.
    expect(compose.services.postgres?.ports).toBeUndefined();
    expect(compose.services.influxdb?.image).toBe('influxdb:1.8');
    expect(compose.services.grafana?.image).toMatch(
      /^\$\{GRAFANA_IMAGE:-grafana\/grafana:1[2-9]\.\d+\.\d+\}$/,
    );
    expect(compose.services.nats?.image).toMatch(/^nats:2\.\d+/);
    for (const [name, service] of services) expect(service.profiles, name).toBeUndefined();
    // NATS stays inside the compose network unless the scale-out override publishes it.
    expect(compose.services.nats?.ports).toBeUndefined();
  });

  it('compose.scale-out.yaml only publishes NATS for collectors on other machines', () => {
    const override = parse(readFileSync(join(dockerDir, 'compose.scale-out.yaml'), 'utf8')) as {
      services: Record<string, { ports?: string[] }>;
    };
    expect(Object.keys(override.services)).toEqual(['nats']);
    expect(override.services.nats?.ports).toEqual(['${NATS_PORT:-4222}:4222']);
  });

  it('every service has a pinned image or a build whose Dockerfile exists in the repository', () => {
    for (const [name, service] of services) {
      expect(service.image ?? service.build, name).toBeDefined();
      if (service.image !== undefined) expect(service.image, name).not.toMatch(/:latest$|^[^:]+$/);
      if (service.build !== undefined) {
        const context = resolve(dockerDir, service.build.context);
        expect(context, name).toBe(repoRoot);
        expect(exists(context, service.build.dockerfile), `${name}: ${service.build.dockerfile}`).toBe(true);
      }
    }
  });

  it('the collector and the console are the same image in different roles, started under an init process', () => {
    const [collector, console] = appServices.map((name) => compose.services[name]);
    expect(collector?.image).toBe(console?.image);
    expect(collector?.build).toEqual(console?.build);
    expect(collector?.environment?.EGOV_NOC_ROLE).toBe('collect');
    expect(console?.environment?.EGOV_NOC_ROLE).toBe('serve');
    for (const name of appServices) {
      const service = compose.services[name];
      expect(service?.init, name).toBe(true);
      expect(service?.read_only, name).toBe(true);
      expect(service?.depends_on?.influxdb?.condition, name).toBe('service_healthy');
      expect(service?.depends_on?.nats?.condition, name).toBe('service_started');
      expect(service?.depends_on?.postgres?.condition, name).toBe('service_healthy');
      expect(
        compose.services.influxdb?.healthcheck?.test,
        'influxdb needs a healthcheck to be depended on',
      ).toBeDefined();
    }
  });

  it('ports: well-formed, no host port used twice, and each container port is one the service listens on', () => {
    const hostPorts = new Set<string>();
    const listens: Record<string, string[]> = {
      console: [`${dockerfileEnv.get('EGOV_NOC_PORT')}/tcp`],
      collector: ['1162/udp', '1514/udp', '1514/tcp'],
      grafana: ['3000/tcp'],
      nats: ['4222/tcp'],
    };
    for (const [name, service] of services) {
      for (const port of service.ports ?? []) {
        const match = /^(?:(\d+\.\d+\.\d+\.\d+):)?(\$\{\w+:-\d+\}|\d+):(\d+)(?:\/(tcp|udp))?$/.exec(port);
        expect(match, `${name}: ${port}`).not.toBeNull();
        const host = `${match?.[2]}/${match?.[4] ?? 'tcp'}`;
        expect(hostPorts.has(host), `${name}: host port ${host} used twice`).toBe(false);
        hostPorts.add(host);
        expect(listens[name], `${name} publishes ${port}`).toContain(`${match?.[3]}/${match?.[4] ?? 'tcp'}`);
      }
    }
    // The image declares the ports its roles listen on.
    const exposed =
      readDockerfile()
        .find((i) => i.stage === 'runtime' && i.keyword === 'EXPOSE')
        ?.args.split(' ') ?? [];
    expect(exposed).toEqual(
      expect.arrayContaining([dockerfileEnv.get('EGOV_NOC_PORT'), '1162/udp', '1514/udp', '1514/tcp']),
    );
  });

  it('volumes: bind-mounted host paths exist in the repository, configs are read-only, named volumes are declared', () => {
    for (const [name, service] of services) {
      for (const volume of service.volumes ?? []) {
        const [source = '', target = '', mode] = volume.split(':');
        expect(target, `${name}: ${volume}`).toMatch(/^\//);
        if (source.startsWith('.') || source.startsWith('/')) {
          expect(
            exists(resolve(dockerDir, source)),
            `${name}: host path ${source} (relative to docker/)`,
          ).toBe(true);
          expect(mode, `${name}: bind mount ${volume} must be read-only`).toBe('ro');
        } else {
          expect(Object.keys(compose.volumes), `${name}: volume ${source} not declared`).toContain(source);
        }
      }
    }
    const declared = Object.keys(compose.volumes);
    const used = services.flatMap(([, s]) => (s.volumes ?? []).map((v) => v.split(':')[0]));
    for (const volume of declared) expect(used, `volume ${volume} declared but unused`).toContain(volume);
  });

  it('the app state and the CA keys live in volumes at the paths the image uses; CA keys only in the console', () => {
    const dataDir = dockerfileEnv.get('EGOV_NOC_DATA_DIR');
    const caDir = dockerfileEnv.get('EGOV_NOC_CA_DIR');
    expect(dataDir).toBe('/var/lib/egov-noc');
    expect(caDir).toBe('/var/lib/egov-noc/ca');
    for (const name of appServices) {
      expect(
        compose.services[name]?.volumes?.some((v) => v.endsWith(`:${dataDir}`)),
        name,
      ).toBe(true);
      expect(compose.services[name]?.volumes).toContain('../configs:/etc/egov-noc/network:ro');
    }
    expect(compose.services.console?.volumes).toContain(`ca-keys:${caDir}`);
    expect(compose.services.collector?.volumes?.some((v) => v.startsWith('ca-keys:'))).toBe(false);
  });

  it('Grafana mounts the provisioning files and dashboards that `egov-noc grafana export` writes', () => {
    const volumes = compose.services.grafana?.volumes ?? [];
    expect(volumes).toContain('./grafana/provisioning:/etc/grafana/provisioning:ro');
    expect(volumes).toContain(`./grafana/dashboards:${CONTAINER_DASHBOARDS_DIR}:ro`);
    expect(
      readdirSync(join(dockerDir, 'grafana', 'dashboards')).filter((f) => f.endsWith('.json')),
    ).toHaveLength(buildDashboards().length);
    const datasource = parse(
      readFileSync(join(dockerDir, 'grafana', 'provisioning', 'datasources', 'egov-noc.yaml'), 'utf8'),
    ) as {
      datasources: Array<{ url: string; jsonData: { dbName: string } }>;
    };
    // Grafana reaches InfluxDB by its compose service name, on the database the InfluxDB image creates.
    expect(datasource.datasources[0]?.url).toBe('http://influxdb:8086');
    expect(datasource.datasources[0]?.jsonData.dbName).toBe(
      readEnvFile(join(dockerDir, 'influxdb.env.example')).get('INFLUXDB_DB'),
    );
  });
});

describe('environment and secrets', () => {
  it('every env_file has a committed .example, and the real file is git-ignored', () => {
    const envFiles = new Set(services.flatMap(([, s]) => s.env_file ?? []));
    expect(envFiles.size).toBeGreaterThanOrEqual(3);
    for (const file of envFiles) {
      expect(exists(dockerDir, `${file}.example`), `${file}.example`).toBe(true);
      expect(gitIgnored(join('docker', file)), `docker/${file} must be git-ignored`).toBe(true);
      expect(gitIgnored(join('docker', `${file}.example`)), `docker/${file}.example must be committed`).toBe(
        false,
      );
    }
    expect(gitIgnored('docker/.env')).toBe(true);
  });

  it('every ${VAR} compose.yaml interpolates is documented in compose.env.example', () => {
    const documented = readEnvFile(join(dockerDir, 'compose.env.example'));
    // `$${X}` is an escaped dollar for the container's shell, not compose interpolation.
    const text = composeText() + readFileSync(join(dockerDir, 'compose.scale-out.yaml'), 'utf8');
    const used = [...text.matchAll(/(?<!\$)\$\{(\w+)(?::?-[^}]*)?\}/g)].map((m) => m[1] ?? '');
    expect(used.length).toBeGreaterThan(3);
    for (const name of used)
      expect(documented.has(name), `${name} missing from compose.env.example`).toBe(true);
  });

  it('every $VAR in the Grafana provisioning files, and every variable the InfluxDB healthcheck uses, is in its env example', () => {
    const grafanaEnv = readEnvFile(join(dockerDir, 'grafana.env.example'));
    for (const file of ['datasources', 'dashboards']) {
      const text = readFileSync(join(dockerDir, 'grafana', 'provisioning', file, 'egov-noc.yaml'), 'utf8');
      for (const m of text.matchAll(/\$\{?(\w+)\}?/g))
        expect(grafanaEnv.has(m[1] ?? ''), `${file}: ${m[0]}`).toBe(true);
    }
    const influxEnv = readEnvFile(join(dockerDir, 'influxdb.env.example'));
    const healthcheck = (compose.services.influxdb?.healthcheck?.test ?? []).join(' ');
    for (const m of healthcheck.matchAll(/\$\$\{(\w+)\}/g))
      expect(influxEnv.has(m[1] ?? ''), m[0]).toBe(true);
  });

  it('credentials agree across the env examples (same user names, same database)', () => {
    const app = readEnvFile(join(dockerDir, 'egov-noc.env.example'));
    const influx = readEnvFile(join(dockerDir, 'influxdb.env.example'));
    const grafana = readEnvFile(join(dockerDir, 'grafana.env.example'));
    const postgres = readEnvFile(join(dockerDir, 'postgres.env.example'));
    expect(app.get('EGOV_NOC_LOGSTORE_USER')).toBe(postgres.get('POSTGRES_USER'));
    for (const config of ['collect.yaml', 'serve.yaml']) {
      const logStore = (
        parse(readFileSync(join(dockerDir, 'config', config), 'utf8')) as { logStore?: string }
      ).logStore;
      expect(logStore, config).toBe(`postgres://postgres:5432/${postgres.get('POSTGRES_DB')}`);
    }
    expect(app.get('INFLUX_URL')).toBe(`influx://influxdb:8086/${influx.get('INFLUXDB_DB')}`);
    expect(app.get('INFLUX_USERNAME')).toBe(influx.get('INFLUXDB_ADMIN_USER'));
    expect(grafana.get('INFLUX_READ_USER')).toBe(influx.get('INFLUXDB_READ_USER'));
    expect(influx.get('INFLUXDB_HTTP_AUTH_ENABLED')).toBe('true');
    expect(app.get('EGOV_NOC_PORT')).toBe(dockerfileEnv.get('EGOV_NOC_PORT'));
    // Templates carry placeholders, never a real secret.
    for (const [file, env] of [
      ['egov-noc', app],
      ['influxdb', influx],
      ['grafana', grafana],
      ['postgres', postgres],
    ] as const) {
      for (const [key, value] of env)
        if (/PASSWORD|PASSPHRASE|TOKEN|SECRET/.test(key)) expect(value, `${file}: ${key}`).toBe('CHANGE_ME');
    }
  });

  it('every environment variable the running product reads is documented for operators', () => {
    const runtimeDirs = [
      'bin',
      'cli',
      'inventory',
      'bus',
      'simulator',
      'collector',
      'metrics',
      'alerts',
      'pki',
      'console/server',
      'console/shared',
      'grafana',
      'demo',
    ];
    const documented = [
      ...readdirSync(dockerDir)
        .filter((f) => f.endsWith('.env.example'))
        .map((f) => readFileSync(join(dockerDir, f), 'utf8')),
      readFileSync(join(dockerDir, 'README.md'), 'utf8'),
    ].join('\n');
    const missing: string[] = [];
    for (const dir of runtimeDirs.filter((d) => exists(repoRoot, d))) {
      for (const file of sourceFiles(join(repoRoot, dir))) {
        const text = readFileSync(file, 'utf8');
        // cli/environment.ts reads each variable as get('NAME').
        const reads =
          /process\.env\.(\w+)|process\.env\[['"](\w+)['"]\]|_ENV = '(\w+)'|\bget\('([A-Z][A-Z0-9_]*)'\)/g;
        for (const m of text.matchAll(reads)) {
          const name = m[1] ?? m[2] ?? m[3] ?? m[4] ?? '';
          if (!new RegExp(`\\b${name}\\b`).test(documented))
            missing.push(`${name} (${file.slice(repoRoot.length + 1)})`);
        }
      }
    }
    expect(missing, 'document these in docker/*.env.example or docker/README.md').toEqual([]);
  });
});

function gitIgnored(path: string): boolean {
  try {
    execFileSync('git', ['check-ignore', '-q', '--no-index', path], { cwd: repoRoot, stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && /\.(ts|js)$/.test(e.name))
    .map((e) => join(e.parentPath, e.name));
}

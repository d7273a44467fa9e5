/**
 * The collector and console services as compose starts them — same entrypoint, same command, same
 * environment, same config files — with the container's folders mapped into a temp dir, and the
 * InfluxDB store swapped for an embedded one (no InfluxDB in unit tests; test/integration/docker-stack
 * runs them on a real influxd). The console is set up with the README's first-start steps (ca init),
 * then the image's healthcheck is run against it.
 */
import { parse } from 'yaml';
import { afterEach, describe, expect, it } from 'vitest';
import { parseServeConfig } from '../../console/server/config';
import { freePort } from '../support/influxd';
import { freeUdpPort } from '../support/snmpd';
import {
  FakeContainer,
  appEnv,
  compose,
  configText,
  dockerEnv,
  healthcheck,
  killContainers,
} from './container';

afterEach(killContainers);

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
    // The collector's events reach the console over the compose stack's NATS.
    expect(config.bus).toBe('nats://nats:4222');
    expect(compose.services.nats).toBeDefined();
  });

  it('collect.yaml names the mounted inventory, the same InfluxDB, and the trap port compose publishes', () => {
    const config = parse(configText('collect.yaml')) as {
      inventory: string;
      store: string;
      trapPort: number;
      bus: string;
    };
    expect(compose.services.collector?.command).toEqual(['--config', '/etc/egov-noc/collect.yaml']);
    expect(compose.services.collector?.volumes).toContain(
      './config/collect.yaml:/etc/egov-noc/collect.yaml:ro',
    );
    expect(config.inventory).toBe('network/inventory.yaml');
    expect(config.bus).toBe('nats://nats:4222');
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
      config.bus = 'memory'; // no NATS in unit tests (test/integration/docker-stack crosses a real one)
      config.logStore = `sqlite:${container.path('/var/lib/egov-noc/logs.sqlite')}`; // no PostgreSQL here
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
    const afterStop = await healthcheck({
      PATH: container.env.PATH ?? '',
      EGOV_NOC_ROLE: 'serve',
      EGOV_NOC_PORT: String(port),
    });
    expect(afterStop.code).toBe(1);
    expect(afterStop.err).toContain(`GET http://127.0.0.1:${port}/healthz failed`);
  });

  it('collector: collect starts with the compose command and config, listens for traps on its port, stops cleanly', async () => {
    const container = new FakeContainer('collector');
    // UDP listeners: ports below the ephemeral range, so concurrent tests' agents cannot hold them.
    const trapPort = await freeUdpPort();
    const syslogPort = await freeUdpPort();
    const opsPort = await freePort();
    container.mountConfig('collect.yaml', (config) => {
      expect(config.opsListen).toBe(
        `127.0.0.1:${compose.services.collector?.environment?.EGOV_NOC_OPS_PORT}`,
      );
      config.opsListen = `127.0.0.1:${opsPort}`;
      config.store = container.path('/var/lib/egov-noc/metrics.sqlite');
      config.bus = 'memory';
      config.trapPort = trapPort;
      config.syslog = { ...(config.syslog as object), port: syslogPort, address: '127.0.0.1' };
      config.logStore = `sqlite:${container.path('/var/lib/egov-noc/logs.sqlite')}`; // no PostgreSQL here
      config.statusPeriodS = 1;
    });
    const collector = container.start(compose.services.collector?.command ?? []);
    await collector.waitFor(`traps udp/${trapPort}`);
    await collector.waitFor(`syslog listening on`);
    expect(collector.out).toContain('南阳市电子政务内网 (nanyang)');
    await collector.waitFor(`/healthz /readyz /metrics on http://127.0.0.1:${opsPort}`);
    const health = await healthcheck({
      PATH: container.env.PATH ?? '',
      EGOV_NOC_ROLE: 'collect',
      EGOV_NOC_OPS_PORT: String(opsPort),
    });
    expect(health.err).toBe('');
    expect(health.code).toBe(0);
    const ready = await fetch(`http://127.0.0.1:${opsPort}/readyz`);
    // The compose collector keeps device logs: its log store is one of the checks.
    expect(await ready.json()).toEqual({
      status: 'ready',
      checks: { 'metrics-store': 'ok', bus: 'ok', 'log-store': 'ok' },
    });
    expect(await collector.stop()).toBe(0);
    expect(collector.out).toContain('stopped after');
  });
});

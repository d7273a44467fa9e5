import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import type { LogStore } from '../../logs';
import type { PkiService } from '../../pki';
import { readEnvironment } from '../environment';
import { fail } from '../fail';
import { METRICS_TOKEN_ENV } from './ops-flags';

export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('run the console server (REST API, WebSocket stream, PKI CRL/OCSP, web app)')
    .requiredOption(
      '--config <file>',
      'serve config YAML (inventory, metrics store, state dir, port, tls, pki)',
    )
    .option('--tls', 'serve HTTPS (certificate from tls.certFile/keyFile, or issued by the CA for tls.node)')
    .option('--port <n>', 'override the configured port', (value) => Number(value))
    .action(async (opts: { config: string; tls?: boolean; port?: number }) => {
      const { formatRulesError, loadAlertRules, startAlertEngine } = await import('../../alerts');
      const { redactNatsUrl } = await import('../../bus');
      const { openBus } = await import('./bus-options');
      const { createLogger } = await import('../../common');
      const { ensureFirstAdmin, startConsoleServer, startPkiSchedule } = await import('../../console/server');
      const { readServeConfig } = await import('../../console/server/config');
      const { consoleTlsFromCa, operatorCaBundle } = await import('../../console/server/tls');
      const { loadInventory, formatInventoryError } = await import('../../inventory');
      const { openMetricsStore } = await import('../../metrics');
      const { describeLogStoreSpec, openLogStore, parseLogStoreSpec } = await import('../../logs');
      const { createPkiHttpApp } = await import('../../pki/http');
      const { directoryFromTopology, openCa } = await import('../../pki');
      const environment = readEnvironment();
      const loaded = readServeConfig(opts.config);
      if (!loaded.ok) {
        for (const error of loaded.errors) process.stderr.write(`${error}\n`);
        fail(`${loaded.errors.length} problem(s) in ${opts.config}`, 2);
      }
      const config = loaded.config;
      const log = createLogger({ level: environment.logLevel ?? 'info' });

      const inventory = loadInventory(config.inventory);
      if (!inventory.ok) {
        for (const error of inventory.errors) process.stderr.write(`${formatInventoryError(error)}\n`);
        fail(`the inventory ${config.inventory} has errors`, 2);
      }
      const { topology } = inventory;

      let pki: PkiService | null = null;
      let caPassphrase = '';
      if (config.pki) {
        const passphrase = environment.named[config.pki.passphraseEnv];
        if (passphrase === undefined)
          fail(`set ${config.pki.passphraseEnv} to the CA passphrase (pki.dir ${config.pki.dir})`);
        const opened = openCa(config.pki.dir, passphrase, { nodes: directoryFromTopology(topology) });
        if (!opened.ok) fail(`cannot open the CA in ${config.pki.dir}: ${opened.reason}`);
        pki = opened.value;
        caPassphrase = passphrase;
      }

      let tls: { certPem: string; keyPem: string; clientCaPem?: string } | undefined;
      if (opts.tls || config.tls.enabled) {
        if (config.tls.certFile && config.tls.keyFile) {
          tls = {
            certPem: readFileSync(config.tls.certFile, 'utf8'),
            keyPem: readFileSync(config.tls.keyFile, 'utf8'),
          };
        } else if (config.tls.node) {
          if (!pki) fail('tls.node needs a CA: add a pki section (dir, passphraseEnv) to the config');
          const material = consoleTlsFromCa(pki, config.tls.node, config.stateDir);
          if (!material.ok) fail(material.reason);
          if (material.issued)
            log.info({ node: config.tls.node }, 'issued the console TLS certificate from the project CA');
          tls = { certPem: material.certPem, keyPem: material.keyPem };
        } else {
          fail('--tls needs tls.certFile + tls.keyFile, or tls.node (with a pki section) in the config');
        }
        // Operators sign in with the certificates our CA issues them (mutual TLS, optional per client).
        if (pki) tls.clientCaPem = operatorCaBundle(pki);
      }
      if (config.audit.retentionDays < 180)
        log.warn(
          { retentionDays: config.audit.retentionDays },
          'the console audit is kept under 180 days (audit.allowUnder180): below 网络安全法 §21',
        );

      // Before the stores open: every problem as file:line field, header secrets against the environment.
      const rules = loadAlertRules(config.alerts.rules, environment.named);
      if (!rules.ok) {
        for (const error of rules.errors) process.stderr.write(`${formatRulesError(error)}\n`);
        fail(`${rules.errors.length} problem(s) in the alert rules`, 2);
      }

      const metrics = openMetricsStore(config.metrics, {
        logger: log.child({ part: 'metrics' }),
        ...(environment.influxCredentials ? { credentials: environment.influxCredentials } : {}),
      });
      await metrics.init();
      // Read only: `collect --log-store` (or the demo) writes the events, the console searches them.
      const logStoreSpec = config.logStore as string;
      let logStore: LogStore;
      try {
        const parsedSpec = parseLogStoreSpec(logStoreSpec);
        logStore = openLogStore(logStoreSpec, {
          logger: log.child({ part: 'log-store' }),
          credentials: {
            ...(environment.logStore.user === undefined ? {} : { user: environment.logStore.user }),
            ...(environment.logStore.password === undefined
              ? {}
              : { password: environment.logStore.password }),
          },
        });
        // SQLite: make the file and tables so searches answer (empty) before collect first writes.
        // PostgreSQL: no init, so a SELECT-only account is enough.
        if (parsedSpec.kind === 'sqlite') await logStore.init();
        log.info({ logStore: describeLogStoreSpec(parsedSpec) }, 'log store for security events');
      } catch (error) {
        fail(`logStore: ${(error as Error).message}`, 2);
      }
      // A durable consumer: events published while the console is down are handled when it is back, once.
      const bus = await openBus(config.bus, environment.nats, {
        name: environment.nats.consumer ?? 'console',
        handledLogPath: join(config.stateDir, 'bus-handled.sqlite'),
      }).catch((error: unknown) =>
        fail(`event bus ${redactNatsUrl(config.bus ?? 'memory')}: ${(error as Error).message}`),
      );
      const alertsDbPath = config.alerts.db ?? join(config.stateDir, 'alerts.sqlite');
      const alerts = await startAlertEngine({
        topology,
        bus,
        log: log.child({ part: 'alerts' }),
        env: environment.named,
        dbPath: alertsDbPath,
        rules: rules.rules,
        ...(config.alerts.pollIntervalS ? { pollIntervalS: config.alerts.pollIntervalS } : {}),
      });

      // After the alert engine subscribed, so expiry warnings due at start become alerts.
      const stopPkiSchedule =
        pki && config.pki
          ? startPkiSchedule({
              pki,
              bus,
              topology,
              passphrase: caPassphrase,
              log: log.child({ part: 'pki' }),
              intervalMs: config.pki.scheduleIntervalS * 1000,
            })
          : () => undefined;

      const { startServeReportSchedule } = await import('./serve-report-schedule');
      const reportSchedule = await startServeReportSchedule({
        config,
        topology,
        metrics,
        logStore,
        alertsDbPath,
        pki,
        utcOffsetMin: rules.rules.settings.utcOffsetMin,
        env: environment.named,
        log: log.child({ part: 'reports' }),
        bus,
      });

      const firstAdmin = await ensureFirstAdmin(config.stateDir);
      if (firstAdmin)
        process.stdout.write(
          `\nFirst start: created user "${firstAdmin.username}" with password ${firstAdmin.password}\n` +
            'It is shown only this once; sign in and change it, or add users with "egov-noc user add".\n\n',
        );

      const server = await startConsoleServer({
        topology,
        bus,
        alerts,
        pki,
        pkiHttp: pki ? createPkiHttpApp(pki) : null,
        metrics,
        securityEvents: logStore,
        stateDir: config.stateDir,
        host: config.host,
        allowedHosts: config.allowedHosts,
        port: opts.port ?? config.port,
        sessionTtlMs: config.sessionTtlMin * 60_000,
        ...(environment.secretKeyFile === undefined ? {} : { secretKeyFile: environment.secretKeyFile }),
        metricsAccess: { token: environment.named[METRICS_TOKEN_ENV] ?? null },
        auditRetentionDays: config.audit.retentionDays,
        log: log.child({ part: 'console' }),
        ...(tls ? { tls } : {}),
        ...(config.webDist ? { webDist: config.webDist } : {}),
      });
      process.stdout.write(`egov-noc console on ${server.url}\n`);

      const shutdown = async () => {
        await server.stop();
        reportSchedule?.stop();
        stopPkiSchedule();
        await alerts.stop();
        await metrics.close();
        await logStore.close();
        pki?.close();
        process.exit(0);
      };
      process.once('SIGINT', () => void shutdown());
      process.once('SIGTERM', () => void shutdown());
    });
}

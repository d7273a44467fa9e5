import { dirname, resolve } from 'node:path';
import type { Command } from 'commander';
import type { ControlFile } from '../../simulator/control-file';
import { DEFAULT_CONTROL_FILE } from '../../simulator/control-file-path';
import { fail } from '../fail';

const port = (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) fail(`expected a port number (0–65535), got "${value}"`);
  return n;
};

const addressMode = (value: string): 'shared' | 'loopback' => {
  if (value !== 'shared' && value !== 'loopback')
    fail(`--addresses: expected shared or loopback, got "${value}"`);
  return value;
};

const hostPort = (value: string) => {
  const match = /^(.+):(\d+)$/.exec(value);
  if (!match) fail(`expected host:port, got "${value}"`);
  const host = (match[1] as string).replace(/^\[(.*)\]$/, '$1');
  return { host, port: port(match[2] as string) };
};

/** `5`, `5/s` or `0.5/s`: lines per second (bounds checked by the simulator's own rule). */
const linesPerSecond = (value: string) => {
  const match = /^(\d{1,6}(?:\.\d{1,3})?)(?:\/s)?$/.exec(value.trim());
  if (!match) fail(`expected lines per second such as 2 or 2/s, got "${value}"`);
  return Number(match[1]);
};

export function registerSimulateCommand(program: Command): void {
  program
    .command('simulate')
    .description(
      'run a simulated network: one SNMP agent (v2c + v3) per inventory node on loopback, until Ctrl-C',
    )
    .requiredOption('--inventory <file>', 'inventory YAML')
    .option('--manifest <file>', 'write the agents (id, host, port, credentials) as JSON here (mode 0600)')
    .option(
      '--trap-target <host:port>',
      'send traps (linkDown, linkUp, coldStart) here: v2c agents SNMPv2c, v3 agents SNMPv3 with their user',
      hostPort,
    )
    .option('--trap-community <name>', "community v2c agents' traps carry (default: each agent's own)")
    .option(
      '--control-file <file>',
      `write the control endpoint's URL and bearer token here (mode 0600) for egov-noc fault`,
      DEFAULT_CONTROL_FILE,
    )
    .option('--control-port <port>', 'control endpoint port on 127.0.0.1 (0 = any free port)', port, 0)
    .option('--base-port <port>', 'first agent port; agent i listens on base+i (0 = any free ports)', port, 0)
    .option(
      '--addresses <mode>',
      'shared: every agent on 127.0.0.1, a port each; loopback: each agent on its own address, 10.a.b.c → 127.a.b.c, at --port',
      addressMode,
      'shared',
    )
    .option(
      '--port <port>',
      'with --addresses loopback: the port every agent listens on (161 needs root)',
      port,
      161,
    )
    .option(
      '--syslog-target <host:port>',
      "send each node's syslog here (UDP, its vendor's format, from its agent's port, HOSTNAME = node id)",
      hostPort,
    )
    .option(
      '--syslog-rate <n/s>',
      'background log chatter for the whole network, lines/s (default: each node once per 10 min, at least 1; max 100)',
      linesPerSecond,
    )
    .action(
      async (opts: {
        inventory: string;
        manifest?: string;
        trapTarget?: { host: string; port: number };
        trapCommunity?: string;
        controlFile: string;
        controlPort: number;
        basePort: number;
        addresses: 'shared' | 'loopback';
        port: number;
        syslogTarget?: { host: string; port: number };
        syslogRate?: number;
      }) => {
        const { formatInventoryError, loadInventory } = await import('../../inventory');
        const { ensurePrivateDir, writePrivateFile } = await import('../../common');
        const { startSimulator, chatterRateProblem, defaultChatterPerS } = await import('../../simulator');
        if (opts.syslogRate !== undefined) {
          if (!opts.syslogTarget) fail('--syslog-rate needs --syslog-target host:port');
          const problem = chatterRateProblem(opts.syslogRate);
          if (problem) fail(`--syslog-rate: ${problem}`);
        }
        if (opts.addresses === 'loopback' && opts.basePort !== 0)
          fail('--base-port applies to --addresses shared; with loopback every agent listens on --port');
        if (opts.addresses === 'loopback' && opts.port === 0) fail('--port needs a port 1–65535, not 0');
        if (opts.syslogTarget?.port === 0) fail('--syslog-target needs a port 1–65535, not 0');
        const loaded = loadInventory(opts.inventory);
        if (!loaded.ok) {
          for (const error of loaded.errors) process.stderr.write(`${formatInventoryError(error)}\n`);
          fail(`${loaded.errors.length} error(s) in ${opts.inventory}`, 2);
        }
        const started = Date.now();
        let sim;
        try {
          sim = await startSimulator({
            topology: loaded.topology,
            basePort: opts.basePort,
            addresses: opts.addresses,
            port: opts.port,
            controlPort: opts.controlPort,
            ...(opts.trapCommunity === undefined ? {} : { trapCommunity: opts.trapCommunity }),
            ...(opts.trapTarget ? { trapTarget: opts.trapTarget } : {}),
            ...(opts.syslogTarget ? { syslogTarget: opts.syslogTarget } : {}),
            ...(opts.syslogRate === undefined ? {} : { syslogRatePerS: opts.syslogRate }),
          });
        } catch (error) {
          fail(`cannot start the simulator: ${(error as Error).message}`);
        }
        const ports = sim.manifest.map((m) => m.port);
        const v3 = sim.manifest.filter((m) => m.v3).length;
        // The manifest holds communities and v3 keys; the control file the token: owner-only files.
        if (opts.manifest) writePrivateFile(opts.manifest, `${JSON.stringify(sim.manifest, null, 2)}\n`);
        const controlFile = resolve(opts.controlFile);
        const control: ControlFile = { url: sim.controlUrl, token: sim.controlToken };
        try {
          if (opts.controlFile === DEFAULT_CONTROL_FILE) ensurePrivateDir(dirname(controlFile));
          writePrivateFile(controlFile, `${JSON.stringify(control)}\n`);
        } catch (error) {
          await sim.stop();
          fail(
            `cannot write the control file ${controlFile}: ${(error as NodeJS.ErrnoException).code ?? 'error'} (choose another with --control-file)`,
          );
        }
        const where =
          opts.addresses === 'loopback'
            ? `their own loopback addresses (10.a.b.c → 127.a.b.c) at port ${opts.port}`
            : '127.0.0.1';
        console.log(
          `${loaded.topology.network.name}: ${sim.manifest.length} agents on ${where} (${sim.manifest.length - v3} v2c, ${v3} v3) started in ${Date.now() - started} ms`,
        );
        console.log(
          `${opts.addresses === 'loopback' ? `addresses: ${sim.manifest[0]?.host ?? ''} …` : `ports: ${Math.min(...ports)}–${Math.max(...ports)}`}${opts.manifest ? `, manifest: ${opts.manifest}` : ''}`,
        );
        console.log(
          `control: ${sim.controlUrl}, token in ${controlFile}   (egov-noc fault list --control-file ${controlFile})`,
        );
        const trapCommunity =
          opts.trapCommunity === undefined ? "each agent's own community" : 'the --trap-community';
        console.log(
          `traps: ${opts.trapTarget ? `${opts.trapTarget.host}:${opts.trapTarget.port} (v2c with ${trapCommunity}; v3 agents sign with their user)` : 'none (--trap-target host:port)'}`,
        );
        console.log(
          `syslog: ${opts.syslogTarget ? `${opts.syslogTarget.host}:${opts.syslogTarget.port} (UDP from each agent's port, HOSTNAME = node id; chatter ${opts.syslogRate ?? defaultChatterPerS(sim.manifest.length)} lines/s)` : 'none (--syslog-target host:port)'}`,
        );
        console.log('Ctrl-C to stop.');
        const running = sim;
        let stopping = false;
        const stop = () => {
          if (stopping) return;
          stopping = true;
          running.stop().then(
            () => {
              console.log('simulator stopped');
              process.exit(0);
            },
            (error: unknown) => fail(`stopping the simulator failed: ${(error as Error).message}`),
          );
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      },
    );
}

import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { formatInventoryError, loadInventory } from '../../inventory';
import { startSimulator } from '../../simulator';
import { fail } from '../fail';

const port = (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) fail(`expected a port number (0–65535), got "${value}"`);
  return n;
};

const hostPort = (value: string) => {
  const match = /^(.+):(\d+)$/.exec(value);
  if (!match) fail(`expected host:port, got "${value}"`);
  const host = (match[1] as string).replace(/^\[(.*)\]$/, '$1');
  return { host, port: port(match[2] as string) };
};

export function registerSimulateCommand(program: Command): void {
  program
    .command('simulate')
    .description(
      'run a simulated network: one SNMP agent (v2c + v3) per inventory node on 127.0.0.1, until Ctrl-C',
    )
    .requiredOption('--inventory <file>', 'inventory YAML')
    .option('--manifest <file>', 'write the agents (id, host, port, credentials) as JSON here')
    .option('--trap-target <host:port>', 'send SNMPv2c traps (linkDown, linkUp, coldStart) here', hostPort)
    .option('--trap-community <name>', 'community the traps carry', 'public')
    .option('--control-port <port>', 'control endpoint port on 127.0.0.1 (0 = any free port)', port, 0)
    .option('--base-port <port>', 'first agent port; agent i listens on base+i (0 = any free ports)', port, 0)
    .action(
      async (opts: {
        inventory: string;
        manifest?: string;
        trapTarget?: { host: string; port: number };
        trapCommunity: string;
        controlPort: number;
        basePort: number;
      }) => {
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
            controlPort: opts.controlPort,
            trapCommunity: opts.trapCommunity,
            ...(opts.trapTarget ? { trapTarget: opts.trapTarget } : {}),
          });
        } catch (error) {
          fail(`cannot start the simulator: ${(error as Error).message}`);
        }
        const ports = sim.manifest.map((m) => m.port);
        const v3 = sim.manifest.filter((m) => m.v3).length;
        if (opts.manifest) writeFileSync(opts.manifest, `${JSON.stringify(sim.manifest, null, 2)}\n`);
        console.log(
          `${loaded.topology.network.name}: ${sim.manifest.length} agents on 127.0.0.1 (${sim.manifest.length - v3} v2c, ${v3} v3) started in ${Date.now() - started} ms`,
        );
        console.log(
          `ports: ${Math.min(...ports)}–${Math.max(...ports)}${opts.manifest ? `, manifest: ${opts.manifest}` : ''}`,
        );
        console.log(`control: ${sim.controlUrl}   (egov-noc fault list --control ${sim.controlUrl})`);
        console.log(
          `traps: ${opts.trapTarget ? `${opts.trapTarget.host}:${opts.trapTarget.port} (community ${opts.trapCommunity})` : 'none (--trap-target host:port)'}`,
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

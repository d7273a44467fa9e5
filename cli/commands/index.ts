import type { Command } from 'commander';
import { registerBenchCommand } from './bench';
import { registerFaultCommand } from './fault';
import { registerGrafanaCommand } from './grafana';
import { registerInventoryCommand } from './inventory';
import { registerInfluxCommand } from './influx';
import { registerSimulateCommand } from './simulate';
import { registerServeCommand } from './serve';
import { registerUserCommand } from './user';

/** Every subcommand registers itself here; one line per command file. */
export function registerCommands(program: Command): void {
  registerInventoryCommand(program);
  registerInfluxCommand(program);
  registerBenchCommand(program);
  registerGrafanaCommand(program);
  registerSimulateCommand(program);
  registerFaultCommand(program);
  registerServeCommand(program);
  registerUserCommand(program);
}

import type { Command } from 'commander';
import { registerAuditCommand } from './audit';
import { registerBenchCommand } from './bench';
import { registerChecksCommand } from './checks';
import { registerCollectCommand } from './collect';
import { registerCollectorsCommand } from './collectors';
import { registerDemoCommand } from './demo';
import { registerDiscoverCommand } from './discover';
import { registerFaultCommand } from './fault';
import { registerGrafanaCommand } from './grafana';
import { registerInventoryCommand } from './inventory';
import { registerInfluxCommand } from './influx';
import { registerLogsCommand } from './logs';
import { registerSimulateCommand } from './simulate';
import { registerServeCommand } from './serve';
import { registerReportCommand } from './report';
import { registerUserCommand } from './user';
import { registerCaCommand } from './ca';

/** Every subcommand registers itself here; one line per command file. */
export function registerCommands(program: Command): void {
  registerInventoryCommand(program);
  registerCaCommand(program);
  registerInfluxCommand(program);
  registerBenchCommand(program);
  registerGrafanaCommand(program);
  registerSimulateCommand(program);
  registerDiscoverCommand(program);
  registerFaultCommand(program);
  registerDemoCommand(program);
  registerServeCommand(program);
  registerUserCommand(program);
  registerAuditCommand(program);
  registerCollectCommand(program);
  registerChecksCommand(program);
  registerCollectorsCommand(program);
  registerLogsCommand(program);
  registerReportCommand(program);
}

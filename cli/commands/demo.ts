import type { Command } from 'commander';
import { readEnvironment } from '../environment';
import { fail } from '../fail';

interface DemoFlags {
  inventory: string;
  port: string;
  host: string;
  stateDir?: string;
  interval: string;
  scenario: boolean;
  cycle: string;
}

export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description('run the whole product on a simulated network: simulator, collector, alerts, PKI, console')
    .option('--inventory <file>', 'network to simulate', 'configs/examples/nanyang.yaml')
    .option('--port <n>', 'console port (0 = any free port)', '8080')
    .option('--host <address>', 'console address (0.0.0.0 to reach it from outside a container)', '127.0.0.1')
    .option(
      '--state-dir <dir>',
      'keep users, alerts, metrics and the demo CA here (default: a fresh temporary folder)',
    )
    .option('--interval <s>', 'poll interval in seconds', '10')
    .option('--no-scenario', 'do not run the scripted faults')
    .option('--cycle <s>', 'seconds between scripted uplink failures', '240')
    .action(async (flags: DemoFlags) => {
      const { startStack } = await import('../../demo');
      const { createLogger } = await import('../../common');
      const environment = readEnvironment();
      const say = (line: string) => console.log(line);
      const metrics = environment.influxUrl;
      const cycleS = Number(flags.cycle);
      say('egov-noc demo: starting …');
      const stack = await startStack({
        inventoryPath: flags.inventory,
        stateDir: flags.stateDir,
        consolePort: Number(flags.port),
        consoleHost: flags.host,
        pollIntervalS: Number(flags.interval),
        metrics,
        ...(environment.influxCredentials ? { metricsCredentials: environment.influxCredentials } : {}),
        ...(environment.caPassphrase ? { caPassphrase: environment.caPassphrase } : {}),
        log: createLogger({ level: environment.logLevel ?? 'warn' }),
        scenario: flags.scenario
          ? { cycleS, downS: Math.max(10, Math.round(cycleS * 0.4)), firstFaultAfterS: Math.min(20, cycleS) }
          : false,
        say,
      }).catch((error: unknown) =>
        fail(`demo could not start: ${error instanceof Error ? error.message : String(error)}`),
      );

      say(
        `metrics store: ${metrics ? metrics.replace(/\/\/[^@/]*@/, '//***@') : `embedded (${stack.stateDir}/metrics.sqlite)`}`,
      );
      say(`state: ${stack.stateDir}`);
      say('');
      say(`  控制台 console:  ${stack.url}/`);
      if (stack.admin)
        say(`  管理员 admin:    ${stack.admin.username} / ${stack.admin.password}   (shown once)`);
      else say('  users already exist in this state dir; log in with an existing account');
      // 三权分立: the security and the audit administrator of a fresh demo.
      for (const other of stack.otherAdmins)
        say(
          `  ${other.role === 'secadmin' ? '安全管理员' : '审计管理员'} ${other.role}: ${other.username} / ${other.password}   (shown once)`,
        );
      say('');
      say('Ctrl-C stops everything.');

      let stopping = false;
      const stop = () => {
        if (stopping) return;
        stopping = true;
        say('egov-noc demo: stopping …');
        stack.stop().then(
          () => process.exit(0),
          (error: unknown) => {
            console.error(error);
            process.exit(1);
          },
        );
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    });
}

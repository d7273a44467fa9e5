import { Command } from 'commander';
import { registerCommands } from './commands/index';

const program = new Command()
  .name('egov-noc')
  .description('egov-noc — network center console: simulate, collect, alert, certify, serve')
  .showHelpAfterError()
  .configureOutput({ outputError: (text, write) => write(text) });

registerCommands(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  // A store written by a newer release: its message says what to do, a stack would only hide it.
  if (error instanceof Error && error.name === 'SchemaVersionError') {
    console.error(`egov-noc: ${error.message}`);
    process.exit(2);
  }
  // Expected failures are reported by the commands themselves with a one-line reason; anything that
  // reaches here is a bug, so show it whole.
  console.error(error);
  process.exitCode = 1;
}

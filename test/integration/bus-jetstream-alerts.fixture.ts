/**
 * The alert engine as `egov-noc serve` runs it over JetStream (a durable consumer named "console",
 * the bus's SQLite handled log, the engine's own SQLite store), in a process a test kills at the
 * worst moment. argv: NATS_URL STATE_DIR STREAM KILL_AT KILL_AFTER
 * - KILL_AT `after-commit`: SIGKILL itself right after the engine's KILL_AFTER-th event committed
 *   (alerts and event id in one transaction), before the event is acknowledged: it is redelivered.
 * - KILL_AT `before-commit`: SIGKILL itself right after handling the KILL_AFTER-th event, before
 *   the engine commits it: its effect is lost with it, and it is redelivered.
 * - KILL_AT `never`: run until SIGTERM, then print the consumer's counts as JSON.
 */
import { join, resolve } from 'node:path';
import { startAlertEngine } from '../../alerts/index';
import { NatsBus, SqliteHandledLog, type EventBus, type HandledLog } from '../../bus';
import { memoryLogger } from '../../common';
import { loadInventory } from '../../inventory/index';

const [url, stateDir, stream, killAt, killAfterText] = process.argv.slice(2);
if (!url || !stateDir || !stream || !killAt || !killAfterText)
  throw new Error('usage: NATS_URL STATE_DIR STREAM KILL_AT KILL_AFTER');
const killAfter = Number(killAfterText);

/** A handled log that dies at the chosen point of the chosen event. */
function killing(log: HandledLog): HandledLog {
  let seen = 0;
  const die = () => process.kill(process.pid, 'SIGKILL');
  return {
    has: (id) => log.has(id),
    forgetBefore: (ms) => log.forgetBefore(ms),
    close: () => log.close(),
    handleOnce: (id, atMs, handle, committed) => {
      const nth = ++seen;
      log.handleOnce(
        id,
        atMs,
        () => {
          handle();
          if (killAt === 'before-commit' && nth === killAfter) die();
        },
        () => {
          if (killAt === 'after-commit' && nth === killAfter) die();
          committed();
        },
      );
    },
  };
}

const loaded = loadInventory('configs/examples/nanyang.yaml');
if (!loaded.ok) throw new Error(loaded.errors.map((error) => error.message).join('\n'));
const nats = await NatsBus.connect(url, {
  name: 'console',
  jetstream: {
    mode: 'on',
    stream,
    maxAgeS: 600,
    maxBytes: 64 * 1024 * 1024,
    ackWaitS: 1,
    consumer: 'console',
    handledLog: new SqliteHandledLog(join(stateDir, 'bus-handled.sqlite')),
  },
});
const bus: EventBus = {
  publish: (event) => nats.publish(event),
  subscribe: (type, handler) => nats.subscribe(type, handler),
  subscribeAll: (handler, options) =>
    nats.subscribeAll(handler, options?.handled ? { handled: killing(options.handled) } : options),
};
const engine = await startAlertEngine({
  topology: loaded.topology,
  bus,
  dbPath: join(stateDir, 'alerts.sqlite'),
  // The shipped rules, named from the working directory: the bundle's own location is node_modules/.cache.
  rules: resolve('configs/alert-rules.yaml'),
  log: memoryLogger(),
});
await nats.flush();
process.on('SIGTERM', () => {
  void engine.stop().then(async () => {
    process.stdout.write(`${JSON.stringify(nats.stats().consumed)}\n`);
    await nats.close();
    process.exit(0);
  });
});
process.stdout.write('consuming\n');

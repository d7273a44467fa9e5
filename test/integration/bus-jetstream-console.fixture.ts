/**
 * The console's side of the bus, as `egov-noc serve` opens it (a durable consumer named "console",
 * a SQLite handled log in its state directory), in a process a test can SIGKILL. Each handled event
 * is written to `effects` in the handled log's database, in the same transaction as its id: what
 * the test counts is exactly what was handled.
 * argv: NATS_URL HANDLED_LOG_PATH STREAM
 */
import { NatsBus, SqliteHandledLog } from '../../bus';

const [url, logPath, stream] = process.argv.slice(2);
if (!url || !logPath || !stream) throw new Error('usage: NATS_URL HANDLED_LOG_PATH STREAM');
const handled = new SqliteHandledLog(logPath);
handled.database.exec('CREATE TABLE IF NOT EXISTS effects (node TEXT NOT NULL, pid INTEGER NOT NULL)');
const record = handled.database.prepare('INSERT INTO effects (node, pid) VALUES (?, ?)');
const bus = await NatsBus.connect(url, {
  name: 'console',
  jetstream: {
    mode: 'on',
    stream,
    maxAgeS: 600,
    maxBytes: 64 * 1024 * 1024,
    ackWaitS: 1,
    consumer: 'console',
    handledLog: handled,
  },
});
bus.subscribeAll((event) => {
  if (event.type === 'node.state') record.run(event.node, process.pid);
});
await bus.flush();
process.stdout.write('consuming\n');

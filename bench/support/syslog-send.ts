/** Drive the sender child process (syslog-sender.ts, compiled) from the benchmark. */
import { fork, type ChildProcess } from 'node:child_process';
import { compiledEntry } from './compiled-entry';
import type { SendOrder, SendReport } from './syslog-sender';

export interface Sender {
  send(order: Omit<SendOrder, 'type'>): Promise<SendReport>;
  stop(): void;
}

export function startSender(): Promise<Sender> {
  const child: ChildProcess = fork(compiledEntry('bench-syslog-sender'), [], { stdio: 'inherit' });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`syslog sender exited (${code}) before it was ready`)));
    child.once('message', () => {
      child.removeAllListeners('exit');
      resolve({
        send: (order) =>
          new Promise((done, fail) => {
            const onExit = (code: number | null) => fail(new Error(`syslog sender exited (${code})`));
            child.once('exit', onExit);
            child.once('message', (report: SendReport) => {
              child.off('exit', onExit);
              done(report);
            });
            child.send({ type: 'send', ...order } satisfies SendOrder);
          }),
        stop: () => {
          child.kill();
        },
      });
    });
  });
}

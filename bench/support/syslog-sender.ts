/**
 * Child process of bench/syslog.ts: sends the line mix over UDP to a loopback port at a set rate
 * (messages/s; 0 = as fast as it can) until `count` messages or `maxS` seconds, and reports what the
 * kernel accepted (`sent`) and what failed to send (`sendErrors`). Runs apart from the receiver so the
 * sender's CPU is never counted as the receiver's.
 */
import { createSocket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import { decodeLineFile } from './syslog-lines';

export interface SendOrder {
  type: 'send';
  port: number;
  linesPath: string;
  count: number;
  ratePerS: number;
  maxS: number;
}

export interface SendReport {
  type: 'sent';
  sent: number;
  sendErrors: number;
  elapsedS: number;
}

const TICK_MS = 2;
/** Burst at most this much of a second after a late tick, so pacing stays smooth. */
const MAX_CATCH_UP_S = 0.02;
const FLOOD_BATCH = 256;

function sendAll(order: SendOrder): Promise<SendReport> {
  const lines = decodeLineFile(readFileSync(order.linesPath, 'utf8'));
  const socket = createSocket('udp4');
  let issued = 0;
  let sent = 0;
  let sendErrors = 0;
  let settled = false;
  const start = performance.now();
  const elapsedS = () => (performance.now() - start) / 1000;
  return new Promise((resolve) => {
    const settle = () => {
      if (settled || sent + sendErrors < issued) return;
      settled = true;
      socket.close();
      resolve({ type: 'sent', sent, sendErrors, elapsedS: elapsedS() });
    };
    const onSent = (error: Error | null) => {
      if (error) sendErrors++;
      else sent++;
      if (finished()) settle();
    };
    const finished = () => issued >= order.count || elapsedS() >= order.maxS;
    const issue = (n: number) => {
      for (let i = 0; i < n && issued < order.count; i++) {
        socket.send(lines[issued % lines.length] as Buffer, onSent);
        issued++;
      }
    };
    const tick = () => {
      if (finished()) return settle();
      if (order.ratePerS <= 0) {
        issue(FLOOD_BATCH);
        setImmediate(tick);
        return;
      }
      const due = Math.floor(elapsedS() * order.ratePerS) - issued;
      issue(Math.min(due, Math.ceil(order.ratePerS * MAX_CATCH_UP_S)));
      setTimeout(tick, TICK_MS);
    };
    socket.connect(order.port, '127.0.0.1', tick);
  });
}

process.on('message', (message: SendOrder) => {
  if (message.type !== 'send') return;
  void sendAll(message).then((report) => {
    process.send?.(report);
  });
});
process.on('disconnect', () => process.exit(0));
process.send?.({ type: 'ready' });

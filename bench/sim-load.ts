import { createSocket } from 'node:dgram';
import { BerReader, BerWriter, Tag, encodeOidTlv } from '../simulator/ber';
import { compareOid, startsWith } from '../simulator/oid';

/**
 * Child process of bench/sim.ts: a poller-like load generator that keeps `inflight` GETBULK walks
 * of mib-2 going (max-repetitions 50, like `snmpbulkwalk -Cr50`) without a process start per walk,
 * so the agent under test — not the client — is the limit. Reports varbinds over IPC.
 */
export interface LoadRequest {
  ports: number[];
  community: string;
  durationMs: number;
  inflight: number;
}
export interface LoadReport {
  varbinds: number;
  walks: number;
  timeouts: number;
  elapsedS: number;
}

const ROOT = [1, 3, 6, 1, 2, 1];
const MAX_REPETITIONS = 50;
const TIMEOUT_MS = 2000;

function getBulk(community: Buffer, requestId: number, oid: readonly number[]): Buffer {
  const w = new BerWriter(1024, 256);
  w.reset();
  const tlv = encodeOidTlv(oid);
  w.header(Tag.Sequence, tlv.length + 2);
  w.raw(tlv);
  w.null();
  w.wrap(Tag.Sequence);
  w.prependInt(MAX_REPETITIONS);
  w.prependInt(0);
  w.prependInt(requestId);
  w.wrap(Tag.GetBulkRequest);
  w.prependOctets(community);
  w.prependInt(1);
  w.wrap(Tag.Sequence);
  return w.finish();
}

/** Response → [requestId, varbinds inside ROOT, last OID, walk finished]. */
function readResponse(msg: Buffer): {
  requestId: number;
  count: number;
  last: number[] | null;
  done: boolean;
} {
  const r = new BerReader(msg);
  r.enter(Tag.Sequence);
  r.readInt();
  r.readOctets();
  r.enter(Tag.Response);
  const requestId = r.readInt();
  const errorStatus = r.readInt();
  r.readInt();
  const end = r.enter(Tag.Sequence);
  let count = 0;
  let last: number[] | null = null;
  let done = errorStatus !== 0;
  while (r.pos < end && !done) {
    const vbEnd = r.enter(Tag.Sequence);
    const { oid } = r.readOid();
    const tag = r.peekTag();
    if (tag === Tag.EndOfMibView || !startsWith(oid, ROOT) || (last && compareOid(oid, last) <= 0))
      done = true;
    else {
      count++;
      last = oid;
    }
    r.pos = vbEnd;
  }
  return { requestId, count, last, done: done || count === 0 };
}

export function runLoad(req: LoadRequest): Promise<LoadReport> {
  const socket = createSocket('udp4');
  const community = Buffer.from(req.community);
  const report: LoadReport = { varbinds: 0, walks: 0, timeouts: 0, elapsedS: 0 };
  const pending = new Map<number, { port: number; sentAt: number }>();
  let nextRequestId = 1;
  let nextPort = 0;
  const started = Date.now();
  const deadline = started + req.durationMs;

  return new Promise((resolve) => {
    const send = (port: number, oid: readonly number[]) => {
      const requestId = nextRequestId++;
      pending.set(requestId, { port, sentAt: Date.now() });
      socket.send(getBulk(community, requestId, oid), port, '127.0.0.1');
    };
    const startWalk = () => {
      if (Date.now() >= deadline) return;
      send(req.ports[nextPort++ % req.ports.length] as number, ROOT);
    };
    const finish = () => {
      if (pending.size > 0 && Date.now() < deadline + TIMEOUT_MS) return;
      clearInterval(sweeper);
      report.elapsedS = (Date.now() - started) / 1000;
      socket.close(() => resolve(report));
    };
    socket.on('message', (msg) => {
      const res = readResponse(msg);
      const walk = pending.get(res.requestId);
      if (!walk) return;
      pending.delete(res.requestId);
      report.varbinds += res.count;
      if (res.done || !res.last || Date.now() >= deadline) {
        report.walks++;
        startWalk();
      } else send(walk.port, res.last);
      if (Date.now() >= deadline) finish();
    });
    const sweeper = setInterval(() => {
      const now = Date.now();
      for (const [id, p] of pending)
        if (now - p.sentAt > TIMEOUT_MS) {
          pending.delete(id);
          report.timeouts++;
          startWalk();
        }
      if (now >= deadline) finish();
    }, 200);
    socket.bind(0, '127.0.0.1', () => {
      for (let i = 0; i < req.inflight; i++) startWalk();
    });
  });
}

process.on('message', (message: { type: string; request?: LoadRequest }) => {
  if (message.type === 'load' && message.request)
    void runLoad(message.request).then((report) => {
      process.send?.({ type: 'loaded', report });
      process.disconnect();
    });
});

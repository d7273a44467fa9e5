/**
 * One limit for every request body on every route (the /api table, /pki, anything mounted later),
 * enforced while the body streams in: a declared Content-Length over the limit is refused before
 * reading, a chunked body is counted as the handler reads it and fails at the first byte over. Never
 * buffers: whatever a handler does not read stays in the socket.
 */
import type { Context, MiddlewareHandler } from 'hono';

export class BodyTooLarge extends Error {
  constructor(readonly maxBytes: number) {
    super(`request body over ${maxBytes} bytes`);
  }
}

function tooLarge(c: Context, maxBytes: number): Response {
  // Closing the connection stops a client that is still sending.
  return c.json(
    { error: { code: 'too_large', message: `request body over ${Math.round(maxBytes / 1024)} KiB` } },
    413,
    { connection: 'close' },
  );
}

function countedBody(
  source: ReadableStream<Uint8Array>,
  maxBytes: number,
  onExceeded: () => void,
): ReadableStream<Uint8Array> {
  const reader = source.getReader();
  let seenBytes = 0;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const { done, value } = await reader.read();
      if (done) return controller.close();
      seenBytes += value.byteLength;
      if (seenBytes > maxBytes) {
        onExceeded();
        return controller.error(new BodyTooLarge(maxBytes));
      }
      controller.enqueue(value);
    },
    cancel: (reason) => reader.cancel(reason),
  });
}

export function limitRequestBodies(maxBytes: number): MiddlewareHandler {
  return async (c, next) => {
    // GET and HEAD carry no body here (@hono/node-server never reads one), and asking for it would
    // turn the light request object into a full one on every read request.
    if (c.req.method === 'GET' || c.req.method === 'HEAD') return next();
    const declared = c.req.header('content-length');
    if (declared !== undefined && Number(declared) > maxBytes) return tooLarge(c, maxBytes);
    const body = c.req.raw.body;
    if (body === null) return next();
    let exceeded = false;
    const counted = countedBody(body, maxBytes, () => {
      exceeded = true;
    });
    c.req.raw = new Request(c.req.raw, { body: counted, duplex: 'half' } as RequestInit);
    await next();
    // Whatever the handler made of the failed read (its own 400 or 500), the answer is 413.
    if (exceeded) c.res = tooLarge(c, maxBytes);
  };
}

/**
 * Reads a request body up to a limit, counting while it streams: a chunked body (no
 * Content-Length) past the limit is cancelled at the first chunk over it, never buffered whole.
 */
export type BoundedBody = { ok: true; body: Buffer } | { ok: false; status: 413 | 400; reason: string };

export async function readBoundedBody(request: Request, maxBytes: number): Promise<BoundedBody> {
  const declared = request.headers.get('content-length');
  const tooLarge = {
    ok: false,
    status: 413,
    reason: `request body over the ${maxBytes}-byte limit`,
  } as const;
  if (declared !== null && Number(declared) > maxBytes) return tooLarge;
  if (request.body === null) return { ok: true, body: Buffer.alloc(0) };
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let received = 0;
  for (;;) {
    let next: ReadableStreamReadResult<Uint8Array>;
    try {
      next = await reader.read();
    } catch {
      return { ok: false, status: 400, reason: 'the request body ended early (connection closed)' };
    }
    if (next.done) break;
    received += next.value.byteLength;
    if (received > maxBytes) {
      await reader.cancel('request body over the limit').catch(() => undefined);
      return tooLarge;
    }
    chunks.push(next.value);
  }
  return { ok: true, body: Buffer.concat(chunks) };
}

/**
 * The PKI HTTP app bounds every body while it streams: a chunked OCSP POST (no Content-Length)
 * far past the limit is answered 413 after the first chunks, without reading the rest.
 */
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { ServerType } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPkiHttpApp } from '../../pki/http';
import { makeTestCa } from './helpers';
import type { TestCa } from './helpers';

let ca: TestCa;
let server: ServerType;
let port: number;

beforeAll(async () => {
  ca = makeTestCa();
  const app = createPkiHttpApp(ca.service);
  await new Promise<void>((ready) => {
    server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, () => ready());
  });
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  await new Promise((done) => server.close(done));
  ca.cleanup();
});

const CHUNK = Buffer.alloc(64 * 1024, 0x30);
const ENDLESS_BYTES = 512 * 1024 * 1024;

/** Streams up to `ENDLESS_BYTES` in chunks (honouring backpressure) until the server answers. */
function postEndlessChunkedBody(): Promise<{ status: number; body: string; sentBytes: number }> {
  return new Promise((resolve, reject) => {
    let sentBytes = 0;
    let answered = false;
    const req = request({
      host: '127.0.0.1',
      port,
      method: 'POST',
      path: '/ocsp',
      headers: { 'content-type': 'application/ocsp-request', 'transfer-encoding': 'chunked' },
    });
    req.on('response', (res) => {
      answered = true;
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (text: string) => (body += text));
      res.on('end', () => {
        req.destroy();
        resolve({ status: res.statusCode ?? 0, body, sentBytes });
      });
    });
    req.on('error', (error) => {
      if (!answered) reject(error);
    });
    const pump = () => {
      while (!answered && sentBytes < ENDLESS_BYTES) {
        sentBytes += CHUNK.length;
        if (!req.write(CHUNK)) {
          req.once('drain', pump);
          return;
        }
      }
      if (!answered) req.end();
    };
    pump();
  });
}

describe('OCSP POST body limit over a real socket', () => {
  it('answers 413 to a chunked body of hundreds of MB long before it has all been sent', async () => {
    const answer = await postEndlessChunkedBody();
    expect(answer.sentBytes).toBeLessThan(ENDLESS_BYTES / 4);
    expect(answer.status).toBe(413);
    expect(answer.body).toMatch(/over the 16384-byte limit/);
  });

  it('still answers a normal request on a new connection afterwards', async () => {
    const response = await fetch(`http://127.0.0.1:${port}/crl/zhaoqing.crl`);
    expect(response.status).toBe(200);
  });
});

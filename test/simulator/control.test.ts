/**
 * The control endpoint changes the simulated network and knows the agents: only a caller holding the
 * start-up token may use it, a browser-borne request to another Host name is refused, bodies are
 * bounded, and no route ever returns a community or an SNMPv3 key.
 */
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadInventory } from '../../inventory';
import { startSimulator, type Simulator } from '../../simulator';

const loaded = loadInventory('configs/examples/nanyang.yaml');
if (!loaded.ok) throw new Error('nanyang.yaml must load');
let sim: Simulator;

beforeAll(async () => {
  sim = await startSimulator({ topology: loaded.topology });
});
afterAll(async () => {
  await sim.stop();
});

const secrets = () =>
  sim.manifest.flatMap((m) => [m.community, m.v3?.authKey, m.v3?.privKey]).filter((s) => s !== undefined);

/** A raw request (fetch cannot set Host). */
function raw(
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: Buffer,
): Promise<{ status: number; text: string }> {
  const url = new URL(sim.controlUrl);
  return new Promise((resolve, reject) => {
    const req = request(
      { host: url.hostname, port: url.port, method, path, headers, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }),
        );
      },
    );
    req.on('error', (error: NodeJS.ErrnoException) =>
      // The server may close the socket right after refusing an oversize body.
      error.code === 'ECONNRESET' || error.code === 'EPIPE'
        ? resolve({ status: -1, text: '' })
        : reject(error),
    );
    req.end(body);
  });
}

describe('control endpoint', () => {
  const fault = JSON.stringify({ kind: 'node-down', node: 'dept-05' });

  it.each([
    ['no token', {}],
    ['a wrong token', { authorization: 'Bearer not-the-token' }],
    ['another scheme', { authorization: 'Basic YWRtaW46YWRtaW4=' }],
  ])('refuses a fault with %s (401) and changes nothing', async (_name, headers) => {
    const res = await fetch(`${sim.controlUrl}/faults`, { method: 'POST', body: fault, headers });
    expect(res.status).toBe(401);
    expect(sim.faults()).toEqual([]);
    for (const path of ['/faults', '/manifest'])
      expect((await fetch(`${sim.controlUrl}${path}`, { headers })).status).toBe(401);
    expect((await fetch(`${sim.controlUrl}/faults`, { method: 'DELETE', headers })).status).toBe(401);
  });

  it('refuses a Host that is not loopback (DNS rebinding), even with the token', async () => {
    const res = await raw(
      'POST',
      '/faults',
      {
        host: 'attacker.example:80',
        authorization: `Bearer ${sim.controlToken}`,
        'content-type': 'application/json',
      },
      Buffer.from(fault),
    );
    expect(res.status).toBe(421);
    expect(sim.faults()).toEqual([]);
  });

  it('refuses a body over 16 KiB with 413, whether announced or streamed', async () => {
    const big = Buffer.alloc(64 * 1024, 0x20);
    const headers = { host: new URL(sim.controlUrl).host, authorization: `Bearer ${sim.controlToken}` };
    const announced = await raw('POST', '/faults', headers, big);
    expect([413, -1]).toContain(announced.status);
    const streamed = await raw('POST', '/faults', { ...headers, 'transfer-encoding': 'chunked' }, big);
    expect([413, -1]).toContain(streamed.status);
    expect(announced.status === 413 || streamed.status === 413).toBe(true);
    expect(sim.faults()).toEqual([]);
  });

  it('serves no credentials: /manifest lists addresses and SNMP versions only', async () => {
    const res = await fetch(`${sim.controlUrl}/manifest`, {
      headers: { authorization: `Bearer ${sim.controlToken}` },
    });
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(secrets().length).toBeGreaterThan(0);
    for (const secret of secrets()) expect(text).not.toContain(secret);
    expect(JSON.parse(text)).toContainEqual({
      id: 'ny-core',
      host: '127.0.0.1',
      port: sim.manifest.find((m) => m.id === 'ny-core')!.port,
      snmp: 'v3',
    });
  });

  it('GET /health needs no token and says nothing secret', async () => {
    const res = await fetch(`${sim.controlUrl}/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true, agents: sim.manifest.length });
  });

  it('a bad fault is a 400 with the reason, not a 500', async () => {
    const res = await fetch(`${sim.controlUrl}/faults`, {
      method: 'POST',
      body: '{"kind":',
      headers: { authorization: `Bearer ${sim.controlToken}` },
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toMatch(/not JSON/);
  });
});

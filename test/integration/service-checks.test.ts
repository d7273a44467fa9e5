/**
 * Service checks against real local servers: a node:http portal whose page the test changes, a TLS
 * server holding a certificate from our own CA (`egov-noc ca issue --days 5`), Debian's fping
 * against loopback addresses, closed ports, the system resolver. Each run goes through the real
 * runner into a real alert engine (shared fake clock): defacement, staleness, certificate expiry
 * and service-down alerts fire and resolve.
 *
 * ICMP "down" cannot be shown here: only loopback traffic is allowed and every 127.0.0.0/8 address
 * answers on Linux, so fping is shown up (batched) and "down" with TCP/HTTP on a closed port.
 */
import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseChecks, startServiceChecks, type RunningServiceChecks } from '../../collector/checks/index';
import { memoryLogger } from '../../common';
import type { Alert, ServiceCheckEvent } from '../../domain';
import { harness, ifState, XICHUAN_UPLINK, type Harness } from '../alerts/support';
import { MemoryMetricsStore } from '../support/memory-metrics-store';

const run = promisify(execFile);
const BIN = resolve('bin/egov-noc.js');
const INVENTORY = resolve('configs/examples/nanyang.yaml');
const DAY_MS = 86_400_000;

let work: string;
const file = (name: string) => join(work, name);
let h: Harness;
let store: MemoryMetricsStore;
let portal: http.Server;
let portalUrl: string;
let tlsServer: https.Server;
let tlsPort: number;
let closedPort: number;

/** What the portal serves; the test edits it. */
const page = { headline: '南阳市人民政府门户网站', visitors: 1, news: '11月26日 全市工作例会召开' };
const render = () =>
  `<html><body><h1>${page.headline}</h1><div id="counter">访问量 ${page.visitors++}</div>` +
  `<ul id="news"><li>${page.news}</li></ul></body></html>`;

async function ca(args: string[]): Promise<void> {
  await run(process.execPath, [BIN, 'ca', ...args], {
    cwd: work,
    env: { ...process.env, EGOV_CA_PASSPHRASE: 'service-checks-test-passphrase' },
  });
}

const listen = (server: http.Server | https.Server): Promise<number> =>
  new Promise((done) => server.listen(0, '127.0.0.1', () => done((server.address() as AddressInfo).port)));

function checksOf(yaml: string) {
  const parsed = parseChecks('checks.yaml', yaml, h.topology, work);
  if (!parsed.ok) throw new Error(parsed.errors.map((e) => `${e.line} ${e.field}: ${e.message}`).join('\n'));
  return parsed.checks;
}

function runner(yaml: string, extra: { fpingBinary?: string } = {}): RunningServiceChecks {
  return startServiceChecks({
    checks: checksOf(yaml),
    store,
    bus: h.bus,
    logger: memoryLogger(),
    now: h.clock.now,
    schedule: false,
    ...extra,
  });
}

const alertsOf = (rule: string, includeSuppressed = false): Alert[] =>
  h.engine.list({ includeSuppressed }).filter((alert) => alert.rule === rule);

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'egov-checks-'));
  h = await harness();
  store = new MemoryMetricsStore();
  portal = http.createServer((req, res) => {
    if (req.url === '/loop') {
      res.writeHead(302, { location: '/loop' }).end();
      return;
    }
    if (req.url === '/big') {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('x'.repeat(4 * 1_048_576));
      return;
    }
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(render());
  });
  portalUrl = `http://127.0.0.1:${await listen(portal)}`;
  const closed = http.createServer();
  closedPort = await listen(closed);
  await new Promise((done) => closed.close(done));

  await ca(['init', '--dir', file('ca'), '--inventory', INVENTORY]);
  await ca(
    [
      'issue',
      '--dir',
      file('ca'),
      '--node',
      'ny-dx',
      '--profile',
      'server',
      '--generate',
      '--days',
      '5',
    ].concat(['--key-out', file('srv.key'), '--out', file('srv.pem'), '--chain']),
  );
  const { stdout } = await run(process.execPath, [BIN, 'ca', 'show', '--dir', file('ca'), '--chain'], {
    env: { ...process.env, EGOV_CA_PASSPHRASE: 'service-checks-test-passphrase' },
  });
  writeFileSync(file('chain.pem'), stdout);
  tlsServer = https.createServer(
    { key: readFileSync(file('srv.key')), cert: readFileSync(file('srv.pem')) },
    (_req, res) => res.writeHead(200).end('<html>数据交换平台</html>'),
  );
  tlsPort = await listen(tlsServer);
}, 120_000);

afterAll(async () => {
  portal.closeAllConnections();
  tlsServer.closeAllConnections();
  await new Promise((done) => portal.close(done));
  await new Promise((done) => tlsServer.close(done));
  await h.cleanup();
  rmSync(work, { recursive: true, force: true });
});

describe('HTTP checks against a node:http portal', () => {
  it('is up with its latency, finds the expected text, and is stored and published', async () => {
    const seen: ServiceCheckEvent[] = [];
    const off = h.bus.subscribe('service.check', (event) => seen.push(event));
    const checks = runner(`checks:
  - { id: portal, node: ny-dx, kind: http, url: "${portalUrl}/index.html?token=secret", expectText: "人民政府" }
  - { id: portal-missing, node: ny-dx, kind: http, url: "${portalUrl}/", expectText: "不存在的内容" }
`);
    const [up, missing] = await checks
      .runNow(['portal', 'portal-missing'])
      .then((events) => ['portal', 'portal-missing'].map((id) => events.find((e) => e.check === id)));
    expect(up).toMatchObject({ up: true, reason: null, node: 'ny-dx', target: `${portalUrl}/index.html` });
    expect(up?.latencyMs).toBeGreaterThan(0);
    expect(JSON.stringify(seen)).not.toContain('secret');
    expect(missing).toMatchObject({ up: false, reason: 'text-missing' });
    expect(store.find('service', { check: 'portal' })[0]?.fields).toMatchObject({ up: 1 });
    expect(seen.map((e) => e.check).sort()).toEqual(['portal', 'portal-missing']);
    off();
    await checks.stop();
  });

  it('a changed page is a defacement alert; the visitor counter (an ignored region) is not', async () => {
    const checks = runner(`checks:
  - id: portal-deface
    node: ny-dx
    kind: http
    url: "${portalUrl}/"
    defacement: { ignore: ['<div id="counter">.*?</div>'], forbiddenWords: ["Hacked by"] }
`);
    await checks.runNow();
    await checks.runNow(); // the counter moved between the two runs
    expect(alertsOf('content-defaced')).toHaveLength(0);

    page.headline = '此网站已被黑';
    await checks.runNow();
    const [alert] = alertsOf('content-defaced');
    expect(alert).toMatchObject({ severity: 'critical', node: 'ny-dx', suppressedBy: null });
    expect(alert?.summary).toContain('疑似被篡改');

    page.headline = '南阳市人民政府门户网站';
    await checks.runNow();
    expect(alertsOf('content-defaced')).toHaveLength(0);

    page.news = 'HACKED BY someone';
    await checks.runNow();
    expect(alertsOf('content-defaced')[0]?.evidence.at(-1)?.text).toContain('hacked by');
    page.news = '11月26日 全市工作例会召开';
    await checks.runNow();
    expect(alertsOf('content-defaced')).toHaveLength(0);
    await checks.stop();
  });

  it('a page that stops changing is stale after its limit (fake clock); an update resolves it', async () => {
    const checks = runner(`checks:
  - id: portal-news
    node: ny-dx
    kind: http
    url: "${portalUrl}/"
    staleness: { after: 3d, ignore: ['<div id="counter">.*?</div>'] }
`);
    await checks.runNow();
    h.clock.advance(2 * DAY_MS);
    await checks.runNow();
    expect(alertsOf('content-stale')).toHaveLength(0);
    h.clock.advance(1.5 * DAY_MS);
    const [event] = await checks.runNow();
    expect(event?.stale).toMatchObject({ found: true, limitS: 3 * 86_400 });
    expect(alertsOf('content-stale')[0]).toMatchObject({ severity: 'warning', node: 'ny-dx' });
    expect(alertsOf('content-stale')[0]?.summary).toContain('3.5 天未更新');

    page.news = '11月29日 防汛调度视频会';
    await checks.runNow();
    expect(alertsOf('content-stale')).toHaveLength(0);
    await checks.stop();
  });

  it('bounds redirects and the body read', async () => {
    const checks = runner(`checks:
  - { id: loop, node: ny-dx, kind: http, url: "${portalUrl}/loop", maxRedirects: 2 }
  - { id: big, node: ny-dx, kind: http, url: "${portalUrl}/big", maxBodyBytes: 4096, expectText: "^x+$" }
`);
    const events = await checks.runNow();
    expect(events.find((e) => e.check === 'loop')).toMatchObject({ up: false, reason: 'redirects' });
    expect(events.find((e) => e.check === 'big')).toMatchObject({ up: true });
    await checks.stop();
  });
});

describe('TLS checks against a certificate from our CA', () => {
  // Certificate days count from the clock the checks run on; the CA issued on the real one.
  beforeAll(() => {
    h.clock.nowMs = Date.now();
  });

  it('reports the days left and raises the certificate alert; https verifies chain and name too', async () => {
    const checks = runner(`checks:
  - { id: dx-tls, node: ny-dx, kind: tls, host: 127.0.0.1, port: ${tlsPort}, serverName: ny-dx.nanyang.gov.cn, ca: chain.pem }
  - { id: dx-https, node: ny-dx, kind: http, url: "https://127.0.0.1:${tlsPort}/", ca: chain.pem }
`);
    const events = await checks.runNow();
    const tls = events.find((e) => e.check === 'dx-tls');
    expect(tls?.certificate).toMatchObject({ valid: true, error: null });
    expect(tls?.certificate?.daysLeft).toBeGreaterThan(3.9);
    expect(tls?.certificate?.daysLeft).toBeLessThanOrEqual(5);
    expect(alertsOf('service-certificate')[0]).toMatchObject({ severity: 'major', node: 'ny-dx' });
    // The https check has the right chain but 127.0.0.1 is not a name on the certificate.
    expect(events.find((e) => e.check === 'dx-https')).toMatchObject({ up: false, reason: 'certificate' });
    await checks.stop();
  });

  it('a wrong host name or no trust in our CA is an invalid certificate (critical)', async () => {
    const checks = runner(`checks:
  - { id: dx-wrong-name, node: xichuan-sw, kind: tls, host: 127.0.0.1, port: ${tlsPort}, serverName: portal.example.cn, ca: chain.pem }
  - { id: dx-system-roots, node: xichuan-mcu, kind: tls, host: 127.0.0.1, port: ${tlsPort}, serverName: ny-dx.nanyang.gov.cn }
`);
    const events = await checks.runNow();
    expect(events.find((e) => e.check === 'dx-wrong-name')?.certificate?.error).toBe(
      'ERR_TLS_CERT_ALTNAME_INVALID',
    );
    expect(events.find((e) => e.check === 'dx-system-roots')?.certificate?.valid).toBe(false);
    const invalid = alertsOf('service-certificate').filter((a) => a.node !== 'ny-dx');
    expect(invalid.map((a) => a.severity)).toEqual(['critical', 'critical']);
    await checks.stop();
  });
});

describe('TCP, DNS and ICMP', () => {
  it('a closed port is down after two runs (service-down), and up again resolves it', async () => {
    const checks = runner(`checks:
  - { id: exchange-tcp, node: ny-dx, kind: tcp, host: 127.0.0.1, port: ${closedPort} }
  - { id: exchange-http, node: ny-dx, kind: http, url: "http://127.0.0.1:${closedPort}/" }
`);
    const [first] = await checks.runNow(['exchange-tcp']);
    expect(first).toMatchObject({ up: false, reason: 'refused' });
    expect(alertsOf('service-down')).toHaveLength(0);
    await checks.runNow();
    await checks.runNow();
    const down = alertsOf('service-down');
    expect(down.map((a) => a.labels.check).sort()).toEqual(['exchange-http', 'exchange-tcp']);
    expect(down[0]?.summary).toContain('连接被拒绝');
    await checks.stop();
  });

  it('the system resolver answers localhost; an unexpected answer is down', async () => {
    const checks = runner(`checks:
  - { id: dns-ok, node: ny-dx, kind: dns, name: localhost, expect: [127.0.0.1] }
  - { id: dns-bad, node: ny-dx, kind: dns, name: localhost, expect: [127.0.0.9] }
`);
    const events = await checks.runNow();
    expect(events.find((e) => e.check === 'dns-ok')).toMatchObject({ up: true, detail: '127.0.0.1' });
    expect(events.find((e) => e.check === 'dns-bad')).toMatchObject({ up: false, reason: 'dns-mismatch' });
    await checks.stop();
  });

  it('pings three loopback addresses with one fping process and reports loss and round trip', async () => {
    const log = file('fping-calls.log');
    const wrapper = file('fping-wrapper.sh');
    writeFileSync(wrapper, `#!/bin/sh\necho "$@" >> ${log}\nexec fping "$@"\n`);
    chmodSync(wrapper, 0o700);
    const checks = runner(
      `checks:
  - { id: ping-1, node: ny-core, kind: icmp, host: 127.0.0.1 }
  - { id: ping-2, node: ny-sw, kind: icmp, host: 127.0.0.2 }
  - { id: ping-3, node: ny-fw, kind: icmp, host: 127.0.0.3, count: 5 }
`,
      { fpingBinary: wrapper },
    );
    const events = await checks.runNow();
    expect(events.map((e) => [e.check, e.up, e.lossPct])).toEqual([
      ['ping-1', true, 0],
      ['ping-2', true, 0],
      ['ping-3', true, 0],
    ]);
    // fping prints round trips to 0.01 ms, so a fast loopback can read 0.00: a measured number, not null.
    for (const event of events) {
      expect(event.latencyMs).not.toBeNull();
      expect(event.latencyMs).toBeGreaterThanOrEqual(0);
    }
    const calls = readFileSync(log, 'utf8').trim().split('\n');
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatch(/-C 5 .*127\.0\.0\.1 127\.0\.0\.2 127\.0\.0\.3$/);
    await checks.stop();
  });
});

describe('a check behind a cut uplink', () => {
  it('is folded under the uplink-down root cause, not raised as one of its own', async () => {
    const checks = runner(`checks:
  - { id: xichuan-portal, node: xichuan-sw, kind: tcp, host: 127.0.0.1, port: ${closedPort} }
`);
    // The county uplink fails (the port on the city router goes down), then the county's service.
    ifState(h, XICHUAN_UPLINK.node, XICHUAN_UPLINK.ifName, 'down', 'trap');
    h.engine.tick();
    await checks.runNow();
    await checks.runNow();
    h.engine.tick();
    const root = h.engine.list().find((a) => a.rule === 'uplink-down');
    expect(root?.node).toBe('xichuan-gw');
    const down = alertsOf('service-down', true).find((a) => a.labels.check === 'xichuan-portal');
    expect(down?.suppressedBy).toBe(root?.id);
    expect(h.engine.list().some((a) => a.labels.check === 'xichuan-portal')).toBe(false);
    await checks.stop();
  });
});

describe('the checks file', () => {
  it('names every problem with its line and field', () => {
    const parsed = parseChecks(
      'checks.yaml',
      `checks:
  - { id: a, node: no-such-node, kind: tcp, host: 127.0.0.1, port: 80 }
  - { id: b, node: ny-dx, kind: http, url: "http://user:pw@127.0.0.1/" }
  - { id: c, node: ny-dx, kind: http, url: "http://127.0.0.1/", expectText: "(a)\\\\1" }
  - { id: d, node: ny-dx, kind: tls, host: 127.0.0.1, ca: missing.pem }
  - { id: e, node: ny-dx, kind: dns, name: x, server: "dns.example:53" }
`,
      h.topology,
      work,
    );
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    const lines = parsed.errors.map((e) => `${e.file}:${e.line} ${e.field}: ${e.message}`);
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^checks\.yaml:3 checks\[1\]\.url: must not carry user:password@/),
        expect.stringMatching(/^checks\.yaml:4 checks\[2\]\.expectText: invalid regular expression \(RE2/),
        expect.stringMatching(/^checks\.yaml:6 checks\[4\]\.server: must be IPv4/),
      ]),
    );
    expect(lines.join('\n')).not.toContain('pw@');
  });

  it('names unknown nodes and unreadable CA files', () => {
    const parsed = parseChecks(
      'checks.yaml',
      `checks:
  - { id: a, node: no-such-node, kind: tcp, host: 127.0.0.1, port: 80 }
  - { id: d, node: ny-dx, kind: tls, host: 127.0.0.1, ca: missing.pem }
  - { id: d, node: ny-dx, kind: tcp, host: 127.0.0.1, port: 81 }
`,
      h.topology,
      work,
    );
    expect(parsed.ok ? [] : parsed.errors.map((e) => `${e.line} ${e.field}: ${e.message}`)).toEqual([
      '2 checks[0].node: unknown node "no-such-node" (not in the inventory)',
      '3 checks[1].ca: file not found',
      '4 checks[2].id: duplicate check id "d"',
    ]);
  });
});

describe('the shipped example', () => {
  it('configs/examples/nanyang-checks.yaml loads against the Nanyang inventory', () => {
    const parsed = parseChecks(
      'configs/examples/nanyang-checks.yaml',
      readFileSync('configs/examples/nanyang-checks.yaml', 'utf8'),
      h.topology,
      resolve('configs/examples'),
    );
    expect(parsed.ok ? parsed.checks.map((c) => c.kind) : parsed.errors).toEqual([
      'http',
      'http',
      'tls',
      'dns',
      'tcp',
      'icmp',
    ]);
  });
});

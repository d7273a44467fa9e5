/**
 * The CA schedule `serve` and the demo share, on a fake clock: CRLs stay valid as weeks pass, OCSP
 * signers are replaced before they expire, expiry warnings go on the bus once per threshold.
 */
import { afterEach, beforeEach, expect, test, vi } from 'vitest';
import { InProcessBus } from '../../../bus';
import { createLogger } from '../../../common';
import { startPkiSchedule } from '../../../console/server/pki-schedule';
import type { BusEvent } from '../../../domain';
import { loadInventory } from '../../../inventory';
import { makeTestCa, PASSPHRASE, type TestCa } from '../../pki/helpers';

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
let clockMs = Date.parse('2026-03-01T00:00:00Z');
let ca: TestCa;

beforeEach(() => {
  vi.useFakeTimers({ now: clockMs });
  ca = makeTestCa({ now: () => new Date(clockMs) });
});
afterEach(() => {
  ca.cleanup();
  vi.useRealTimers();
});

function topology() {
  const loaded = loadInventory('configs/examples/nanyang.yaml');
  if (!loaded.ok) throw new Error('inventory');
  return loaded.topology;
}

function advance(ms: number): void {
  const end = clockMs + ms;
  while (clockMs < end) {
    clockMs += HOUR_MS;
    vi.advanceTimersByTime(HOUR_MS);
  }
}

function schedule(bus = new InProcessBus()) {
  return startPkiSchedule({
    pki: ca.service,
    bus,
    topology: topology(),
    passphrase: PASSPHRASE,
    log: createLogger({ level: 'silent' }),
    intervalMs: HOUR_MS,
    now: () => clockMs,
  });
}

test('every CRL stays valid through 30 days of hourly rounds', () => {
  const stop = schedule();
  for (let day = 0; day < 30; day++) {
    advance(DAY_MS);
    for (const authority of ca.service.authorities()) {
      const crl = ca.service.crl(authority.id);
      if (!crl.ok) throw new Error(crl.reason);
      expect(Date.parse(crl.value.nextUpdate)).toBeGreaterThan(clockMs);
    }
  }
  stop();
});

test('an OCSP signer is replaced before it expires (90-day signers, 200 days pass)', () => {
  const stop = schedule();
  advance(200 * DAY_MS);
  for (const authority of ca.service.authorities()) {
    const signers = ca.service.listCertificates({ profile: 'ocsp-signer', issuerId: authority.id });
    const newestEnd = Math.max(...signers.map((signer) => Date.parse(signer.notAfter)));
    expect(newestEnd - clockMs).toBeGreaterThan(30 * DAY_MS);
    expect(signers.length).toBeGreaterThanOrEqual(3);
  }
  stop();
});

test('expiry warnings reach the bus once per threshold, naming the inventory node', () => {
  const issued = ca.service.issueWithGeneratedKey({
    nodeId: 'ny-core',
    profile: 'router',
    keyType: 'p256',
    validityDays: 40,
    actor: 'test',
  });
  if (!issued.ok) throw new Error(issued.reason);
  const bus = new InProcessBus();
  const seen: BusEvent[] = [];
  bus.subscribeAll((event) => {
    if (event.type === 'certificate.expiry') seen.push(event);
  });
  const stop = schedule(bus);
  expect(seen).toEqual([]);
  advance(11 * DAY_MS);
  advance(DAY_MS);
  expect(seen.map((event) => (event.type === 'certificate.expiry' ? event.node : null))).toEqual(['ny-core']);
  advance(23 * DAY_MS);
  expect(seen).toHaveLength(2);
  stop();
});

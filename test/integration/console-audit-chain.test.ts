/**
 * The console audit is evidence: hash-chained like the PKI's. `egov-noc audit verify` passes on an
 * untouched trail and fails on an edited, deleted or truncated one, naming the line and entry; a
 * JSON export verifies on its own; retention keeps ≥ 180 days and leaves the chain verifiable.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { beforeEach, describe, expect, test } from 'vitest';
import { openIdentity } from '../../console/server';
import { parseServeConfig } from '../../console/server/config';

const egov = (...args: string[]) =>
  spawnSync(process.execPath, [resolve('bin/egov-noc.js'), ...args], { encoding: 'utf8' });

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'audit-chain-'));
  const identity = openIdentity(dir);
  for (let i = 1; i <= 5; i += 1)
    identity.audit.record({
      actor: 'sec',
      action: 'silence.create',
      target: `s${i}`,
      detail: `维护 ${i}`,
      from: '127.0.0.1',
    });
  identity.close();
});

const edit = (sql: string) => {
  const db = new Database(join(dir, 'console.sqlite'));
  db.exec(sql);
  db.close();
};

describe('egov-noc audit verify', () => {
  test('passes on the trail as written', () => {
    const verified = egov('audit', 'verify', '--state', dir);
    expect(verified.status).toBe(0);
    expect(verified.stdout).toContain('the audit chain holds: 5 entries (1–5)');
  });

  test('an edited record fails it, naming the line and the entry', () => {
    edit("UPDATE audit SET detail = '没有维护' WHERE id = 3");
    const verified = egov('audit', 'verify', '--state', dir);
    expect(verified.status).toBe(1);
    expect(verified.stderr).toContain(
      'line 3, entry 3: its content does not match its hash (the record was edited)',
    );
  });

  test('a deleted record in the middle and records cut off at the end fail it', () => {
    edit('DELETE FROM audit WHERE id = 2');
    const middle = egov('audit', 'verify', '--state', dir);
    expect(middle.status).toBe(1);
    expect(middle.stderr).toContain('line 2, entry 3: its previous-hash does not match');

    dir = mkdtempSync(join(tmpdir(), 'audit-chain-'));
    const identity = openIdentity(dir);
    for (const target of ['a', 'b', 'c'])
      identity.audit.record({ actor: 'x', action: 'login', target, from: 'local' });
    identity.close();
    edit('DELETE FROM audit WHERE id = 3');
    const end = egov('audit', 'verify', '--state', dir);
    expect(end.status).toBe(1);
    expect(end.stderr).toContain('entries were deleted at the end');
  });

  test('a JSON export verifies on its own, and an edit in it names its line in the file', () => {
    const exported = execFileSync(
      process.execPath,
      [resolve('bin/egov-noc.js'), 'audit', 'export', '--state', dir],
      {
        encoding: 'utf8',
      },
    );
    const file = join(dir, 'export.json');
    writeFileSync(file, exported);
    expect(egov('audit', 'verify', '--file', file).status).toBe(0);
    writeFileSync(file, readFileSync(file, 'utf8').replace('维护 4', '维护 X'));
    const verified = egov('audit', 'verify', '--file', file);
    expect(verified.status).toBe(1);
    // Line 1 is "[": entry 4 is on line 5.
    expect(verified.stderr).toContain('line 5, entry 4: its content does not match its hash');
  });
});

describe('retention', () => {
  test('records older than the retention go; the chain still verifies from the anchor they leave', () => {
    let nowMs = Date.parse('2026-01-01T00:00:00Z');
    const state = mkdtempSync(join(tmpdir(), 'audit-retention-'));
    const identity = openIdentity(state, { now: () => nowMs });
    try {
      identity.audit.record({ actor: 'a', action: 'login', target: 'a', from: 'local' });
      identity.audit.record({ actor: 'b', action: 'login', target: 'b', from: 'local' });
      nowMs += 179 * 86_400_000;
      identity.audit.record({ actor: 'c', action: 'login', target: 'c', from: 'local' });
      expect(identity.audit.purgeOlderThan(180)).toBe(0);
      nowMs += 2 * 86_400_000;
      expect(identity.audit.purgeOlderThan(180)).toBe(2);
      const left = [...identity.audit.chained()].map((record) => record.actor);
      expect(left).toEqual(['c', 'system']);
      expect(identity.audit.verify()).toMatchObject({ ok: true, entries: 2 });
    } finally {
      identity.close();
    }
  });

  test('the serve config keeps at least 180 days unless explicitly overridden', () => {
    const base = 'inventory: x.yaml\n';
    const short = parseServeConfig(`${base}audit: { retentionDays: 90 }\n`, 'serve.yaml');
    expect(short.ok).toBe(false);
    if (!short.ok) expect(short.errors.join('\n')).toMatch(/serve\.yaml:2 audit\.retentionDays: .*180 days/);
    const overridden = parseServeConfig(
      `${base}audit: { retentionDays: 90, allowUnder180: true }\n`,
      'serve.yaml',
    );
    expect(overridden.ok && overridden.config.audit.retentionDays).toBe(90);
    const fallback = parseServeConfig(base, 'serve.yaml');
    expect(fallback.ok && fallback.config.audit.retentionDays).toBe(180);
  });
});

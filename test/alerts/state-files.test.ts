import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { harness, ifState, XICHUAN_UPLINK, type Harness } from './support';

/** alerts.sqlite holds who acknowledged what and which links are down: readable by its owner only. */

let h: Harness | null = null;
let root = '';
afterEach(async () => {
  await h?.cleanup();
  h = null;
  rmSync(root, { recursive: true, force: true });
});

const modeOf = (path: string) => statSync(path).mode & 0o777;

async function startAndWrite(dbPath: string): Promise<void> {
  h = await harness({ dbPath });
  ifState(h, XICHUAN_UPLINK.node, XICHUAN_UPLINK.ifName, 'down');
  h.engine.tick();
  expect(h.engine.list()).not.toEqual([]);
}

describe('alert engine state files', () => {
  it('a new state folder is 0700 and the database, its WAL and shared memory 0600', async () => {
    root = mkdtempSync(join(tmpdir(), 'egov-alert-modes-'));
    const dbPath = join(root, 'state', 'alerts', 'alerts.sqlite');
    const umask = process.umask(0o022);
    try {
      await startAndWrite(dbPath);
    } finally {
      process.umask(umask);
    }
    expect(modeOf(join(root, 'state', 'alerts'))).toBe(0o700);
    for (const path of [dbPath, `${dbPath}-wal`, `${dbPath}-shm`]) {
      expect(existsSync(path), path).toBe(true);
      expect(modeOf(path), path).toBe(0o600);
    }
  });

  it('an existing world-readable folder and database from an older version are tightened', async () => {
    root = mkdtempSync(join(tmpdir(), 'egov-alert-modes-'));
    const dir = join(root, 'state');
    mkdirSync(dir, { mode: 0o755 });
    chmodSync(dir, 0o755);
    const dbPath = join(dir, 'alerts.sqlite');
    writeFileSync(dbPath, '');
    chmodSync(dbPath, 0o644);
    await startAndWrite(dbPath);
    expect(modeOf(dir)).toBe(0o700);
    expect(modeOf(dbPath)).toBe(0o600);
    expect(modeOf(`${dbPath}-wal`)).toBe(0o600);
  });
});

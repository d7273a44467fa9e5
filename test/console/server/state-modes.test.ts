/** The console's state (users, sessions, audit, its TLS key) is readable by its owner only. */
import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { openIdentity } from '../../../console/server';
import { consoleTlsFromCa } from '../../../console/server/tls';
import { addUser, loadNanyang, login, makeCa, startStack } from './support';

const modeOf = (path: string) => statSync(path).mode & 0o777;
const made: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'console-modes-'));
  made.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

test('a new state folder is 0700 and console.sqlite with its WAL 0600', async () => {
  const stateDir = join(tempDir(), 'state', 'console');
  const stack = await startStack({ stateDir });
  try {
    await addUser(stack, 'admin', 'sysadmin', null);
    await login(stack.server.url, 'admin');
    expect(modeOf(stateDir)).toBe(0o700);
    for (const file of ['console.sqlite', 'console.sqlite-wal', 'console.sqlite-shm'])
      expect(modeOf(join(stateDir, file)), file).toBe(0o600);
  } finally {
    await stack.stop();
  }
});

test('a state folder left world-readable by an older version is tightened on open', () => {
  const stateDir = join(tempDir(), 'old');
  mkdirSync(stateDir, { mode: 0o755 });
  chmodSync(stateDir, 0o755);
  writeFileSync(join(stateDir, 'console.sqlite'), '');
  chmodSync(join(stateDir, 'console.sqlite'), 0o644);
  openIdentity(stateDir).close();
  expect(modeOf(stateDir)).toBe(0o700);
  expect(modeOf(join(stateDir, 'console.sqlite'))).toBe(0o600);
});

test("the console's TLS key from the project CA is 0600 in a 0700 folder", () => {
  const base = tempDir();
  const topology = loadNanyang();
  const pki = makeCa(topology, join(base, 'ca'));
  try {
    const stateDir = join(base, 'console');
    const material = consoleTlsFromCa(pki, 'ny-dx', stateDir);
    expect(material.ok, material.ok ? '' : material.reason).toBe(true);
    expect(modeOf(stateDir)).toBe(0o700);
    expect(modeOf(join(stateDir, 'tls'))).toBe(0o700);
    expect(modeOf(join(stateDir, 'tls', 'console.key'))).toBe(0o600);
  } finally {
    pki.close();
  }
});

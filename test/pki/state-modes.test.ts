/**
 * The CA directory is private state: folders 0700, every file 0600 (ca.json, the index and its WAL,
 * the audit log, keys, certificates, CRLs), also when an older version left them wider.
 */
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { directoryFromNodes, initCa, openCa } from '../../pki/index';
import type { PkiService } from '../../pki/index';
import { NODES, PASSPHRASE, pkiConfig } from './helpers';

let work: string;
let dir: string;
let service: PkiService | null = null;

const modeOf = (path: string) => (statSync(path).mode & 0o777).toString(8);

/** Every path under the CA directory with its mode, folders included. */
function modes(root: string): Record<string, string> {
  const found: Record<string, string> = { '.': modeOf(root) };
  const walk = (folder: string, prefix: string) => {
    for (const name of readdirSync(folder)) {
      const path = join(folder, name);
      found[`${prefix}${name}`] = modeOf(path);
      if (statSync(path).isDirectory()) walk(path, `${prefix}${name}/`);
    }
  };
  walk(root, '');
  return found;
}

function open(): PkiService {
  const opened = openCa(dir, PASSPHRASE, { nodes: directoryFromNodes(NODES) });
  if (!opened.ok) throw new Error(opened.reason);
  return opened.value;
}

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'egov-pki-modes-'));
  dir = join(work, 'ca');
  const made = initCa(dir, {
    pki: pkiConfig('http://127.0.0.1:9/pki'),
    passphrase: PASSPHRASE,
    keyType: 'p256',
    actor: 't',
  });
  if (!made.ok) throw new Error(made.reason);
  service = open();
  const issued = service.issueWithGeneratedKey({ nodeId: 'zq-core', profile: 'router', actor: 't' });
  if (!issued.ok) throw new Error(issued.reason);
  service.revoke({ serial: issued.value.record.serial, reason: 'keyCompromise', actor: 't' });
});
afterAll(() => {
  service?.close();
  rmSync(work, { recursive: true, force: true });
});

describe('CA directory modes', () => {
  it('are 0700 for folders and 0600 for every file, WAL included', () => {
    const found = modes(dir);
    expect(existsSync(join(dir, 'ca.sqlite-wal'))).toBe(true);
    for (const name of [
      'ca.json',
      'ca.sqlite',
      'ca.sqlite-wal',
      'audit.log',
      'keys/root.key.pem',
      'crl/zhaoqing.crl',
    ])
      expect(found).toHaveProperty([name]);
    const expected = Object.fromEntries(
      Object.entries(found).map(([name]) => [name, statSync(join(dir, name)).isDirectory() ? '700' : '600']),
    );
    expect(found).toEqual(expected);
  });

  it('tightens a directory an older version left world-readable when it is opened', () => {
    service?.close();
    for (const [name] of Object.entries(modes(dir))) {
      const path = join(dir, name);
      chmodSync(path, statSync(path).isDirectory() ? 0o755 : 0o644);
    }
    service = open();
    const found = modes(dir);
    for (const [name, mode] of Object.entries(found))
      expect([name, mode]).toEqual([name, statSync(join(dir, name)).isDirectory() ? '700' : '600']);
  });
});

import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SecretBox, isSealed } from '../../../console/server/identity';

const dir = mkdtempSync(join(tmpdir(), 'egov-secret-box-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the secret box (SM4-CTR + HMAC-SM3)', () => {
  it('seals and opens, a new IV each time, making its 0600 key file (and 0700 folder) on first use', () => {
    const box = new SecretBox(join(dir, 'keys', 'secret.key'));
    const first = box.seal('JBSWY3DPEHPK3PXP');
    const second = box.seal('JBSWY3DPEHPK3PXP');
    expect(isSealed(first)).toBe(true);
    expect(first).not.toBe(second);
    expect(first).not.toContain('JBSWY3DPEHPK3PXP');
    expect(new SecretBox(join(dir, 'keys', 'secret.key')).open(second)).toBe('JBSWY3DPEHPK3PXP');
    expect(statSync(join(dir, 'keys', 'secret.key')).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'keys')).mode & 0o777).toBe(0o700);
  });

  it('refuses an altered seal, a seal from another key, a missing key and a malformed key file', () => {
    const box = new SecretBox(join(dir, 'a.key'));
    const sealed = box.seal('seed');
    const body = sealed.slice('sm4ctr-hmacsm3:v1:'.length, sealed.indexOf('.'));
    const flipped = Buffer.from(body, 'base64');
    flipped[17] = (flipped[17] ?? 0) ^ 1;
    const altered = sealed.replace(body, flipped.toString('base64'));
    expect(() => box.open(altered)).toThrow(/integrity check/);
    expect(() => new SecretBox(join(dir, 'b.key')).open(new SecretBox(join(dir, 'c.key')).seal('x'))).toThrow(
      /missing/,
    );
    new SecretBox(join(dir, 'b.key')).seal('make b');
    expect(() => new SecretBox(join(dir, 'b.key')).open(sealed)).toThrow(/integrity check/);
    writeFileSync(join(dir, 'bad.key'), 'not hex\n');
    expect(() => new SecretBox(join(dir, 'bad.key')).seal('x')).toThrow(
      /bad\.key must hold 32 bytes as 64 hex digits/,
    );
  });
});

/**
 * Secrets the console must read back (TOTP seeds), sealed at rest with 国密 primitives: SM4-CTR for
 * confidentiality and HMAC-SM3 over the IV and ciphertext for integrity (encrypt-then-MAC), both
 * keys derived from one 32-byte key file. The key file is 0600 and belongs elsewhere than the
 * database (EGOV_NOC_SECRET_KEY_FILE: a Docker secret, a systemd credential, another volume), so a
 * copied console.sqlite or its backup does not give the seeds away.
 */
import { createCipheriv, createDecipheriv, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { ensurePrivateDir, writePrivateFile } from '../../../common';

const PREFIX = 'sm4ctr-hmacsm3:v1:';
const KEY_BYTES = 32;

export const isSealed = (text: string): boolean => text.startsWith(PREFIX);

function derive(master: Buffer, purpose: string): Buffer {
  return createHmac('sm3', master).update(`egov-noc secret-box ${purpose}`).digest();
}

/** Reads the key file (64 hex digits); a file that is not one is an error naming it, never a silent new key. */
function readKey(path: string): Buffer {
  const text = readFileSync(path, 'utf8').trim();
  if (!/^[0-9a-f]{64}$/i.test(text))
    throw new Error(`secret key file ${path} must hold ${KEY_BYTES} bytes as 64 hex digits`);
  return Buffer.from(text, 'hex');
}

export class SecretBox {
  private keys: { cipher: Buffer; mac: Buffer } | null = null;

  constructor(readonly keyFile: string) {}

  keyExists(): boolean {
    return existsSync(this.keyFile);
  }

  /** The keys, making the key file (0600) the first time a secret is sealed. */
  private load(create: boolean): { cipher: Buffer; mac: Buffer } {
    if (this.keys) return this.keys;
    if (!this.keyExists()) {
      if (!create)
        throw new Error(
          `the secret key file ${this.keyFile} is missing: sealed secrets cannot be read (restore it, or reset the users' second factor)`,
        );
      ensurePrivateDir(dirname(this.keyFile));
      writePrivateFile(this.keyFile, `${randomBytes(KEY_BYTES).toString('hex')}\n`);
    }
    const master = readKey(this.keyFile);
    this.keys = { cipher: derive(master, 'sm4').subarray(0, 16), mac: derive(master, 'hmac-sm3') };
    return this.keys;
  }

  seal(plain: string): string {
    const keys = this.load(true);
    const iv = randomBytes(16);
    const cipher = createCipheriv('sm4-ctr', keys.cipher, iv);
    const body = Buffer.concat([iv, cipher.update(plain, 'utf8'), cipher.final()]);
    const mac = createHmac('sm3', keys.mac).update(PREFIX).update(body).digest();
    return `${PREFIX}${body.toString('base64')}.${mac.toString('base64')}`;
  }

  /** The plain text; throws when the key is missing or the sealed text was altered. */
  open(sealed: string): string {
    const keys = this.load(false);
    const [bodyText, macText] = sealed.slice(PREFIX.length).split('.');
    const body = Buffer.from(bodyText ?? '', 'base64');
    const mac = Buffer.from(macText ?? '', 'base64');
    const expected = createHmac('sm3', keys.mac).update(PREFIX).update(body).digest();
    if (body.length < 16 || mac.length !== expected.length || !timingSafeEqual(mac, expected))
      throw new Error('a sealed secret failed its integrity check (altered, or sealed under another key)');
    const decipher = createDecipheriv('sm4-ctr', keys.cipher, body.subarray(0, 16));
    return Buffer.concat([decipher.update(body.subarray(16)), decipher.final()]).toString('utf8');
  }
}

/** One contract, run against every key-type module in the registry and every key it generates. */
import { createPrivateKey } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { children, readWhole } from '../../pki/der';
import { createCsr, parseCsr } from '../../pki/index';
import {
  KEY_TYPES,
  KEY_TYPE_MODULES,
  classifyKey,
  generateKey,
  readPublicKeyInfo,
} from '../../pki/key-types/index';
import { signAndWrap, spkiOf } from '../../pki/x509';

const cases = KEY_TYPE_MODULES.flatMap((module) => module.generates.map((name) => [name, module] as const));

describe('key-type modules', () => {
  it('together generate exactly KEY_TYPES', () => {
    expect(cases.map(([name]) => name).sort()).toEqual([...KEY_TYPES].sort());
  });

  describe.each(cases)('%s', (name, module) => {
    const key = generateKey(name as (typeof KEY_TYPES)[number]);

    it('classifies its own generated key under its own name', () => {
      expect(classifyKey(key.publicKey)).toEqual({ ok: true, value: name });
      expect(module.classify(key.privateKey)).toEqual({ ok: true, value: name });
    });

    it('claims and checks the exported SPKI', () => {
      const read = readPublicKeyInfo(spkiOf(key.publicKey));
      expect(read).toMatchObject({ ok: true, value: { keyType: name, module } });
    });

    it('signs with the algorithm it names, verifiable with its public key and nothing else', () => {
      const algorithm = module.signatureAlgorithm(key.privateKey);
      const tbs = Buffer.from([0x04, 0x03, ...Buffer.from('tbs')]);
      const [, , signature] = children(readWhole(signAndWrap(tbs, key.privateKey, algorithm)));
      const read = readPublicKeyInfo(spkiOf(key.publicKey));
      if (!read.ok) throw new Error(read.reason);
      const bits = signature!.content.subarray(1);
      expect(read.value.verify(algorithm.hash, tbs, bits)).toBe(true);
      expect(read.value.verify(algorithm.hash, Buffer.from([0x04, 0x03, ...Buffer.from('tbt')]), bits)).toBe(
        false,
      );
    });

    it('is held by its own module only, also after a PKCS#8 round trip', () => {
      const reread = createPrivateKey(key.privateKey.export({ type: 'pkcs8', format: 'pem' }));
      for (const candidate of [key.privateKey, reread])
        expect(KEY_TYPE_MODULES.find((other) => other.holds(candidate))).toBe(module);
    });

    it('round-trips a CSR signed by the key', () => {
      const csr = createCsr({
        key: key.privateKey,
        publicKey: key.publicKey,
        subject: [{ type: 'CN', value: 'a.zhaoqing.gov.cn' }],
      });
      expect(parseCsr(csr)).toMatchObject({ ok: true, value: { keyType: name, usage: module.usage } });
    });
  });
});

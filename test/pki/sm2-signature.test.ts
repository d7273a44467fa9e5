/**
 * The SM2 signature against the worked example of GB/T 32918.2-2016 Appendix A (its 256-bit
 * example curve, ID "ALICE123@YAHOO.COM", fixed k) and against Debian's openssl, both ways, on the
 * recommended curve with the default ID.
 */
import { execFileSync } from 'node:child_process';
import { createPrivateKey, randomBytes, sign as nodeSign } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bitString, oid, sequence } from '../../pki/der';
import { readPublicKeyInfo } from '../../pki/key-types/index';
import { decodeSignature, encodeSignature } from '../../pki/key-types/sm2-der';
import { SM2_CURVE, sm2Keys } from '../../pki/key-types/sm2';
import { keyShift } from '../../pki/key-types/sm2-openssl';
import {
  SM2_P256_PARAMETERS,
  defineCurve,
  sm2Sign,
  sm2Verify,
  toBigInt,
  userHash,
} from '../../pki/key-types/sm2-signature';
import { spkiOf } from '../../pki/x509';

const hex = (text: string) => BigInt(`0x${text.replace(/\s/g, '')}`);

const EXAMPLE_CURVE = defineCurve({
  p: hex('8542D69E 4C044F18 E8B92435 BF6FF7DE 45728391 5C45517D 722EDB8B 08F1DFC3'),
  a: hex('787968B4 FA32C3FD 2417842E 73BBFEFF 2F3C848B 6831D7E0 EC65228B 3937E498'),
  b: hex('63E4C6D3 B23B0C84 9CF84241 484BFE48 F61D59A5 B16BA06E 6E12D1DA 27C5249A'),
  n: hex('8542D69E 4C044F18 E8B92435 BF6FF7DD 29772063 0485628D 5AE74EE7 C32E79B7'),
  Gx: hex('421DEBD6 1B62EAB6 746434EB C3CC315E 32220B3B ADD50BDC 4C4E6C14 7FEDD43D'),
  Gy: hex('0680512B CBB42C07 D47349D2 153B70C4 E5D7FDFC BFA36EA1 A85841B9 E46E09A2'),
});

const EXAMPLE = {
  id: Buffer.from('ALICE123@YAHOO.COM'),
  message: Buffer.from('message digest'),
  d: hex('128B2FA8 BD433C6C 068C8D80 3DFF7979 2A519A55 171B1B65 0C23661D 15897263'),
  xA: hex('0AE4C779 8AA0F119 471BEE11 825BE462 02BB79E2 A5844495 E97C04FF 4DF2548A'),
  yA: hex('7C0240F8 8F1CD4E1 6352A73C 17B7F16F 07353E53 A176D684 A9FE0C6B B798E857'),
  za: 'f4a38489e32b45b6f876e3ac2168ca392362dc8f23459c1d1146fc3dbfb7bc9a',
  k: hex('6CB28D99 385C175C 94F94E93 4817663F C176D925 DD72B727 260DBAAE 1FB2F96F'),
  r: hex('40F1EC59 F793D9F4 9E09DCEF 49130D41 94F79FB1 EED2CAA5 5BACDB49 C4E755D1'),
  s: hex('6FC6DAC3 2C5D5CF1 0C77DFB2 0F7C2EB6 67A45787 2FB09EC5 6327A67E C7DEEBE7'),
};

describe('SM2 signature, GB/T 32918.2 Appendix A example', () => {
  const publicKey = { x: EXAMPLE.xA, y: EXAMPLE.yA };

  it('derives the public key and Z_A of the example', () => {
    expect(EXAMPLE_CURVE.multiplyBase(EXAMPLE.d)).toEqual(publicKey);
    expect(userHash(EXAMPLE_CURVE, EXAMPLE.id, publicKey).toString('hex')).toBe(EXAMPLE.za);
  });

  it('signs to the example (r, s) with its k, and verifies it', () => {
    const signature = sm2Sign(
      EXAMPLE_CURVE,
      { d: EXAMPLE.d, publicKey },
      EXAMPLE.message,
      EXAMPLE.id,
      () => EXAMPLE.k,
    );
    expect(signature).toEqual({ r: EXAMPLE.r, s: EXAMPLE.s });
    const point = EXAMPLE_CURVE.Point.fromAffine(publicKey);
    expect(sm2Verify(EXAMPLE_CURVE, point, EXAMPLE.message, signature, EXAMPLE.id)).toBe(true);
  });

  it('refuses the example signature on another message, under another ID, or with r, s out of range', () => {
    const point = EXAMPLE_CURVE.Point.fromAffine(publicKey);
    const good = { r: EXAMPLE.r, s: EXAMPLE.s };
    expect(sm2Verify(EXAMPLE_CURVE, point, Buffer.from('message digesT'), good, EXAMPLE.id)).toBe(false);
    expect(sm2Verify(EXAMPLE_CURVE, point, EXAMPLE.message, good)).toBe(false);
    expect(sm2Verify(EXAMPLE_CURVE, point, EXAMPLE.message, { r: good.r + 1n, s: good.s }, EXAMPLE.id)).toBe(
      false,
    );
    const n = EXAMPLE_CURVE.parameters.n;
    expect(sm2Verify(EXAMPLE_CURVE, point, EXAMPLE.message, { r: good.r + n, s: good.s }, EXAMPLE.id)).toBe(
      false,
    );
    expect(sm2Verify(EXAMPLE_CURVE, point, EXAMPLE.message, { r: 0n, s: good.s }, EXAMPLE.id)).toBe(false);
    expect(sm2Verify(EXAMPLE_CURVE, point, EXAMPLE.message, { r: good.r, s: n - good.r }, EXAMPLE.id)).toBe(
      false,
    );
  });
});

describe('SM2 with Debian openssl (recommended curve, ID 1234567812345678)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'egov-sm2-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const key = sm2Keys.generate('sm2');
  const message = Buffer.from('政务外网 SM2 interop: 肇庆分中心');
  writeFileSync(join(dir, 'msg'), message);
  writeFileSync(join(dir, 'pub.pem'), key.publicKey.export({ type: 'spki', format: 'pem' }));
  writeFileSync(join(dir, 'key.pem'), key.privateKey.export({ type: 'pkcs8', format: 'pem' }));
  const opensslVerify = (signatureFile: string, distid = '1234567812345678') => {
    try {
      const out = execFileSync(
        'openssl',
        [
          'pkeyutl',
          '-verify',
          '-pubin',
          '-inkey',
          join(dir, 'pub.pem'),
          '-rawin',
          '-digest',
          'sm3',
          '-pkeyopt',
          `distid:${distid}`,
          '-in',
          join(dir, 'msg'),
          '-sigfile',
          signatureFile,
        ],
        { stdio: 'pipe' },
      );
      return out.toString().includes('Signature Verified Successfully');
    } catch {
      return false;
    }
  };
  const checked = readPublicKeyInfo(spkiOf(key.publicKey));
  if (!checked.ok) throw new Error(checked.reason);

  it('openssl verifies our signature, and only with the default ID', () => {
    writeFileSync(join(dir, 'ours.sig'), sm2Keys.sign(key.privateKey, 'sm3', message));
    expect(opensslVerify(join(dir, 'ours.sig'))).toBe(true);
    expect(opensslVerify(join(dir, 'ours.sig'), 'ALICE123@YAHOO.COM')).toBe(false);
  });

  it("we verify openssl's signature, and refuse it on another message", () => {
    execFileSync('openssl', [
      'pkeyutl',
      '-sign',
      '-inkey',
      join(dir, 'key.pem'),
      '-rawin',
      '-digest',
      'sm3',
      '-pkeyopt',
      'distid:1234567812345678',
      '-in',
      join(dir, 'msg'),
      '-out',
      join(dir, 'theirs.sig'),
    ]);
    const theirs = readFileSync(join(dir, 'theirs.sig'));
    expect(checked.value.verify('sm3', message, theirs)).toBe(true);
    expect(checked.value.verify('sm3', Buffer.from('another message'), theirs)).toBe(false);
  });

  it("refuses Node's ECDSA-style signature with the same key and SM3, which openssl refuses too", () => {
    const ecdsaStyle = nodeSign('sm3', message, key.privateKey);
    writeFileSync(join(dir, 'ecdsa.sig'), ecdsaStyle);
    expect(opensslVerify(join(dir, 'ecdsa.sig'))).toBe(false);
    expect(checked.value.verify('sm3', message, ecdsaStyle)).toBe(false);
  });

  it('refuses malformed signature values', () => {
    const good = decodeSignature(sm2Keys.sign(key.privateKey, 'sm3', message))!;
    const der = encodeSignature(good);
    expect(checked.value.verify('sm3', message, Buffer.concat([der, Buffer.from([0])]))).toBe(false);
    expect(checked.value.verify('sm3', message, der.subarray(0, der.length - 1))).toBe(false);
    expect(checked.value.verify('sha256', message, der)).toBe(false);
    expect(decodeSignature(Buffer.from([0x30, 0x06, 0x02, 0x01, 0x80, 0x02, 0x01, 0x01]))).toBeNull();
  });

  it('signs with a key read back from PKCS#8 (the CA key after unlocking), verifiable by openssl', () => {
    const reread = createPrivateKey(key.privateKey.export({ type: 'pkcs8', format: 'pem' }));
    expect(reread.asymmetricKeyType).toBeUndefined();
    expect(sm2Keys.holds(reread)).toBe(true);
    writeFileSync(join(dir, 'reread.sig'), sm2Keys.sign(reread, 'sm3', message));
    expect(opensslVerify(join(dir, 'reread.sig'))).toBe(true);
  });

  it("OpenSSL's arithmetic (ECDH ladder, verification as ECDSA) agrees with @noble/curves' on the SM2 curve", () => {
    const plain = defineCurve(SM2_P256_PARAMETERS);
    const { n } = SM2_P256_PARAMETERS;
    const point = plain.Point.BASE.multiply(0x1234567890abcdefn);
    const native = SM2_CURVE.Point.fromAffine(point.toAffine());
    for (const [s, t] of [
      [1n, 1n],
      [2n, 3n],
      [n - 1n, 7n],
      [0n, 5n],
      [toBigInt(randomBytes(31)), toBigInt(randomBytes(32)) % n],
    ] as const) {
      expect(SM2_CURVE.multiplyBase(s === 0n ? 1n : s)).toEqual(plain.multiplyBase(s === 0n ? 1n : s));
      const x = plain.Point.BASE.multiplyUnsafe(s).add(point.multiplyUnsafe(t)).toAffine().x % n;
      expect(plain.sumHasX(s, t, point, x)).toBe(true);
      expect(SM2_CURVE.sumHasX(s, t, native, x)).toBe(true);
      expect(SM2_CURVE.sumHasX(s, t, native, (x + 1n) % n)).toBe(false);
      expect(SM2_CURVE.sumHasX(s, t, native, n - x)).toBe(false);
    }
    // s·G + t·P at infinity: P = −(s/t)·G; no x matches.
    const minus = plain.Point.BASE.multiply(n - 2n);
    for (const x of [1n, SM2_P256_PARAMETERS.Gx % n])
      expect(SM2_CURVE.sumHasX(2n, 1n, SM2_CURVE.Point.fromAffine(minus.toAffine()), x)).toBe(false);
  });

  it('computes the cases the ECDSA form cannot express (x = 0, P + c·G doubling or at infinity) exactly', () => {
    const plain = defineCurve(SM2_P256_PARAMETERS);
    const { n } = SM2_P256_PARAMETERS;
    const [s, t, x] = [11n, 13n, 17n];
    const { c } = keyShift(s, t, x);
    for (const scalar of [c, n - c, 5n]) {
      const point = plain.Point.BASE.multiply(scalar);
      const sum = plain.Point.BASE.multiplyUnsafe(s).add(point.multiplyUnsafe(t));
      const actualX = sum.is0() ? 1n : sum.toAffine().x % n;
      const native = SM2_CURVE.Point.fromAffine(point.toAffine());
      expect(SM2_CURVE.sumHasX(s, t, native, actualX)).toBe(!sum.is0());
      expect(SM2_CURVE.sumHasX(s, t, native, x)).toBe(plain.sumHasX(s, t, point, x));
      expect(SM2_CURVE.sumHasX(s, t, native, 0n)).toBe(false);
    }
  });

  it('verifies through OpenSSL exactly when the SM2 equation holds, for random keys and tampered values', () => {
    for (let round = 0; round < 20; round += 1) {
      const d = (toBigInt(randomBytes(32)) % (SM2_P256_PARAMETERS.n - 2n)) + 1n;
      const publicKey = SM2_CURVE.multiplyBase(d);
      const point = SM2_CURVE.Point.fromAffine(publicKey);
      const text = randomBytes(40);
      const signature = sm2Sign(SM2_CURVE, { d, publicKey }, text);
      expect(sm2Verify(SM2_CURVE, point, text, signature)).toBe(true);
      expect(sm2Verify(SM2_CURVE, point, Buffer.concat([text, Buffer.from([round])]), signature)).toBe(false);
      expect(sm2Verify(SM2_CURVE, point, text, { r: signature.r, s: signature.s ^ 1n })).toBe(false);
      expect(sm2Verify(SM2_CURVE, point, text, { r: signature.r ^ 2n, s: signature.s })).toBe(false);
    }
  });
});

describe('untrusted SM2 public keys', () => {
  const spkiWith = (point: Buffer) =>
    sequence(sequence(oid('1.2.840.10045.2.1'), oid('1.2.156.10197.1.301')), bitString(point));
  const good = spkiOf(sm2Keys.generate('sm2').publicKey);
  const uncompressed = good.subarray(good.length - 65);

  it('accepts the uncompressed and the compressed form of a point on the curve', () => {
    expect(readPublicKeyInfo(spkiWith(uncompressed))).toMatchObject({ ok: true, value: { keyType: 'sm2' } });
    const y = toBigInt(uncompressed.subarray(33));
    const compressed = Buffer.concat([Buffer.from([y & 1n ? 0x03 : 0x02]), uncompressed.subarray(1, 33)]);
    expect(readPublicKeyInfo(spkiWith(compressed))).toMatchObject({ ok: true, value: { keyType: 'sm2' } });
  });

  it.each([
    [
      'a point off the curve',
      Buffer.concat([uncompressed.subarray(0, 64), Buffer.from([uncompressed[64]! ^ 1])]),
      /not a point on its curve/,
    ],
    ['the point at infinity', Buffer.from([0x00]), /point at infinity/],
    ['a truncated point', uncompressed.subarray(0, 40), /EC point encoding 0x4 of 40 bytes/],
    [
      'an x with no y on the curve',
      Buffer.concat([Buffer.from([0x02]), Buffer.alloc(32, 0xff)]),
      /not a point on its curve/,
    ],
  ])('refuses %s with a reason', (_name, point, reason) => {
    expect(readPublicKeyInfo(spkiWith(point))).toEqual({
      ok: false,
      reason: expect.stringMatching(reason) as unknown,
    });
  });
});

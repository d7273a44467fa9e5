import { describe, expect, it } from 'vitest';
import { localizeKey, privacyKey } from '../../simulator/usm';

const ENGINE = Buffer.from('000000000000000000000002', 'hex');

describe('USM keys', () => {
  it('localizes SHA keys as RFC 3414 A.3.2 says ("maplesyrup")', () => {
    expect(localizeKey('sha', 'maplesyrup', ENGINE).toString('hex')).toBe(
      '6695febc9288e36282235fc7151f128497b38f3f',
    );
  });

  it('derives AES-128 keys from the first 16 bytes and extends keys for AES-256', () => {
    const aes = privacyKey('aes', 'sha', 'maplesyrup', ENGINE);
    expect(aes.toString('hex')).toBe('6695febc9288e36282235fc7151f1284');
    const blumenthal = privacyKey('aes256b', 'sha', 'maplesyrup', ENGINE);
    const reeder = privacyKey('aes256r', 'sha', 'maplesyrup', ENGINE);
    expect(blumenthal.length).toBe(32);
    expect(reeder.length).toBe(32);
    expect(blumenthal.subarray(0, 20).toString('hex')).toBe('6695febc9288e36282235fc7151f128497b38f3f');
    expect(blumenthal.equals(reeder)).toBe(false);
  });
});

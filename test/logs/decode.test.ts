import { describe, expect, it } from 'vitest';
import { decodeLine } from '../../logs/decode';

const GBK_LOGIN_FAILED = Buffer.from([
  // "用户登录失败" in GBK
  0xd3, 0xc3, 0xbb, 0xa7, 0xb5, 0xc7, 0xc2, 0xbc, 0xca, 0xa7, 0xb0, 0xdc,
]);

describe('decodeLine', () => {
  it('reads UTF-8, Chinese included', () => {
    expect(decodeLine(Buffer.from('用户 admin 登录失败', 'utf8'))).toEqual({
      text: '用户 admin 登录失败',
      encoding: 'utf-8',
      rawBase64: null,
    });
  });

  it('drops a leading byte-order mark, and refuses overlong or surrogate UTF-8 (then tries GBK)', () => {
    const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('<13>配置已更改', 'utf8')]);
    expect(decodeLine(bom)).toEqual({ text: '<13>配置已更改', encoding: 'utf-8', rawBase64: null });
    for (const invalid of [
      [0x3c, 0x31, 0x33, 0x3e, 0xc0, 0xaf], // overlong "/"
      [0x3c, 0x31, 0x33, 0x3e, 0xed, 0xa0, 0x80], // a UTF-16 surrogate
    ])
      expect(decodeLine(Buffer.from(invalid)).encoding).not.toBe('utf-8');
  });

  it('reads GBK when the bytes are not UTF-8', () => {
    const line = Buffer.concat([Buffer.from('<38>sshd: '), GBK_LOGIN_FAILED]);
    expect(decodeLine(line)).toEqual({ text: '<38>sshd: 用户登录失败', encoding: 'gbk', rawBase64: null });
  });

  it.each([
    ['bytes neither UTF-8 nor GBK', Buffer.from([0x3c, 0x31, 0x33, 0x3e, 0xff, 0xff, 0x80, 0x41])],
    ['NUL and escape characters', Buffer.from('<13>a\u0000b\u001b[31mred')],
  ])('keeps %s as raw bytes, with a printable rendering', (_, bytes) => {
    const decoded = decodeLine(bytes);
    expect(decoded.encoding).toBe('binary');
    expect(Buffer.from(decoded.rawBase64!, 'base64')).toEqual(bytes);
    expect(decoded.text).toMatch(/^<13>/);
    // eslint-disable-next-line no-control-regex -- asserting their absence
    expect(decoded.text).not.toMatch(/[\u0000-\u0008\u001b]/);
  });
});

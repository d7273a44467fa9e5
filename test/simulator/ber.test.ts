import { describe, expect, it } from 'vitest';
import { BerReader, BerWriter, Tag, encodeOidTlv } from '../../simulator/ber';
import { compareOid, parseOid, stringIndex } from '../../simulator/oid';

describe('BER', () => {
  it.each([
    ['1.3.6.1.2.1.1.5.0', '06082b06010201010500'],
    ['1.3.6.1.4.1.2011.5.25.111.4.3.1.2', '060e2b060104018f5b05196f04030102'],
    ['1.0.8802.1.1.2.1.4.1.1.9.0.24.1', '060e28c4620101020104010109001801'],
    ['1.3.6.1.2.1.2.2.1.10.4294967295', '060e2b060102010202010a8fffffff7f'],
  ])('encodes OID %s', (text, hex) => {
    expect(encodeOidTlv(parseOid(text)).toString('hex')).toBe(hex);
    const r = new BerReader(encodeOidTlv(parseOid(text)));
    expect(r.readOid().oid.join('.')).toBe(text);
  });

  it.each([0, 1, 127, 128, 255, 256, -1, -128, -129, 2147483647, -2147483648])(
    'round-trips INTEGER %i',
    (n) => {
      const w = new BerWriter(64, 0);
      w.reset();
      w.int(n);
      expect(new BerReader(w.finish()).readInt()).toBe(n);
    },
  );

  it.each([0, 127, 128, 2 ** 31, 2 ** 32 - 1, 2 ** 40 + 5, 2 ** 53 - 1])(
    'writes unsigned %d without sign trouble',
    (n) => {
      const w = new BerWriter(64, 0);
      w.reset();
      w.unsigned(n, Tag.Counter64);
      const out = w.finish();
      expect(out[0]).toBe(Tag.Counter64);
      expect(out[2]! & 0x80).toBe(0);
      const content = out.subarray(2, 2 + out[1]!);
      expect(Number(BigInt(`0x${content.toString('hex')}`))).toBe(n);
    },
  );

  it('keeps 32-bit types in range: Counter32 wraps, Gauge32 saturates', () => {
    const w = new BerWriter(64, 0);
    w.reset();
    w.unsigned(2 ** 32 + 5, Tag.Counter32);
    w.unsigned(1e11, Tag.Gauge32);
    const r = new BerReader(w.finish());
    expect(r.readInt(Tag.Counter32)).toBe(5);
    expect(r.readInt(Tag.Gauge32)).toBe(0xffffffff);
  });

  it('prepends headers with the right (long-form) lengths', () => {
    const w = new BerWriter(2048, 64);
    w.reset();
    w.octets(Buffer.alloc(300, 0x41));
    w.wrap(Tag.Sequence);
    w.prependInt(7);
    w.wrap(Tag.Sequence);
    const r = new BerReader(w.finish());
    r.enter(Tag.Sequence);
    expect(r.readInt()).toBe(7);
    r.enter(Tag.Sequence);
    expect(r.readOctets().length).toBe(300);
  });

  it('orders OIDs numerically and encodes string indexes as length + bytes', () => {
    expect(compareOid([1, 3, 6, 1, 2], [1, 3, 6, 1, 10])).toBeLessThan(0);
    expect(compareOid([1, 3, 6], [1, 3, 6, 0])).toBeLessThan(0);
    expect(compareOid([1, 3, 6, 16384], [1, 3, 6, 16383])).toBeGreaterThan(0);
    expect(stringIndex('egov-noc')).toEqual([8, 101, 103, 111, 118, 45, 110, 111, 99]);
  });

  it('rejects truncated messages with BerError', () => {
    expect(() => new BerReader(Buffer.from([0x30, 0x05, 0x02])).enter(Tag.Sequence)).toThrow(/length beyond/);
  });
});

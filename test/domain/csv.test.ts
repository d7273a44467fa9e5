/** domain/csv.ts: every export's CSV cells (asset register, monthly report, audit, device table). */
import { describe, expect, it } from 'vitest';
import { csvCell, csvDocument } from '../../domain';

describe('csv', () => {
  it.each([
    ['plain', 'plain'],
    ['南召县政府内网路由器', '南召县政府内网路由器'],
    ['=HYPERLINK("http://x")', `"'=HYPERLINK(""http://x"")"`],
    ['+1', "'+1"],
    ['-1+1', "'-1+1"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\tTAB', "'\tTAB"],
    ['a,b', '"a,b"'],
    ['line\nbreak', '"line\nbreak"'],
    [-3, '-3'],
    [null, ''],
  ] as const)('%j → %s', (cell, written) => {
    expect(csvCell(cell)).toBe(written);
  });

  it('a document starts with a BOM and ends every line with CRLF', () => {
    expect(
      csvDocument([
        ['节点 Node', 'x'],
        ['ny-core', 1],
      ]),
    ).toBe('\uFEFF节点 Node,x\r\nny-core,1\r\n');
  });
});

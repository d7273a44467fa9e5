/**
 * The register as a file: XLSX (exceljs: the assets, then one sheet of every part, then the
 * changes) or CSV (the assets only, one rectangular table; domain/csv.ts neutralises formula cells).
 * Headers carry both languages, like the monthly report's.
 */
import { csvDocument, formatLocalTime, type CsvCell } from '../../../domain';
import type { AssetChangeView, AssetRowView } from '../../shared';

const CERTIFICATE_WORDS: Record<AssetRowView['certificate']['state'], string> = {
  valid: '有效 valid',
  expiring: '即将到期 expiring',
  revoked: '已吊销 revoked',
  none: '无 none',
};

const ASSET_COLUMNS = [
  '节点 Node',
  '名称 Name',
  '管理地址 Address',
  '县区 County',
  '位置 Location',
  '厂商 Vendor',
  '型号 Model',
  '序列号 Serial',
  '硬件版本 Hardware',
  '固件版本 Firmware',
  '软件版本 Software',
  '证书 Certificate',
  '证书到期 Certificate expiry',
  '首次发现 First seen',
  '最近发现 Last seen',
  '模块数 Parts',
];

const MODULE_COLUMNS = [
  '节点 Node',
  '槽位 Slot',
  '类别 Class',
  '名称 Name',
  '型号 Model',
  '序列号 Serial',
  '硬件版本 Hardware',
  '固件版本 Firmware',
  '软件版本 Software',
];
const CHANGE_COLUMNS = [
  '时间 Time',
  '节点 Node',
  '名称 Name',
  '变更 Change',
  '部件 Part',
  '字段 Field',
  '原值 Old',
  '新值 New',
];
/** Rows written between two turns of the event loop (~20 ms of exceljs work). */
const YIELD_ROWS = 50;

const CHANGE_WORDS: Record<AssetChangeView['change'], string> = {
  'module-replaced': '模块更换 module replaced',
  'firmware-upgraded': '固件升级 firmware upgraded',
  'module-inserted': '模块插入 module inserted',
  'module-removed': '模块拔出 module removed',
};

/** entPhysicalClass as the Parts column of the Changes sheet names it; other classes as read. */
const PART_CLASS_WORDS: Record<string, string> = {
  chassis: '机框 chassis',
  module: '单板 board',
  port: '光模块 optic',
  powerSupply: '电源 power supply',
  fan: '风扇 fan',
};

/** "电源 power supply PWR2 (NE40E-X8)": the changed part with its class and container. */
function changedPart(change: AssetChangeView): string {
  const cls = change.partClass === '' ? '' : (PART_CLASS_WORDS[change.partClass] ?? change.partClass);
  const container = change.container === '' ? '' : `(${change.container})`;
  return [cls, change.slotName, container].filter((word) => word !== '').join(' ');
}

function assetCells(row: AssetRowView, utcOffsetMin: number): CsvCell[] {
  const time = (ms: number | null) => (ms === null ? null : formatLocalTime(ms, utcOffsetMin));
  return [
    row.node,
    row.name,
    row.address,
    row.county?.name ?? null,
    row.location,
    row.vendor,
    row.model,
    row.serial,
    row.hardwareRev,
    row.firmwareRev,
    row.softwareRev,
    CERTIFICATE_WORDS[row.certificate.state],
    time(row.certificate.notAfterMs),
    time(row.firstSeenMs),
    time(row.lastSeenMs),
    row.modules.length,
  ];
}

export function assetsCsv(rows: readonly AssetRowView[], utcOffsetMin: number): string {
  return csvDocument([ASSET_COLUMNS, ...rows.map((row) => assetCells(row, utcOffsetMin))]);
}

export async function assetsXlsx(
  rows: readonly AssetRowView[],
  changes: readonly AssetChangeView[],
  utcOffsetMin: number,
  generatedAtMs: number,
): Promise<Buffer> {
  const { default: ExcelJS } = await import('exceljs');
  const { PassThrough } = await import('node:stream');
  // exceljs spends ~50 µs a cell: a province's ~48,000 rows take 20 s or more (npm run bench --
  // assets). The streaming writer keeps memory flat, and yielding every YIELD_ROWS rows keeps the
  // console answering other requests meanwhile.
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (chunk: Buffer) => chunks.push(chunk));
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
    stream: out,
    useStyles: true,
    useSharedStrings: false,
  });
  workbook.creator = 'egov-noc';
  workbook.created = new Date(generatedAtMs);
  const sheet = async (name: string, columns: string[], cells: Iterable<CsvCell[]>) => {
    const ws = workbook.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 1 }] });
    ws.columns = columns.map((_, index) => ({ width: index === 1 ? 32 : 18 }));
    const header = ws.addRow(columns);
    header.font = { bold: true };
    header.commit();
    // exceljs writes strings as text cells (never formulas): no neutralising needed here.
    let written = 0;
    for (const row of cells) {
      ws.addRow(row.map((cell) => cell ?? '')).commit();
      if (++written % YIELD_ROWS === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    ws.commit();
  };
  await sheet(
    '设备台账 Assets',
    ASSET_COLUMNS,
    rows.map((row) => assetCells(row, utcOffsetMin)),
  );
  await sheet(
    '模块 Parts',
    MODULE_COLUMNS,
    rows.flatMap((row) =>
      row.modules.map((m) => [
        row.node,
        m.slot,
        m.class,
        m.name,
        m.model,
        m.serial,
        m.hardwareRev,
        m.firmwareRev,
        m.softwareRev,
      ]),
    ),
  );
  await sheet(
    '变更 Changes',
    CHANGE_COLUMNS,
    changes.map((c) => [
      formatLocalTime(c.timeMs, utcOffsetMin),
      c.node,
      c.nodeName,
      CHANGE_WORDS[c.change],
      changedPart(c),
      c.field,
      c.oldValue,
      c.newValue,
    ]),
  );
  await workbook.commit();
  return Buffer.concat(chunks);
}

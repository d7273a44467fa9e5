/**
 * The log store buffer's bounds in `egov-noc collect`: `logBufferEvents` / `logBufferBytes` in the
 * collect config (checked field by field, file:line field: message) and the flags that win over them.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readConfig } from '../../cli/commands/collect-files';
import { describeSyslog, syslogSettings } from '../../cli/commands/collect-syslog';
import { formatConfigError } from '../../common';
import { parseByteSize } from '../../logs/store/buffer-bounds';

const dir = mkdtempSync(join(tmpdir(), 'egov-collect-log-buffer-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function load(lines: string[]) {
  const file = join(dir, 'collect.yaml');
  writeFileSync(file, ['inventory: ny.yaml', 'store: m.sqlite', ...lines, ''].join('\n'));
  return { file, loaded: readConfig(file) };
}

function errorsOf(loaded: ReturnType<typeof readConfig>): string[] {
  return loaded.ok ? [] : loaded.errors.map(formatConfigError);
}

const WITH_STORE = ['syslog:', '  port: 5514', 'logStore: sqlite:logs.sqlite'];
const SIZE_WANTED =
  "a size such as 128MiB, 512KiB or 134217728 (bytes), at least 256 KiB (the log store's minimum)";

/** The settings of a collector with syslog on (these all turn it on). */
function settingsFor(...args: Parameters<typeof syslogSettings>) {
  const settings = syslogSettings(...args);
  if (settings === null) throw new Error('syslog is off');
  return settings;
}

describe('collect config: the log store buffer', () => {
  it('reads both bounds beside the log store, the bytes as a number or a size with its unit', () => {
    for (const bytes of ['1610612736', '1.5GiB', '"1536 MiB"']) {
      const { loaded } = load([...WITH_STORE, 'logBufferEvents: 3600000', `logBufferBytes: ${bytes}`]);
      expect(loaded).toMatchObject({
        ok: true,
        config: { logBufferEvents: 3_600_000, logBufferBytes: 1_610_612_736 },
      });
    }
  });

  it('takes the smallest byte bound the store accepts', () => {
    const { loaded } = load([...WITH_STORE, 'logBufferEvents: 1', 'logBufferBytes: 262144']);
    expect(loaded).toMatchObject({ ok: true, config: { logBufferEvents: 1, logBufferBytes: 262_144 } });
  });

  it('names the line and field of every bad bound, and the minimum', () => {
    const { file, loaded } = load([...WITH_STORE, 'logBufferEvents: 0', 'logBufferBytes: 1000']);
    expect(errorsOf(loaded)).toEqual([
      `${file}:6 logBufferEvents: at least 1 event`,
      `${file}:7 logBufferBytes: ${SIZE_WANTED}`,
    ]);
  });

  it('wants whole events, and sizes whose unit says 1024 (not MB) and that come to whole bytes', () => {
    for (const bytes of ['64MB', '1.3KiB', 'lots', '262144.5']) {
      const { file, loaded } = load([...WITH_STORE, 'logBufferEvents: 2.5', `logBufferBytes: ${bytes}`]);
      expect(errorsOf(loaded)).toEqual([
        `${file}:6 logBufferEvents: a whole number of events`,
        `${file}:7 logBufferBytes: ${SIZE_WANTED}`,
      ]);
    }
  });
});

describe('parseByteSize', () => {
  it.each([
    ['33554432', 33_554_432],
    ['512KiB', 524_288],
    ['64MiB', 67_108_864],
    ['64 MiB', 67_108_864],
    ['64m', 67_108_864],
    ['64Mi', 67_108_864],
    ['2G', 2_147_483_648],
    ['1.5GiB', 1_610_612_736],
    ['4096B', 4096],
  ])('%s is %d bytes', (text, bytes) => expect(parseByteSize(text)).toBe(bytes));

  it.each(['64MB', '1GB', '1.3KiB', '-1', '0x100', '', 'MiB', '64 TiB'])('%j is no size', (text) =>
    expect(parseByteSize(text)).toBeNull(),
  );
});

describe('collect settings: the log store buffer', () => {
  const config = {
    syslog: { port: 5514 },
    logStore: 'sqlite:logs.sqlite',
    logBufferEvents: 1000,
    logBufferBytes: 300_000,
  };

  it('a flag wins over its key; a key without its flag still counts', () => {
    const settings = settingsFor({ logBufferEvents: 5 }, config);
    expect(settings.buffer).toEqual({ maxBufferedEvents: 5, maxBufferedBytes: 300_000 });
    expect(describeSyslog(settings)).toContain(
      '; log store sqlite:logs.sqlite (buffer 5 events, 300000 bytes)',
    );
  });

  it('flags alone, without a config', () => {
    const settings = settingsFor(
      { syslogPort: 5514, logStore: 'sqlite:logs.sqlite', logBufferBytes: 64 * 1024 * 1024 },
      {},
    );
    expect(settings.buffer).toEqual({ maxBufferedBytes: 64 * 1024 * 1024 });
    expect(describeSyslog(settings)).toContain('(buffer 100000 events, 64 MiB)');
  });

  it('neither: the store keeps its defaults, and the startup line names them', () => {
    const settings = settingsFor({ syslogPort: 5514, logStore: 'sqlite:logs.sqlite' }, {});
    expect(settings.buffer).toEqual({});
    expect(describeSyslog(settings)).toContain('(buffer 100000 events, 32 MiB)');
  });
});

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

/** The settings of a collector with syslog on (these all turn it on). */
function settingsFor(...args: Parameters<typeof syslogSettings>) {
  const settings = syslogSettings(...args);
  if (settings === null) throw new Error('syslog is off');
  return settings;
}

describe('collect config: the log store buffer', () => {
  it('reads both bounds beside the log store', () => {
    const { loaded } = load([...WITH_STORE, 'logBufferEvents: 3600000', 'logBufferBytes: 1610612736']);
    expect(loaded).toMatchObject({
      ok: true,
      config: { logBufferEvents: 3_600_000, logBufferBytes: 1_610_612_736 },
    });
  });

  it('takes the smallest byte bound the store accepts', () => {
    const { loaded } = load([...WITH_STORE, 'logBufferEvents: 1', 'logBufferBytes: 262144']);
    expect(loaded).toMatchObject({ ok: true, config: { logBufferEvents: 1, logBufferBytes: 262_144 } });
  });

  it('names the line and field of every bad bound, and the minimum', () => {
    const { file, loaded } = load([...WITH_STORE, 'logBufferEvents: 0', 'logBufferBytes: 1000']);
    expect(errorsOf(loaded)).toEqual([
      `${file}:6 logBufferEvents: at least 1 event`,
      `${file}:7 logBufferBytes: at least 262144 bytes (256 KiB), the log store's minimum`,
    ]);
  });

  it('wants whole numbers: no fractions, no units', () => {
    const { file, loaded } = load([...WITH_STORE, 'logBufferEvents: 2.5', 'logBufferBytes: 64MiB']);
    expect(errorsOf(loaded)).toEqual([
      `${file}:6 logBufferEvents: a whole number of events`,
      `${file}:7 logBufferBytes: Invalid input: expected number, received string`,
    ]);
  });
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

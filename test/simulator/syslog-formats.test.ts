/**
 * Each vendor's lines, as the simulator sends them, read back by the collector's own parsers: the
 * right format, message id, category, user and source address, the node id as HOSTNAME and the
 * device's time; Chinese text goes out in GBK, as the devices send it.
 */
import { describe, expect, it } from 'vitest';
import { decodeLine, parseLogLine } from '../../logs';
import type { SecurityCategory } from '../../domain';
import type { DeviceLogEvent, FormattedLine, LineContext } from '../../simulator/syslog/events';
import { encodeGbk } from '../../simulator/syslog/gbk';
import { hostUtcOffsetMin } from '../../simulator/syslog/timestamps';
import { dialectOf, type LogDialect } from '../../simulator/syslog/vendors';

const timeMs = Date.UTC(2026, 11, 6, 2, 30, 15, 123);
const context: LineContext = {
  hostname: 'wolong-gw',
  timeMs,
  sequence: 42,
  utcOffsetMin: hostUtcOffsetMin(timeMs),
};

const attacker = '203.0.113.57';
const station = '10.41.0.200';
const EVENTS: Record<string, DeviceLogEvent> = {
  'login-failed': { kind: 'login-failed', user: 'admin', source: attacker, sourcePort: 51234 },
  login: { kind: 'login', user: 'zhangwei', source: station, sourcePort: 50522 },
  logout: { kind: 'logout', user: 'zhangwei', source: station },
  command: { kind: 'command', user: 'zhangwei', source: station, command: 'display interface brief' },
  'config-change': {
    kind: 'config-change',
    user: 'liming',
    source: station,
    command: 'description 至政务外网区县上联',
  },
  interface: { kind: 'interface', ifName: 'GE0/0/1', up: false },
  'ntp-sync': { kind: 'ntp-sync', server: '10.41.0.203' },
};

interface Expected {
  messageId?: string | RegExp;
  category: SecurityCategory;
  user?: string;
  source?: string;
}

/** What the last line of each event must read as, per dialect. */
const EXPECTED: Record<LogDialect, Record<keyof typeof EVENTS, Expected>> = {
  'huawei-vrp': {
    'login-failed': {
      messageId: 'SSH/4/SSH_FAIL',
      category: 'auth-failure',
      user: 'admin',
      source: attacker,
    },
    login: { messageId: 'SSH/5/SSH_USER_LOGIN', category: 'auth-success', user: 'zhangwei', source: station },
    logout: { messageId: 'SSH/5/SSH_USER_LOGOUT', category: 'system', user: 'zhangwei' },
    command: { messageId: 'SHELL/5/CMDRECORD', category: 'command', user: 'zhangwei', source: station },
    'config-change': {
      messageId: 'CONFIGURATION/6/CFG_FILE_CHANGE',
      category: 'config-change',
      source: station,
    },
    interface: { messageId: 'IFNET/3/IF_STATE', category: 'system' },
    'ntp-sync': { messageId: /^NTP\//, category: 'system' },
  },
  'h3c-comware': {
    'login-failed': {
      messageId: 'SSHS/6/SSHS_LOG',
      category: 'auth-failure',
      user: 'admin',
      source: attacker,
    },
    login: { messageId: 'SHELL/5/SHELL_LOGIN', category: 'auth-success', user: 'zhangwei', source: station },
    logout: { messageId: 'SHELL/5/SHELL_LOGOUT', category: 'system', user: 'zhangwei' },
    command: { messageId: 'SHELL/6/SHELL_CMD', category: 'command', user: 'zhangwei', source: station },
    'config-change': { messageId: 'CFGMAN/5/CFGMAN_CFGCHANGED', category: 'config-change' },
    interface: { messageId: 'IFNET/3/PHY_UPDOWN', category: 'system' },
    'ntp-sync': { messageId: /^NTP\//, category: 'system' },
  },
  'cisco-ios': {
    'login-failed': {
      messageId: 'SEC_LOGIN-4-LOGIN_FAILED',
      category: 'auth-failure',
      user: 'admin',
      source: attacker,
    },
    login: {
      messageId: 'SEC_LOGIN-5-LOGIN_SUCCESS',
      category: 'auth-success',
      user: 'zhangwei',
      source: station,
    },
    logout: { messageId: 'SYS-6-LOGOUT', category: 'system' },
    command: { messageId: 'PARSER-5-CFGLOG_LOGGEDCMD', category: 'command', user: 'zhangwei' },
    'config-change': {
      messageId: 'SYS-5-CONFIG_I',
      category: 'config-change',
      user: 'liming',
      source: station,
    },
    interface: { messageId: 'LINEPROTO-5-UPDOWN', category: 'system' },
    'ntp-sync': { messageId: 'NTP-5-PEERSYNC', category: 'system' },
  },
  linux: {
    'login-failed': { category: 'auth-failure', user: 'admin', source: attacker },
    login: { category: 'auth-success', user: 'zhangwei', source: station },
    logout: { category: 'system', user: 'zhangwei' },
    command: { category: 'command' },
    'config-change': { category: 'command' },
    interface: { category: 'system' },
    'ntp-sync': { category: 'system' },
  },
};

const VENDOR_OF: Record<LogDialect, { vendor: string; role: 'router' | 'server'; format: string }> = {
  'huawei-vrp': { vendor: 'huawei', role: 'router', format: 'huawei-vrp' },
  'h3c-comware': { vendor: 'h3c', role: 'router', format: 'h3c-comware' },
  'cisco-ios': { vendor: 'cisco', role: 'router', format: 'cisco-ios' },
  linux: { vendor: 'inspur', role: 'server', format: 'rfc3164' },
};

const bytesOf = (line: FormattedLine) => (line.gbk ? encodeGbk(line.text) : Buffer.from(line.text, 'utf8'));

describe.each(Object.keys(VENDOR_OF) as LogDialect[])('%s lines', (dialectName) => {
  const { vendor, role, format } = VENDOR_OF[dialectName];
  const dialect = dialectOf({ vendor, role });

  it('is the dialect of its vendor', () => {
    expect(dialect.name).toBe(dialectName);
  });

  it.each(Object.keys(EVENTS))('%s reads back as the vendor format says', (kind) => {
    const lines = dialect.format(EVENTS[kind] as DeviceLogEvent, context);
    expect(lines.length).toBeGreaterThan(0);
    const expected = EXPECTED[dialectName][kind] as Expected;
    const last = lines.at(-1) as FormattedLine;
    const decoded = decodeLine(bytesOf(last));
    const parsed = parseLogLine(decoded.text, timeMs + 5_000);
    expect(parsed.format).toBe(format);
    expect(parsed.hostname).toBe('wolong-gw');
    expect(parsed.category).toBe(expected.category);
    if (expected.messageId !== undefined)
      expect(parsed.messageId).toMatch(
        typeof expected.messageId === 'string' ? new RegExp(`^${expected.messageId}$`) : expected.messageId,
      );
    if (expected.user !== undefined) expect(parsed.user).toBe(expected.user);
    if (expected.source !== undefined) expect(parsed.sourceAddress).toBe(expected.source);
    // The device's clock, to the second (Huawei and BSD headers carry no milliseconds).
    expect(parsed.timeMs).toBeGreaterThanOrEqual(Math.floor(timeMs / 1000) * 1000);
    expect(parsed.timeMs).toBeLessThanOrEqual(timeMs);
    for (const line of lines) expect(line.text).not.toMatch(/[\r\n]/);
  });

  it('writes a config change after the command that made it, naming the operator', () => {
    const lines = dialect.format(EVENTS['config-change'] as DeviceLogEvent, context);
    const texts = lines.map((l) => decodeLine(bytesOf(l)).text).join('\n');
    expect(texts).toContain('liming');
  });
});

describe('Chinese text in device logs', () => {
  it.each(['huawei-vrp', 'h3c-comware'] as const)(
    '%s sends typed Chinese in GBK, which the collector decodes',
    (name) => {
      const dialect = dialectOf({ vendor: VENDOR_OF[name].vendor, role: 'router' });
      const [commandLine] = dialect.format(EVENTS['config-change'] as DeviceLogEvent, context);
      expect(commandLine?.gbk).toBe(true);
      const bytes = bytesOf(commandLine as FormattedLine);
      expect(() => new TextDecoder('utf-8', { fatal: true }).decode(bytes)).toThrow();
      const decoded = decodeLine(bytes);
      expect(decoded.encoding).toBe('gbk');
      expect(decoded.text).toContain('至政务外网区县上联');
    },
  );

  it('ASCII-only lines stay plain', () => {
    const lines = dialectOf({ vendor: 'huawei', role: 'router' }).format(
      EVENTS.login as DeviceLogEvent,
      context,
    );
    expect(lines.every((l) => !l.gbk)).toBe(true);
  });

  it('encodes every character of the operators’ command sets (GB2312 text round-trips)', () => {
    for (const vendor of ['huawei', 'h3c', 'cisco', 'inspur'])
      for (const command of dialectOf({ vendor, role: 'router' }).configCommands)
        expect(new TextDecoder('gbk').decode(encodeGbk(command))).toBe(command);
  });

  it('refuses a character GBK cannot hold instead of sending mojibake', () => {
    expect(() => encodeGbk('emoji 🙂')).toThrow(/no GBK code/);
  });
});

/**
 * Real-looking lines per vendor (formats from the vendors' log references) → format, message id,
 * category, user and source address.
 */
import { describe, expect, it } from 'vitest';
import { parseLogLine } from '../../../logs/parsers/index';

const NOW = Date.UTC(2026, 11, 6, 12, 0, 0);

type Row = [line: string, expected: Record<string, unknown>];

const HUAWEI: Row[] = [
  [
    '<188>Dec  6 2026 10:00:00+08:00 nanzhao-core %%01SSH/4/SSH_FAIL(l)[0]:Failed to login through SSH. (Ip=10.8.1.23, VpnInstanceName=, UserName=admin, Times=1, FailedReason=Password authentication failed)',
    {
      format: 'huawei-vrp',
      messageId: 'SSH/4/SSH_FAIL',
      category: 'auth-failure',
      user: 'admin',
      sourceAddress: '10.8.1.23',
      hostname: 'nanzhao-core',
      level: 4,
    },
  ],
  [
    '<189>Dec  6 2026 10:00:05 nanzhao-core %%01SHELL/5/CMDRECORD(s)[1]:Recorded command information. (Task=VT0, Ip=10.8.1.23, VpnName=, User=netops, AuthenticationMethod="Local-user", Command="display current-configuration", Result=Success)',
    {
      format: 'huawei-vrp',
      messageId: 'SHELL/5/CMDRECORD',
      category: 'command',
      user: 'netops',
      sourceAddress: '10.8.1.23',
    },
  ],
  [
    '<188>Dec  6 2026 10:01:00 nanzhao-core %%01SHELL/4/LOGINFAIL(l)[2]:Failed to login. (Ip=10.8.1.24, UserName=root, Times=3, AccessType=TELNET)',
    { category: 'auth-failure', user: 'root', sourceAddress: '10.8.1.24' },
  ],
  [
    '<189>Dec  6 2026 10:02:00 nanzhao-core %%01SSH/5/SSH_USER_LOGIN(l)[3]:The SSH user succeeded in logging in. (UserName=netops, IPAddress=10.8.1.23, VpnInstanceName=)',
    { category: 'auth-success', user: 'netops', sourceAddress: '10.8.1.23' },
  ],
  [
    '<188>Dec  6 2026 10:03:00 nanzhao-core %%01CFG/4/CFG_CHANGE(l)[4]:Configuration changed. (User=netops, Ip=10.8.1.23)',
    { messageId: 'CFG/4/CFG_CHANGE', category: 'config-change', user: 'netops' },
  ],
  [
    '<190>Dec  6 2026 10:04:00 nanyang-fw %%01POLICY/6/POLICYDENY(l):vsys=public, protocol=6, source-ip=203.0.113.7, source-port=51234, destination-ip=10.1.0.5, destination-port=22, time=2026/12/6 10:04:00, source-zone=untrust, destination-zone=trust, rule-name=deny-ssh.',
    { messageId: 'POLICY/6/POLICYDENY', category: 'policy-deny', sourceAddress: '203.0.113.7' },
  ],
  [
    '<188>Dec  6 2026 10:05:00 nanyang-fw %%01IPS/4/DETECT(l):An intrusion was detected. (SyslogId=1, VSys="public", Policy="ips", SrcIp=198.51.100.9, DstIp=10.1.0.5, SrcPort=4444, DstPort=445, Protocol=TCP, Application="SMB", Profile="default", SignName="EternalBlue", Action=Block)',
    { messageId: 'IPS/4/DETECT', category: 'attack', sourceAddress: '198.51.100.9' },
  ],
  [
    '<188>Dec  6 2026 10:06:00 nanyang-fw %%01ANTIATTACK/4/ATCKDF(l):AttackType="Syn flood attack", SourceIP=198.51.100.10, DestinationIP=10.1.0.5, BeginTime=...',
    { category: 'attack', sourceAddress: '198.51.100.10' },
  ],
  [
    '<189>Dec  6 2026 10:03:00 nanzhao-core %%01CONFIGURATION/5/CFG_FILE_CHANGE(l)[4]:The configuration file was changed. (LogIndex=12, SrcCmd=save, SrcData=running, DestData=startup, TerUser="netops", SrcAddr=10.8.1.23, ConfigChangeId=7, Result=Succeeded)',
    { category: 'config-change', user: 'netops', sourceAddress: '10.8.1.23' },
  ],
];

const H3C: Row[] = [
  [
    '<188>Dec  6 10:00:06 2026 xichuan-gw %%10ATK/3/ATK_IP_OPTION: SubModule(1124)=SINGLE; RcvIfName(1023)=GE1/0/1; DstIPAddr(1007)=10.8.2.1; SrcIPAddr(1003)=198.51.100.20.',
    { messageId: 'ATK/3/ATK_IP_OPTION', category: 'attack', sourceAddress: '198.51.100.20', level: 3 },
  ],
  [
    '<189>Dec  6 10:00:00 2026 xichuan-gw %%10SHELL/5/SHELL_LOGIN: netops logged in from 10.8.2.31.',
    {
      format: 'h3c-comware',
      messageId: 'SHELL/5/SHELL_LOGIN',
      category: 'auth-success',
      user: 'netops',
      sourceAddress: '10.8.2.31',
      hostname: 'xichuan-gw',
    },
  ],
  [
    "<190>Dec  6 10:00:01 2026 xichuan-gw %%10SSHS/6/SSHS_AUTH_FAIL: SSH user admin (IP: 10.8.2.99) didn't pass public key authentication for wrong public key algorithm.",
    {
      messageId: 'SSHS/6/SSHS_AUTH_FAIL',
      category: 'auth-failure',
      user: 'admin',
      sourceAddress: '10.8.2.99',
    },
  ],
  [
    '%Dec  6 10:00:00:123 2026 H3C SSHS/6/SSHS_LOG: Authentication failed for admin from 10.8.2.99 port 50001 because of invalid username or wrong password.',
    {
      format: 'h3c-comware',
      messageId: 'SSHS/6/SSHS_LOG',
      category: 'auth-failure',
      user: 'admin',
      sourceAddress: '10.8.2.99',
    },
  ],
  [
    '<190>Dec  6 10:00:02 2026 xichuan-gw %%10SSHS/6/SSHS_LOG: Accepted password for netops from 10.8.2.31 port 50002.',
    { category: 'auth-success', user: 'netops', sourceAddress: '10.8.2.31' },
  ],
  [
    '<190>Dec  6 10:00:03 2026 xichuan-gw %%10SHELL/6/SHELL_CMD: -Line=vty0-IPAddr=10.8.2.31-User=netops; Command is display version',
    { messageId: 'SHELL/6/SHELL_CMD', category: 'command', user: 'netops', sourceAddress: '10.8.2.31' },
  ],
  [
    '<189>Dec  6 10:00:04 2026 xichuan-gw %%10CFGMAN/5/CFGMAN_CFGCHANGED: -EventIndex=[26]-CommandSource=[2]-ConfigSource=[4]-ConfigDestination=[2]; Configuration changed.',
    { category: 'config-change' },
  ],
  [
    '<189>Dec  6 10:00:05 2026 xichuan-gw %%10LOGIN/5/LOGIN_FAILED: root failed to log in from 10.8.2.98.',
    { category: 'auth-failure', user: 'root', sourceAddress: '10.8.2.98' },
  ],
];

const CISCO: Row[] = [
  [
    '<190>128: *Dec  6 10:02:01.000 UTC: %SEC-6-IPACCESSLOGP: list 101 denied tcp 203.0.113.60(40000) -> 10.1.0.5(23), 1 packet',
    { messageId: 'SEC-6-IPACCESSLOGP', category: 'policy-deny', sourceAddress: '203.0.113.60' },
  ],
  [
    '<190>129: *Dec  6 10:02:02.000 UTC: %SEC-6-IPACCESSLOGP: list 101 permitted tcp 10.8.3.8(40001) -> 10.1.0.5(22), 1 packet',
    { category: 'system' },
  ],
  [
    '<188>123: *Dec  6 10:00:00.123 UTC: %SEC_LOGIN-4-LOGIN_FAILED: Login failed [user: admin] [Source: 10.8.3.7] [localport: 22] [Reason: Login Authentication Failed] at 10:00:00 UTC Sun Dec 6 2026',
    {
      format: 'cisco-ios',
      messageId: 'SEC_LOGIN-4-LOGIN_FAILED',
      category: 'auth-failure',
      user: 'admin',
      sourceAddress: '10.8.3.7',
      level: 4,
      timeMs: Date.UTC(2026, 11, 6, 10, 0, 0, 123),
    },
  ],
  [
    '<189>124: *Dec  6 10:00:10.001 UTC: %SEC_LOGIN-5-LOGIN_SUCCESS: Login Success [user: netops] [Source: 10.8.3.8] [localport: 22] at 10:00:10 UTC Sun Dec 6 2026',
    { category: 'auth-success', user: 'netops', sourceAddress: '10.8.3.8' },
  ],
  [
    '<189>125: *Dec  6 10:01:00.000 UTC: %SYS-5-CONFIG_I: Configured from console by netops on vty0 (10.8.3.8)',
    { messageId: 'SYS-5-CONFIG_I', category: 'config-change', user: 'netops', sourceAddress: '10.8.3.8' },
  ],
  [
    '<189>126: *Dec  6 10:01:01.000 UTC: %PARSER-5-CFGLOG_LOGGEDCMD: User:netops  logged command:interface GigabitEthernet0/1',
    { category: 'command', user: 'netops' },
  ],
  [
    '<187>127: *Dec  6 10:02:00.000 UTC: %LINK-3-UPDOWN: Interface GigabitEthernet0/1, changed state to down',
    { messageId: 'LINK-3-UPDOWN', category: 'system', level: 3 },
  ],
  [
    '<164>Dec 06 2026 10:03:00: %ASA-4-106023: Deny tcp src outside:203.0.113.50/51514 dst inside:10.1.0.5/22 by access-group "OUTSIDE_IN" [0x0, 0x0]',
    { messageId: 'ASA-4-106023', category: 'policy-deny', sourceAddress: '203.0.113.50' },
  ],
  [
    '<166>Dec 06 2026 10:03:01: %ASA-6-605005: Login permitted from 10.8.3.8/50123 to inside:10.1.0.1/ssh for user "netops"',
    { category: 'auth-success', user: 'netops', sourceAddress: '10.8.3.8' },
  ],
  [
    '<164>Dec 06 2026 10:03:02: %ASA-4-400013: IPS:2003 ICMP redirect from 198.51.100.1 to 10.1.0.5 on interface outside',
    { category: 'attack', sourceAddress: '198.51.100.1' },
  ],
];

const GENERIC: Row[] = [
  [
    '<38>Dec  6 10:00:00 nanyang-srv1 sshd[4242]: Failed password for invalid user oracle from 203.0.113.9 port 40022 ssh2',
    {
      format: 'rfc3164',
      app: 'sshd',
      hostname: 'nanyang-srv1',
      category: 'auth-failure',
      user: 'oracle',
      sourceAddress: '203.0.113.9',
    },
  ],
  [
    '<86>1 2026-12-06T10:00:00.123456+08:00 nanyang-srv1 sshd 4242 - [meta sequenceId="1"] Accepted publickey for netops from 10.8.4.2 port 50000 ssh2',
    {
      format: 'rfc5424',
      app: 'sshd',
      hostname: 'nanyang-srv1',
      category: 'auth-success',
      user: 'netops',
      timeMs: Date.UTC(2026, 11, 6, 2, 0, 0, 123),
    },
  ],
  [
    '<85>1 2026-12-06T10:00:01Z nanyang-srv1 sudo - AUDIT - \uFEFFnetops : TTY=pts/0 ; PWD=/home/netops ; USER=root ; COMMAND=/usr/bin/systemctl restart nginx',
    { format: 'rfc5424', msgIdIs: 'AUDIT', category: 'command' },
  ],
  [
    'a line without any header at all',
    { format: 'generic', category: 'system', level: null, hostname: null },
  ],
];

function check([line, expected]: Row) {
  const { msgIdIs, ...fields } = expected;
  const parsed = parseLogLine(line, NOW);
  expect(parsed).toMatchObject(fields);
  if (msgIdIs !== undefined) expect(parsed.messageId).toBe(msgIdIs);
}

describe('log parsers', () => {
  it.each(HUAWEI)('Huawei VRP / USG: %s', (...row) => check(row));
  it.each(H3C)('H3C Comware: %s', (...row) => check(row));
  it.each(CISCO)('Cisco IOS / ASA: %s', (...row) => check(row));
  it.each(GENERIC)('RFC 3164 / 5424 / generic: %s', (...row) => check(row));

  it('reads Huawei time with its offset, and a yearless December line in January as last year', () => {
    expect(parseLogLine(HUAWEI[0]![0], NOW).timeMs).toBe(Date.UTC(2026, 11, 6, 2, 0, 0));
    const january = new Date(2027, 0, 2, 0, 0, 0).getTime();
    const parsed = parseLogLine('<38>Dec 31 23:59:00 host app: text', january);
    expect(new Date(parsed.timeMs!).getFullYear()).toBe(2026);
  });

  it('stays fast and total on hostile lines (long runs that tempt a backtracking regex)', () => {
    const hostile = [
      `<13>${'1'.repeat(60_000)}`,
      `%%01${'A'.repeat(60_000)}`,
      `${'user='.repeat(12_000)}`,
      `%${'A-1-'.repeat(15_000)}`,
      `<13>1 ${'['.repeat(60_000)}`,
      `Dec  6 ${'9'.repeat(60_000)}`,
      `${'1.'.repeat(30_000)}`,
      `for ${'a'.repeat(60_000)}`,
    ];
    for (const line of hostile) expect(parseLogLine(line, NOW).category).toBeTypeOf('string');
  });
});

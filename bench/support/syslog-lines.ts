/**
 * The fixed mix of device log lines every syslog benchmark run sends: Huawei VRP routers and USG
 * firewalls, H3C Comware, Cisco IOS/ASA, Linux servers (RFC 3164 and 5424), and some GBK-encoded
 * Chinese lines. Seeded, so every run (and rsyslog's baseline) gets the same bytes.
 */
import { seededRandom } from '../../inventory/generate';

/** "用户登录失败" (user login failed) and "配置已更改" (configuration changed), GBK-encoded. */
const GBK_LOGIN_FAILED = Buffer.from([
  0xd3, 0xc3, 0xbb, 0xa7, 0xb5, 0xc7, 0xc2, 0xbc, 0xca, 0xa7, 0xb0, 0xdc,
]);
const GBK_CONFIG_CHANGED = Buffer.from([0xc5, 0xe4, 0xd6, 0xc3, 0xd2, 0xd1, 0xb8, 0xfc, 0xb8, 0xc4]);

interface LineContext {
  host: string;
  user: string;
  inside: string;
  outside: string;
  port: number;
  seq: number;
}

type Template = (c: LineContext) => Buffer;

const text = (line: string) => Buffer.from(line, 'utf8');

/** Weighted as a county network's day looks: chatter and firewall denies dominate, logins and changes are rarer. */
const TEMPLATES: readonly [weight: number, template: Template][] = [
  [
    3,
    (c) =>
      text(
        `<188>Dec  6 2026 10:00:00+08:00 ${c.host} %%01SSH/4/SSH_FAIL(l)[0]:Failed to login through SSH. (Ip=${c.outside}, VpnInstanceName=, UserName=${c.user}, Times=1, FailedReason=Password authentication failed)`,
      ),
  ],
  [
    2,
    (c) =>
      text(
        `<189>Dec  6 2026 10:00:05 ${c.host} %%01SHELL/5/CMDRECORD(s)[1]:Recorded command information. (Task=VT0, Ip=${c.inside}, VpnName=, User=${c.user}, AuthenticationMethod="Local-user", Command="display current-configuration", Result=Success)`,
      ),
  ],
  [
    1,
    (c) =>
      text(
        `<189>Dec  6 2026 10:02:00 ${c.host} %%01SSH/5/SSH_USER_LOGIN(l)[3]:The SSH user succeeded in logging in. (UserName=${c.user}, IPAddress=${c.inside}, VpnInstanceName=)`,
      ),
  ],
  [
    6,
    (c) =>
      text(
        `<190>Dec  6 2026 10:04:00 ${c.host} %%01POLICY/6/POLICYDENY(l):vsys=public, protocol=6, source-ip=${c.outside}, source-port=${c.port}, destination-ip=${c.inside}, destination-port=22, time=2026/12/6 10:04:00, source-zone=untrust, destination-zone=trust, rule-name=deny-ssh.`,
      ),
  ],
  [
    1,
    (c) =>
      text(
        `<188>Dec  6 2026 10:05:00 ${c.host} %%01IPS/4/DETECT(l):An intrusion was detected. (SyslogId=${c.seq}, VSys="public", Policy="ips", SrcIp=${c.outside}, DstIp=${c.inside}, SrcPort=${c.port}, DstPort=445, Protocol=TCP, Application="SMB", Profile="default", SignName="EternalBlue", Action=Block)`,
      ),
  ],
  [
    2,
    (c) =>
      text(
        `<189>Dec  6 10:00:00 2026 ${c.host} %%10SHELL/5/SHELL_LOGIN: ${c.user} logged in from ${c.inside}.`,
      ),
  ],
  [
    2,
    (c) =>
      text(
        `<190>Dec  6 10:00:03 2026 ${c.host} %%10SHELL/6/SHELL_CMD: -Line=vty0-IPAddr=${c.inside}-User=${c.user}; Command is display version`,
      ),
  ],
  [
    1,
    (c) =>
      text(
        `<189>Dec  6 10:00:04 2026 ${c.host} %%10CFGMAN/5/CFGMAN_CFGCHANGED: -EventIndex=[${c.seq}]-CommandSource=[2]-ConfigSource=[4]-ConfigDestination=[2]; Configuration changed.`,
      ),
  ],
  [
    2,
    (c) =>
      text(
        `<188>${c.seq}: *Dec  6 10:00:00.123 UTC: %SEC_LOGIN-4-LOGIN_FAILED: Login failed [user: ${c.user}] [Source: ${c.outside}] [localport: 22] [Reason: Login Authentication Failed] at 10:00:00 UTC Sun Dec 6 2026`,
      ),
  ],
  [
    3,
    (c) =>
      text(
        `<187>${c.seq}: *Dec  6 10:02:00.000 UTC: %LINK-3-UPDOWN: Interface GigabitEthernet0/${c.port % 48}, changed state to down`,
      ),
  ],
  [
    3,
    (c) =>
      text(
        `<164>Dec 06 2026 10:03:00: %ASA-4-106023: Deny tcp src outside:${c.outside}/${c.port} dst inside:${c.inside}/22 by access-group "OUTSIDE_IN" [0x0, 0x0]`,
      ),
  ],
  [
    2,
    (c) =>
      text(
        `<38>Dec  6 10:00:00 ${c.host} sshd[${c.port}]: Failed password for invalid user ${c.user} from ${c.outside} port ${c.port} ssh2`,
      ),
  ],
  [
    1,
    (c) =>
      text(
        `<85>1 2026-12-06T10:00:01Z ${c.host} sudo - AUDIT - netops : TTY=pts/0 ; PWD=/home/netops ; USER=root ; COMMAND=/usr/bin/systemctl restart nginx`,
      ),
  ],
  [
    1,
    (c) =>
      text(
        `<190>Dec  6 2026 10:06:00 ${c.host} %%01SHELL/5/CMDRECORD(s)[1]:用户 ${c.user} 执行命令 undo info-center enable (Ip=${c.inside})`,
      ),
  ],
  [
    1,
    (c) =>
      Buffer.concat([
        text(`<38>Dec  6 10:00:00 ${c.host} login[${c.port}]: ${c.user} `),
        GBK_LOGIN_FAILED,
        text(` from ${c.outside}`),
      ]),
  ],
  [
    1,
    (c) =>
      Buffer.concat([
        text(`<189>Dec  6 10:00:04 2026 ${c.host} %%10CFGMAN/5/CFGMAN_CFGCHANGED: `),
        GBK_CONFIG_CHANGED,
        text(` -User=${c.user}`),
      ]),
  ],
];

function weightedTemplate(roll: number): Template {
  let left = roll;
  for (const [weight, template] of TEMPLATES) {
    left -= weight;
    if (left < 0) return template;
  }
  return (TEMPLATES.at(-1) as [number, Template])[1];
}

const USERS = ['admin', 'netops', 'root', 'oracle', 'huawei', 'guest', 'zhangwei', 'liming'];

/** `count` lines (bytes each) drawn from the mix, naming the given hosts (the relay's HOSTNAME field). */
export function syslogLineMix(hosts: readonly string[], count = 2_000, seed = 11): Buffer[] {
  const rand = seededRandom(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)] as T;
  const totalWeight = TEMPLATES.reduce((sum, [weight]) => sum + weight, 0);
  const lines: Buffer[] = [];
  for (let seq = 1; seq <= count; seq++) {
    const template = weightedTemplate(rand() * totalWeight);
    lines.push(
      template({
        host: pick(hosts),
        user: pick(USERS),
        inside: `10.8.${Math.floor(rand() * 250)}.${1 + Math.floor(rand() * 250)}`,
        outside: `203.0.113.${1 + Math.floor(rand() * 250)}`,
        port: 1024 + Math.floor(rand() * 60_000),
        seq,
      }),
    );
  }
  return lines;
}

/** The mix as a file the sender process reads: one base64 line per message. */
export function encodeLineFile(lines: readonly Buffer[]): string {
  return lines.map((line) => line.toString('base64')).join('\n');
}

export function decodeLineFile(content: string): Buffer[] {
  return content
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => Buffer.from(line, 'base64'));
}

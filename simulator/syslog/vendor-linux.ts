/**
 * Linux servers (the net-snmp hosts: data exchange servers, gatekeepers' management side) through
 * rsyslog's default RFC 3164 forwarding: OpenSSH's sshd, sudo, chronyd and the kernel.
 * `<PRI>Dec  6 10:00:00 HOST sshd[2345]: Failed password for invalid user admin from 203.0.113.57 port 51234 ssh2`.
 */
import { Facility, Severity, type DeviceLogEvent, type FormattedLine, type LineContext } from './events';
import { bsdStamp, pri } from './timestamps';

function line(
  context: LineContext,
  facility: number,
  level: number,
  program: string,
  text: string,
): FormattedLine {
  const header = `${pri(facility, level)}${bsdStamp(context.timeMs, context.utcOffsetMin)} ${context.hostname}`;
  return { text: `${header} ${program}: ${text}`, gbk: false };
}

/** A stable process id per node and program, as a long-running daemon has. */
function pid(context: LineContext, base: number): number {
  let h = base;
  for (const c of context.hostname) h = (h * 31 + c.charCodeAt(0)) % 30_000;
  return 1_000 + h;
}

const SYSTEM_USERS = new Set(['root', 'admin']);

export function formatLinux(event: DeviceLogEvent, context: LineContext): FormattedLine[] {
  const sshd = `sshd[${pid(context, 7) + (context.sequence % 997)}]`;
  switch (event.kind) {
    case 'login-failed': {
      const who = SYSTEM_USERS.has(event.user) ? event.user : `invalid user ${event.user}`;
      return [
        line(
          context,
          Facility.auth,
          Severity.info,
          sshd,
          `Failed password for ${who} from ${event.source} port ${event.sourcePort} ssh2`,
        ),
      ];
    }
    case 'login':
      return [
        line(
          context,
          Facility.auth,
          Severity.info,
          sshd,
          `Accepted password for ${event.user} from ${event.source} port ${event.sourcePort} ssh2`,
        ),
      ];
    case 'logout':
      return [
        line(
          context,
          Facility.authpriv,
          Severity.info,
          sshd,
          `pam_unix(sshd:session): session closed for user ${event.user}`,
        ),
      ];
    case 'command':
    case 'config-change':
      return [
        line(
          context,
          Facility.authpriv,
          Severity.notice,
          'sudo',
          ` ${event.user} : TTY=pts/0 ; PWD=/home/${event.user} ; USER=root ; COMMAND=${event.command}`,
        ),
      ];
    case 'interface':
      return [
        line(
          context,
          Facility.daemon,
          Severity.info,
          `NetworkManager[${pid(context, 3)}]`,
          `<info> device (${event.ifName}): carrier ${event.up ? 'on' : 'off'}`,
        ),
      ];
    case 'ntp-sync':
      return [
        line(
          context,
          Facility.daemon,
          Severity.info,
          `chronyd[${pid(context, 5)}]`,
          `Selected source ${event.server}`,
        ),
      ];
  }
}

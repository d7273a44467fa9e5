/**
 * Cisco IOS / IOS-XE with `service timestamps log datetime msec` and `service sequence-numbers`, as a
 * log host receives it with an RFC 3164 header:
 * `<PRI>Dec  6 10:00:00 HOST 123: *Dec  6 02:00:00.123 UTC: %FACILITY-SEVERITY-MNEMONIC: text`.
 */
import { Facility, Severity, type DeviceLogEvent, type FormattedLine, type LineContext } from './events';
import { bsdStamp, ciscoStamp, pri } from './timestamps';

function line(context: LineContext, level: number, mnemonic: string, text: string): FormattedLine {
  const header = `${pri(Facility.local7, level)}${bsdStamp(context.timeMs, context.utcOffsetMin)} ${context.hostname}`;
  return {
    text: `${header} ${context.sequence}: ${ciscoStamp(context.timeMs)}: %${mnemonic.replace('/', `-${level}-`)}: ${text}`,
    gbk: false,
  };
}

/** `at 02:00:00 UTC Sun Dec 6 2026`, as SEC_LOGIN messages end. */
function at(timeMs: number): string {
  const d = new Date(timeMs);
  // toUTCString: `Sun, 06 Dec 2026 02:00:00 GMT`
  const [weekday = '', day = '', month = '', year = ''] = d.toUTCString().replace(',', '').split(' ');
  return `at ${d.toISOString().slice(11, 19)} UTC ${weekday} ${month} ${Number(day)} ${year}`;
}

export function formatCisco(event: DeviceLogEvent, context: LineContext): FormattedLine[] {
  switch (event.kind) {
    case 'login-failed':
      return [
        line(
          context,
          Severity.warning,
          'SEC_LOGIN/LOGIN_FAILED',
          `Login failed [user: ${event.user}] [Source: ${event.source}] [localport: 22] [Reason: Login Authentication Failed] ${at(context.timeMs)}`,
        ),
      ];
    case 'login':
      return [
        line(
          context,
          Severity.notice,
          'SEC_LOGIN/LOGIN_SUCCESS',
          `Login Success [user: ${event.user}] [Source: ${event.source}] [localport: 22] ${at(context.timeMs)}`,
        ),
      ];
    case 'logout':
      return [
        line(
          context,
          Severity.info,
          'SYS/LOGOUT',
          `User ${event.user} has exited tty session 2(${event.source})`,
        ),
      ];
    case 'command':
      return [
        line(
          context,
          Severity.notice,
          'PARSER/CFGLOG_LOGGEDCMD',
          `User:${event.user}  logged command:${event.command}`,
        ),
      ];
    case 'config-change':
      return [
        line(
          context,
          Severity.notice,
          'SYS/CONFIG_I',
          `Configured from console by ${event.user} on vty0 (${event.source})`,
        ),
      ];
    case 'interface':
      return [
        line(
          context,
          Severity.notice,
          'LINEPROTO/UPDOWN',
          `Line protocol on Interface ${event.ifName}, changed state to ${event.up ? 'up' : 'down'}`,
        ),
      ];
    case 'ntp-sync':
      return [line(context, Severity.notice, 'NTP/PEERSYNC', `NTP synced to peer ${event.server}`)];
  }
}

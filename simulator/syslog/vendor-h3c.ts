/**
 * H3C Comware switches and routers as sent to a log host (`info-center loghost`):
 * `<PRI>Dec  6 10:00:00:123 2026 HOST %%10MODULE/LEVEL/DIGEST: text`. Commands typed by operators
 * (Chinese interface descriptions included) go out in GBK, as the device's console encoding.
 */
import { Facility, Severity, type DeviceLogEvent, type FormattedLine, type LineContext } from './events';
import { h3cStamp, pri } from './timestamps';

function line(context: LineContext, level: number, id: string, text: string, gbk = false): FormattedLine {
  const [module, digest] = id.split('/') as [string, string];
  const header = `${pri(Facility.local7, level)}${h3cStamp(context.timeMs, context.utcOffsetMin)} ${context.hostname}`;
  return { text: `${header} %%10${module}/${level}/${digest}: ${text}`, gbk };
}

function shellCommand(context: LineContext, user: string, source: string, command: string): FormattedLine {
  return line(
    context,
    Severity.info,
    'SHELL/SHELL_CMD',
    `-Line=vty0-IPAddr=${source}-User=${user}; Command is ${command}`,
    /[^\x20-\x7e]/.test(command),
  );
}

export function formatH3c(event: DeviceLogEvent, context: LineContext): FormattedLine[] {
  switch (event.kind) {
    case 'login-failed':
      return [
        line(
          context,
          Severity.info,
          'SSHS/SSHS_LOG',
          `Authentication failed for ${event.user} from ${event.source} port ${event.sourcePort} because of invalid username or wrong password.`,
        ),
      ];
    case 'login':
      return [
        line(context, Severity.notice, 'SHELL/SHELL_LOGIN', `${event.user} logged in from ${event.source}.`),
      ];
    case 'logout':
      return [
        line(
          context,
          Severity.notice,
          'SHELL/SHELL_LOGOUT',
          `${event.user} logged out from ${event.source}.`,
        ),
      ];
    case 'command':
      return [shellCommand(context, event.user, event.source, event.command)];
    case 'config-change':
      return [
        shellCommand(context, event.user, event.source, event.command),
        line(
          context,
          Severity.notice,
          'CFGMAN/CFGMAN_CFGCHANGED',
          `-EventIndex=${context.sequence}-CommandSource=2-ConfigSource=2-ConfigDestination=2; Configuration changed.`,
        ),
      ];
    case 'interface':
      return [
        line(
          context,
          Severity.error,
          'IFNET/PHY_UPDOWN',
          `Physical state on the interface ${event.ifName} changed to ${event.up ? 'up' : 'down'}.`,
        ),
      ];
    case 'ntp-sync':
      return [
        line(
          context,
          Severity.notice,
          'NTP/NTP_SOURCE_CHANGE',
          `NTP server's IP address changed from none to ${event.server}.`,
        ),
      ];
  }
}

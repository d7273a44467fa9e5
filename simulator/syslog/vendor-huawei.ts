/**
 * Huawei VRP (AR/NE routers, S switches, USG firewalls) as sent to a log host:
 * `<PRI>Dec  6 2026 10:00:00+08:00 HOST %%01MODULE/LEVEL/DIGEST(l)[seq]:text (Key=Value, …)`.
 * Command records carry what the operator typed, Chinese descriptions included, in GBK.
 */
import { Facility, Severity, type DeviceLogEvent, type FormattedLine, type LineContext } from './events';
import { huaweiStamp, pri } from './timestamps';

const SECURITY_MODULES = new Set(['SSH', 'SHELL', 'CONFIGURATION']);

function line(context: LineContext, level: number, id: string, text: string, gbk = false): FormattedLine {
  const [module, digest] = id.split('/') as [string, string];
  const header = `${pri(Facility.local7, level)}${huaweiStamp(context.timeMs, context.utcOffsetMin)} ${context.hostname}`;
  // (s) marks a security log (logins, commands, configuration), (l) an ordinary one.
  const type = SECURITY_MODULES.has(module) ? 's' : 'l';
  return { text: `${header} %%01${module}/${level}/${digest}(${type})[${context.sequence}]:${text}`, gbk };
}

function commandRecord(context: LineContext, user: string, source: string, command: string): FormattedLine {
  return line(
    context,
    Severity.notice,
    'SHELL/CMDRECORD',
    `Recorded command information. (Task=VT0, Ip=${source}, VpnName=, User=${user}, AuthenticationMethod="Local-user", Command="${command}")`,
    /[^\x20-\x7e]/.test(command),
  );
}

export function formatHuawei(event: DeviceLogEvent, context: LineContext): FormattedLine[] {
  switch (event.kind) {
    case 'login-failed':
      return [
        line(
          context,
          Severity.warning,
          'SSH/SSH_FAIL',
          `Failed to login through SSH. (IP=${event.source}, VpnInstanceName=_public_, UserName=${event.user}, Times=1, FailedReason=Invalid username or password.)`,
        ),
      ];
    case 'login':
      return [
        line(
          context,
          Severity.notice,
          'SSH/SSH_USER_LOGIN',
          `The SSH user succeeded in logging in. (ServiceType=stelnet, UserName=${event.user}, UserAddress=${event.source}, LocalAddress=-, VPNInstanceName=_public_)`,
        ),
      ];
    case 'logout':
      return [
        line(
          context,
          Severity.notice,
          'SSH/SSH_USER_LOGOUT',
          `The SSH user logged out. (ServiceType=stelnet, LogoutReason=User logout, UserName=${event.user}, UserAddress=${event.source}, LocalAddress=-, VPNInstanceName=_public_)`,
        ),
      ];
    case 'command':
      return [commandRecord(context, event.user, event.source, event.command)];
    case 'config-change':
      return [
        commandRecord(context, event.user, event.source, event.command),
        line(
          { ...context, sequence: context.sequence + 1 },
          Severity.info,
          'CONFIGURATION/CFG_FILE_CHANGE',
          `Configuration file was changed. (LogIndex=${context.sequence}, SrcCmd=1, SrcData=running, DestData=running, TerUser="${event.user}", SrcAddr=${event.source}, ConfigChangeId=${context.sequence})`,
        ),
      ];
    case 'interface':
      return [
        line(
          context,
          Severity.error,
          'IFNET/IF_STATE',
          `Interface ${event.ifName} has turned into ${event.up ? 'UP' : 'DOWN'} state.`,
        ),
      ];
    case 'ntp-sync':
      return [
        line(
          context,
          Severity.info,
          'NTP/NTP_SYNCHRONIZE_STATUS',
          `NTP state was changed to synchronized. (SourceAddress=${event.server}, Stratum=3)`,
        ),
      ];
  }
}

/**
 * Whether a stream may go on: the session or API token it was opened with must still exist (not
 * signed out, expired, ended by a password change, revoked), and its user must still exist, not be
 * locked, and have the scope the stream was opened with.
 */
import type { ServerContext } from '../context';
import type { Principal } from '../http/route';
import type { StreamAccess } from './hub';

export function streamAccess(
  who: Principal,
  bearerToken: string | null,
  ctx: Pick<ServerContext, 'identity'>,
): StreamAccess {
  const { sessions, users } = ctx.identity;
  const rawSessionId = who.rawSessionId;
  const credentialLive = (): boolean => {
    if (rawSessionId !== null) return sessions.isLive(rawSessionId);
    return bearerToken !== null && sessions.tokenExists(bearerToken);
  };
  return {
    stillValid: () => {
      if (!credentialLive()) return false;
      const user = users.get(who.user.username);
      return user !== undefined && !user.locked && user.scope === who.user.scope;
    },
    keepAlive: () => {
      if (rawSessionId !== null) sessions.touch(rawSessionId);
    },
  };
}

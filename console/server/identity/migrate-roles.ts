/**
 * The single `admin` role of earlier versions is split in three (三权分立). An account that held it
 * becomes a system administrator (users, configuration), keeping its scope: it can no longer read
 * the audit nor change security policy, so those need a security and an audit administrator. Each
 * migration is written to the audit trail and kept as a notice the Admin page shows.
 */
import type { AuditTrail } from './audit';
import type { IdentityDb } from './db';
import { readSetting, writeSetting } from './settings';

const NOTICES_KEY = 'notices';

export function migrateAdminRoles(db: IdentityDb, audit: AuditTrail): string[] {
  const retired = db
    .prepare("SELECT username FROM users WHERE role = 'admin' ORDER BY username")
    .all() as Array<{
    username: string;
  }>;
  if (retired.length === 0) return [];
  const notes = retired.map(
    ({ username }) =>
      `user "${username}" held the retired role "admin" and is now "sysadmin" (system administrator: users and configuration). ` +
      'Security policy, rules and silences are the security administrator\'s ("secadmin"), the audit is the audit administrator\'s ("auditadmin"): create one account for each (三权分立).',
  );
  db.transaction(() => {
    db.prepare("UPDATE users SET role = 'sysadmin' WHERE role = 'admin'").run();
    writeSetting(db, NOTICES_KEY, [...adminNotices(db), ...notes]);
  })();
  for (const { username } of retired)
    audit.record({
      actor: 'system',
      action: 'user.role.migrate',
      target: username,
      detail: 'admin → sysadmin (the admin role is split in three: sysadmin, secadmin, auditadmin)',
      from: 'local',
    });
  return notes;
}

/** Notes for administrators (role migrations), oldest first. */
export function adminNotices(db: IdentityDb): string[] {
  return readSetting<string[]>(db, NOTICES_KEY) ?? [];
}

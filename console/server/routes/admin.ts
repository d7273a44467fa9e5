/** Audit log and the console machine's health (admin). */
import si from 'systeminformation';
import type { AuditResponse, HostHealthResponse } from '../../shared';
import { mayManage } from '../access';
import { defineRoute } from '../http/route';
import { auditQuerySchema } from '../schemas';

export const adminRoutes = [
  defineRoute({
    method: 'get',
    path: '/api/audit',
    summary: 'Audit records, newest first (a scoped admin sees its own and those of the users it manages)',
    tag: 'admin',
    permission: 'audit',
    query: auditQuerySchema,
    returns: 'AuditResponse',
    handler: ({ c, who, query }, ctx) => {
      const records = ctx.identity.audit.list({
        limit: query.limit,
        ...(query.before !== undefined ? { beforeId: query.before } : {}),
        ...(query.actor !== undefined ? { actor: query.actor } : {}),
        ...(query.action !== undefined ? { action: query.action } : {}),
        ...(who.scope.isWholeNetwork
          ? {}
          : {
              actors: [
                who.user.username,
                ...ctx.identity.users
                  .list()
                  .filter((user) => mayManage({ role: who.user.role, scope: who.scope }, user))
                  .map((user) => user.username),
              ],
            }),
      });
      const body: AuditResponse = { records };
      return c.json(body);
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/admin/host',
    summary: 'CPU, memory, disk and uptime of the console machine, and the collector’s last health report',
    tag: 'admin',
    permission: 'host',
    returns: 'HostHealthResponse',
    handler: async ({ c }, ctx) => {
      const [load, memory, disks] = await Promise.all([si.currentLoad(), si.mem(), si.fsSize()]);
      const time = si.time();
      const size = disks.reduce((sum, disk) => sum + disk.size, 0);
      const used = disks.reduce((sum, disk) => sum + disk.used, 0);
      const health = ctx.collectorHealth();
      const body: HostHealthResponse = {
        cpuPct: load.currentLoad,
        memPct: memory.total > 0 ? ((memory.total - memory.available) / memory.total) * 100 : 0,
        diskPct: size > 0 ? (used / size) * 100 : 0,
        uptimeS: Number(time.uptime),
        collector:
          health === null
            ? null
            : {
                pollsPs: health.pollsPs,
                storeUp: health.storeUp,
                spoolPoints: health.spoolPoints,
                droppedPoints: health.droppedPoints,
              },
        atMs: Date.now(),
      };
      return c.json(body);
    },
  }),
];

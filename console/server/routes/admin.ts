/** The console machine's health (system administrator). The audit is routes/audit.ts. */
import si from 'systeminformation';
import type { HostHealthResponse } from '../../shared';
import { defineRoute } from '../http/route';

export const adminRoutes = [
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

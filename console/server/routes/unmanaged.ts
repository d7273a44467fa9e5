/**
 * Devices seen on the network but not in the inventory (未纳管设备): the list for the caller's scope
 * (whole-network users: all; a subtree's users: LLDP sightings reported by their nodes) and dismissing
 * one (alerts.write, audited). Rows for devices the inventory now lists are gone already.
 */
import { z } from 'zod';
import type { UnmanagedDevicesResponse, UnmanagedDeviceView } from '../../shared';
import type { Scope } from '../access';
import type { UnmanagedDevices } from '../assets/unmanaged';
import { MAX_UNMANAGED_ROWS, type UnmanagedDevice } from '../assets/unmanaged-store';
import type { ServerContext } from '../context';
import { ApiFailure, notFound } from '../http/errors';
import { defineRoute } from '../http/route';

const idSchema = z
  .string()
  .regex(/^\d{1,15}$/, 'expected a device id (a whole number)')
  .transform(Number);

function devicesOf(ctx: ServerContext): UnmanagedDevices {
  if (!ctx.assets) throw new ApiFailure(404, 'assets_disabled', 'this console keeps no asset register');
  return ctx.assets.unmanaged;
}

function viewOf(ctx: ServerContext, device: UnmanagedDevice): UnmanagedDeviceView {
  const { dismissed: _dismissed, seenBy, ...rest } = device;
  return {
    ...rest,
    seenBy: seenBy && {
      ...seenBy,
      nodeName: ctx.topology.has(seenBy.node) ? ctx.topology.node(seenBy.node).name : seenBy.node,
    },
  };
}

function deviceInScope(ctx: ServerContext, scope: Scope, idText: string): UnmanagedDevice {
  const id = idSchema.safeParse(idText);
  const device = id.success ? devicesOf(ctx).find(scope, id.data) : null;
  if (!device || device.dismissed !== null) throw notFound(`unmanaged device "${idText}"`);
  return device;
}

export const unmanagedRoutes = [
  defineRoute({
    method: 'get',
    path: '/api/assets/unmanaged',
    summary:
      'Devices seen on the network but not in the inventory (LLDP neighbours, trap and syslog senders) that the caller may see, with a proposed inventory entry each',
    tag: 'assets',
    permission: 'read',
    returns: 'UnmanagedDevicesResponse',
    handler: ({ c, who }, ctx) => {
      const devices = devicesOf(ctx);
      const body: UnmanagedDevicesResponse = {
        devices: devices.list(who.scope).map((device) => viewOf(ctx, device)),
        evicted: devices.evicted(),
        maxRows: MAX_UNMANAGED_ROWS,
        serverTimeMs: Date.now(),
      };
      return c.json(body);
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/assets/unmanaged/:id/dismiss',
    summary:
      'Dismiss (ignore) a device seen but not in the inventory: no longer listed, later sightings of it stay hidden; audited',
    tag: 'assets',
    permission: 'alerts.write',
    returns: '204',
    handler: ({ c, who, param, audit }, ctx) => {
      const device = deviceInScope(ctx, who.scope, param('id'));
      devicesOf(ctx).dismiss(device.id, who.user.username, Date.now());
      const seenAs = [device.address, device.name].filter((part) => part !== null).join(' ');
      audit('unmanaged.dismiss', String(device.id), `${device.source} ${seenAs}`);
      return c.body(null, 204);
    },
  }),
];

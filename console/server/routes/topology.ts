/** Topology, live state, node detail and video links — each cut to the caller's subtree. */
import { meetingStatus, type NodeId } from '../../../domain';
import type {
  InterfaceLive,
  LiveStateResponse,
  NodeDetailResponse,
  TopologyResponse,
  VideoLinksResponse,
} from '../../shared';
import { METRIC } from '../metric-names';
import { nodeHardware } from '../node-hardware';
import { nodeServices } from '../node-services';
import { notFound } from '../http/errors';
import { defineRoute } from '../http/route';
import {
  certificateView,
  isNodeCertificate,
  linkView,
  networkUtcOffsetMin,
  nodeView,
  videoLinkView,
} from '../views';

const num = (value: number | undefined): number | null =>
  value === undefined || !Number.isFinite(value) ? null : value;

export const topologyRoutes = [
  defineRoute({
    method: 'get',
    path: '/api/topology',
    summary: 'Nodes, links and video links of the caller’s subtree',
    tag: 'topology',
    permission: 'read',
    returns: 'TopologyResponse',
    handler: ({ c, who }, ctx) => {
      const { topology } = ctx;
      const body: TopologyResponse = {
        network: { ...topology.network },
        nodes: topology.nodes.filter((node) => who.scope.allowsNode(node.id)).map(nodeView),
        links: topology.links.filter((link) => who.scope.allowsLink(link)).map(linkView),
        videoLinks: topology.videoLinks.filter((link) => who.scope.allowsVideoLink(link)).map(videoLinkView),
        utcOffsetMin: networkUtcOffsetMin(ctx.alerts),
      };
      return c.json(body);
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/state',
    summary: 'Live state of the caller’s nodes and links (reachability, staleness, alert marks, utilization)',
    tag: 'topology',
    permission: 'read',
    returns: 'LiveStateResponse',
    handler: ({ c, who }, ctx) => {
      const body: LiveStateResponse = {
        nodes: ctx.live.allNodes().filter((node) => who.scope.allowsNode(node.id)),
        links: ctx.topology.links
          .filter((link) => who.scope.allowsLink(link))
          .flatMap((link) => ctx.live.link(link.id) ?? []),
        serverTimeMs: Date.now(),
      };
      return c.json(body);
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/nodes/:id',
    summary: 'One node: path, live state, interfaces, resources, certificates, recent alerts',
    tag: 'topology',
    permission: 'read',
    returns: 'NodeDetailResponse',
    handler: ({ c, who, param }, ctx) => {
      const id = param('id');
      if (!who.scope.allowsNode(id)) throw notFound(`node "${id}"`);
      const nodeId = id as NodeId;
      const node = ctx.topology.node(nodeId);
      const interfacePoints = ctx.live.latestPoints(nodeId, METRIC.interface.measurement);
      const interfaces: InterfaceLive[] = node.interfaces.map((entry) => {
        const point = interfacePoints.find(
          (candidate) =>
            candidate.tags[METRIC.interface.ifIndexTag] === String(entry.ifIndex) ||
            candidate.tags[METRIC.interface.ifNameTag] === entry.name,
        );
        const link = ctx.topology.linkAt(nodeId, entry.name);
        // A trap (or a poll that saw the change) newer than the last reading is the newest word on
        // the port: its state wins, and the reading's rates, from before it, are not shown as current.
        const event = ctx.live.interfaceState(nodeId, entry.name);
        const eventNewer = event !== undefined && event.atMs > (point?.timeMs ?? -Infinity);
        const fields = eventNewer ? {} : (point?.fields ?? {});
        const operUp = eventNewer ? (event.state === 'up' ? 1 : 0) : fields[METRIC.interface.operUp];
        const adminUp = point?.fields[METRIC.interface.adminUp];
        const inErrors = fields[METRIC.interface.inErrorsPs];
        const outErrors = fields[METRIC.interface.outErrorsPs];
        return {
          ifIndex: entry.ifIndex,
          name: entry.name,
          speedMbps: entry.speedMbps,
          operUp: operUp === undefined ? null : operUp >= 1,
          adminUp: adminUp === undefined ? null : adminUp >= 1,
          inBps: num(fields[METRIC.interface.inBps]),
          outBps: num(fields[METRIC.interface.outBps]),
          inUtilPct: num(fields[METRIC.interface.inUtilPct]),
          outUtilPct: num(fields[METRIC.interface.outUtilPct]),
          errorsPs:
            inErrors === undefined && outErrors === undefined ? null : (inErrors ?? 0) + (outErrors ?? 0),
          updatedMs: eventNewer ? event.atMs : (point?.timeMs ?? null),
          linkId: link?.id ?? null,
          peer: link === null ? null : link.a.node === nodeId ? link.b.node : link.a.node,
        };
      });
      const system = ctx.live.latestPoints(nodeId, METRIC.system.measurement)[0];
      const storage = ctx.live.latestPoints(nodeId, METRIC.storage.measurement).map((point) => ({
        storage: point.tags[METRIC.storage.storageTag] ?? '',
        usedPct: point.fields[METRIC.storage.usedPct] ?? 0,
        sizeBytes: point.fields[METRIC.storage.sizeBytes] ?? 0,
      }));
      const certificates = (ctx.pki?.listCertificates({ nodeId: id }) ?? [])
        .filter(isNodeCertificate)
        .map((record) => certificateView(record));
      const recentAlerts = ctx.alerts
        .list({ nodes: [nodeId], includeSuppressed: true, limit: 20 })
        .filter((alert) => who.scope.allowsAlert(alert));
      const body: NodeDetailResponse = {
        node: nodeView(node),
        path: ctx.topology.pathNames(nodeId),
        state: ctx.live.node(nodeId),
        interfaces,
        cpuPct: num(system?.fields[METRIC.system.cpuPct]),
        memPct: num(system?.fields[METRIC.system.memPct]),
        uptimeS: num(system?.fields[METRIC.system.uptimeS]),
        storage,
        hardware: nodeHardware((node, measurement) => ctx.live.latestPoints(node, measurement), nodeId),
        services: nodeServices(ctx.live.serviceChecks(nodeId), nodeId),
        certificates,
        recentAlerts,
      };
      return c.json(body);
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/video-links',
    summary: 'Video conference links of the caller’s subtree: quality now and the meeting schedule',
    tag: 'topology',
    permission: 'read',
    returns: 'VideoLinksResponse',
    handler: ({ c, who }, ctx) => {
      const now = Date.now();
      const body: VideoLinksResponse = {
        links: ctx.topology.videoLinks
          .filter((link) => who.scope.allowsVideoLink(link))
          .map((link) => {
            // Either end may run the probe; take the newest reading.
            const point = [link.a, link.b]
              .flatMap((end) => ctx.live.latestPoints(end, METRIC.video.measurement))
              .filter((candidate) => candidate.tags[METRIC.video.linkTag] === link.id)
              .sort((x, y) => y.timeMs - x.timeMs)[0];
            const fields = point?.fields ?? {};
            return {
              id: link.id,
              name: link.name,
              a: link.a,
              b: link.b,
              rttMs: num(fields[METRIC.video.rttMs]),
              jitterMs: num(fields[METRIC.video.jitterMs]),
              lossPct: num(fields[METRIC.video.lossPct]),
              mos: num(fields[METRIC.video.mos]),
              updatedMs: point?.timeMs ?? null,
              ...meetingStatus(link.meetings, now, networkUtcOffsetMin(ctx.alerts)),
            };
          }),
      };
      return c.json(body);
    },
  }),
];

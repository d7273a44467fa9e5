/**
 * The demo's services on top of the network: a city government portal (node:http on 127.0.0.1,
 * a news list and a visitor counter) and the service checks `egov-noc collect --checks` would run
 * on it — the portal (status, expected text, defacement with the counter ignored, staleness), the
 * console's port, and fping of the city core's loopback — attached to the
 * inventory's first server and its root node (any inventory the demo runs).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseChecks, type ServiceCheck } from '../collector';
import type { Topology } from '../inventory';

export interface DemoPortal {
  url: string;
  checks: ServiceCheck[];
  stop(): Promise<void>;
}

const NEWS = ['全市政务服务“一网通办”推进会召开', '防汛调度视频会议部署汛期工作', '电子政务外网安全检查通知'];

function page(visits: number): string {
  const items = NEWS.map((title) => `<li>${title}</li>`).join('');
  return (
    `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>南阳市人民政府</title></head>` +
    `<body><h1>南阳市人民政府门户网站</h1><div id="counter">访问量 ${visits}</div><ul id="news">${items}</ul></body></html>`
  );
}

export async function startDemoPortal(
  topology: Topology,
  consolePort: number,
  intervalS: number,
): Promise<DemoPortal> {
  let visits = 0;
  const server = http.createServer((_req, res) => {
    visits++;
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page(visits));
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  const root = topology.nodes.find((node) => node.parent === null) ?? topology.nodes[0];
  const web = topology.nodes.find((node) => node.role === 'server') ?? root;
  const yaml = `defaults: { intervalS: ${intervalS}, timeoutMs: 3000 }
checks:
  - id: ny-portal
    node: ${web?.id}
    kind: http
    url: "${url}"
    expectText: "南阳市人民政府"
    defacement: { ignore: ['<div id="counter">.*?</div>'], forbiddenWords: ["hacked by", "黑客"] }
    staleness: { after: 3d, ignore: ['<div id="counter">.*?</div>'] }
  - { id: noc-console, node: ${root?.id}, kind: tcp, host: 127.0.0.1, port: ${consolePort} }
  - { id: core-ping, node: ${root?.id}, kind: icmp, host: 127.0.0.1 }
`;
  const parsed = parseChecks('demo-checks.yaml', yaml, topology, process.cwd());
  if (!parsed.ok)
    throw new Error(`demo checks: ${parsed.errors.map((e) => `${e.field}: ${e.message}`).join('; ')}`);
  return {
    url,
    checks: parsed.checks,
    stop: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}

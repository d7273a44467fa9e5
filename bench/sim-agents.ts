import { stringify } from 'yaml';
import { loadInventoryText } from '../inventory';
import { generateInventory } from '../inventory/generate';
import { startSimulator } from '../simulator';

/**
 * Child process of bench/sim.ts: the simulated province in a process of its own (as
 * `egov-noc simulate` runs it), reporting start time and memory over IPC; stops on "stop".
 */
export interface AgentsReport {
  nodes: number;
  interfaces: number;
  startS: number;
  rssBeforeMb: number;
  rssAfterStartMb: number;
  ports: number[];
  community: string;
}

const raw = generateInventory();
for (const node of raw.nodes) node.ports = 48;
const loaded = loadInventoryText('generated-province.yaml', stringify(raw, { lineWidth: 0 }));
if (!loaded.ok)
  throw new Error(
    `generated inventory is invalid: ${loaded.errors.map((e) => `${e.field}: ${e.message}`).join('; ')}`,
  );
const { topology } = loaded;
const mb = (bytes: number) => Math.round(bytes / 1048576);
const rssBefore = process.memoryUsage().rss;
const t0 = performance.now();
const sim = await startSimulator({ topology });
const startS = (performance.now() - t0) / 1000;
const community = 'sim-public';
const report: AgentsReport = {
  nodes: topology.size,
  interfaces: topology.nodes.reduce((n, node) => n + node.interfaces.length, 0),
  startS,
  rssBeforeMb: mb(rssBefore),
  rssAfterStartMb: mb(process.memoryUsage().rss),
  ports: sim.manifest.filter((m) => m.community === community).map((m) => m.port),
  community,
};
process.send?.({ type: 'ready', report });
process.on('message', (message: { type: string }) => {
  if (message.type === 'rss') process.send?.({ type: 'rss', rssMb: mb(process.memoryUsage().rss) });
  if (message.type === 'cpu') {
    const usage = process.cpuUsage();
    process.send?.({ type: 'cpu', cpuS: (usage.user + usage.system) / 1e6 });
  }
  if (message.type === 'stop') void sim.stop().then(() => process.exit(0));
});
process.on('disconnect', () => void sim.stop().then(() => process.exit(0)));

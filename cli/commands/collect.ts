import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Command } from 'commander';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { NatsBus, openEventBus, type EventBus } from '../../bus';
import { createCollectorLogger, startCollector, type CollectorStatus } from '../../collector';
import { formatInventoryError, loadInventory } from '../../inventory';
import { describeMetricsSpec, openMetricsStore, parseMetricsSpec } from '../../metrics';
import { SNMP_AUTH_PROTOCOLS, SNMP_PRIV_PROTOCOLS, SNMP_V3_LEVELS, type AgentEndpoint } from '../../domain';
import { fail } from '../fail';

/** `egov-noc collect --config FILE`: the same settings as the flags, in YAML; paths relative to the file. */
const configSchema = z.strictObject({
  inventory: z.string().min(1),
  store: z.string().min(1),
  manifest: z.string().min(1).optional(),
  intervalS: z.number().positive().optional(),
  trapPort: z.number().int().min(0).max(65535).optional(),
  /** Address the trap receiver binds: 127.0.0.1 (default, this host only) or e.g. 0.0.0.0 for devices. */
  trapAddress: z.ipv4().optional(),
  /** v1/v2c trap communities accepted from every inventory node besides its own read community. */
  trapCommunities: z.array(z.string().min(1)).optional(),
  concurrency: z.number().int().min(1).max(10_000).optional(),
  statusPeriodS: z.number().positive().optional(),
  timeoutMs: z.number().int().min(10).optional(),
  retries: z.number().int().min(0).max(10).optional(),
  /** Event bus: "memory" (default; events stay in this process) or nats://HOST:PORT to reach the console. */
  bus: z.string().min(1).optional(),
});
type CollectConfig = z.infer<typeof configSchema>;

const manifestSchema = z.array(
  z.object({
    id: z.string().min(1),
    host: z.string().min(1),
    port: z.number().int().min(1).max(65535),
    community: z.string().optional(),
    v3: z
      .object({
        user: z.string(),
        level: z.enum(SNMP_V3_LEVELS),
        authProtocol: z.enum(SNMP_AUTH_PROTOCOLS),
        authKey: z.string(),
        engineId: z
          .string()
          .regex(/^[0-9a-fA-F]{10,64}$/)
          .optional(),
        privProtocol: z.enum(SNMP_PRIV_PROTOCOLS).optional(),
        privKey: z.string().optional(),
      })
      .optional(),
  }),
);

interface CollectFlags {
  config?: string;
  inventory?: string;
  store?: string;
  manifest?: string;
  interval?: number;
  trapPort?: number;
  trapAddress?: string;
  concurrency?: number;
  statusPeriod?: number;
  bus?: string;
}

const positive = (what: string) => (value: string) => {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) fail(`${what} must be a positive number, got "${value}"`);
  return n;
};
const port = (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    fail(`--trap-port must be a UDP port (0–65535), got "${value}"`);
  return n;
};

function readConfig(file: string): CollectConfig {
  let raw: unknown;
  try {
    raw = parseYaml(readFileSync(file, 'utf8'));
  } catch (error) {
    // The parser's message quotes the offending line, which may hold a community: first line only.
    const reason = String((error as Error).message).split('\n')[0];
    fail(`${file}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : reason}`);
  }
  const parsed = configSchema.safeParse(raw);
  if (!parsed.success)
    fail(
      `${file}: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(top)'}: ${i.message}`).join('; ')}`,
    );
  const base = dirname(resolve(file));
  const local = (p: string) => (/^[a-z][a-z0-9+.-]*:/i.test(p) || p === 'memory' ? p : resolve(base, p));
  return {
    ...parsed.data,
    inventory: resolve(base, parsed.data.inventory),
    store: local(parsed.data.store),
    ...(parsed.data.manifest === undefined ? {} : { manifest: resolve(base, parsed.data.manifest) }),
  };
}

function readManifest(file: string): AgentEndpoint[] {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    // JSON.parse quotes the text around the error, and the manifest holds communities and keys.
    fail(
      `manifest ${file}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : 'not valid JSON'}`,
    );
  }
  const parsed = manifestSchema.safeParse(raw);
  if (!parsed.success)
    fail(
      `manifest ${file}: ${parsed.error.issues
        .slice(0, 5)
        .map((i) => `[${i.path.join('.')}] ${i.message}`)
        .join('; ')}`,
    );
  return parsed.data;
}

/** One line per status period: what an operator glances at. */
export function formatStatusLine(s: CollectorStatus): string {
  const { snapshot: p, store } = s;
  const traps = s.traps
    ? ` traps=${s.traps.published} unknown=${s.traps.unknownSenders} rejected=${s.traps.rejected}`
    : '';
  return (
    `${new Date(s.timeMs).toISOString()} polls/s=${p.pollsPs.toFixed(1)} p50=${p.pollP50Ms.toFixed(0)}ms ` +
    `p95=${p.pollP95Ms.toFixed(0)}ms timeouts/s=${p.timeoutsPs.toFixed(2)} lag=${p.queueLagMs.toFixed(0)}ms ` +
    `values/s=${p.valuesPs.toFixed(0)} reachable=${s.reachable}/${s.nodes} unreachable=${s.unreachable} ` +
    `store=${store.backendUp ? 'up' : 'DOWN'} pending=${store.pendingPoints} spool=${store.spooledPoints} dropped=${store.droppedPoints}${traps}`
  );
}

export function registerCollectCommand(program: Command): void {
  program
    .command('collect')
    .description('poll every inventory node by SNMP, store metrics, receive traps (Ctrl-C stops and flushes)')
    .option(
      '--config <file>',
      'YAML with inventory, store, manifest, intervalS, trapPort, trapAddress, trapCommunities, concurrency, …',
    )
    .option('--inventory <file>', 'inventory YAML')
    .option('--store <spec>', 'influx://HOST:PORT/DB, or a SQLite file path')
    .option('--manifest <file>', "the simulator's manifest: poll its agents with its credentials")
    .option(
      '--interval <s>',
      'poll every node every S seconds (default: the inventory intervals)',
      positive('--interval'),
    )
    .option('--trap-port <port>', 'receive SNMP traps on this UDP port', port)
    .option('--trap-address <ipv4>', 'address the trap receiver binds (default 127.0.0.1: this host only)')
    .option('--concurrency <n>', 'polls in flight at once (default 100)', positive('--concurrency'))
    .option('--status-period <s>', 'seconds between status lines (default 10)', positive('--status-period'))
    .option(
      '--bus <spec>',
      'event bus: memory (default) or nats://HOST:PORT, where the console server listens',
    )
    .action(async (flags: CollectFlags) => {
      const config: Partial<CollectConfig> = flags.config ? readConfig(flags.config) : {};
      const inventoryFile = flags.inventory ?? config.inventory;
      const storeSpec = flags.store ?? config.store;
      if (!inventoryFile) fail('collect needs --inventory FILE (or --config FILE naming one)');
      if (!storeSpec)
        fail('collect needs --store influx://HOST:PORT/DB or a file path (or --config FILE naming one)');
      try {
        parseMetricsSpec(storeSpec);
      } catch (error) {
        fail((error as Error).message);
      }
      const loaded = loadInventory(inventoryFile);
      if (!loaded.ok) {
        for (const error of loaded.errors) process.stderr.write(`${formatInventoryError(error)}\n`);
        fail(`${loaded.errors.length} error(s) in ${inventoryFile}`, 2);
      }
      const manifestFile = flags.manifest ?? config.manifest;
      const manifest = manifestFile ? readManifest(manifestFile) : undefined;
      const unknown = manifest?.filter((m) => !loaded.topology.has(m.id)) ?? [];
      if (unknown.length > 0)
        fail(
          `manifest names ${unknown.length} node(s) the inventory lacks, e.g. "${unknown[0]?.id}": wrong inventory?`,
        );

      const logger = createCollectorLogger();
      const store = openMetricsStore(storeSpec, { logger });
      try {
        await store.init();
      } catch (error) {
        fail(
          `metrics store ${describeMetricsSpec(parseMetricsSpec(storeSpec))}: ${(error as Error).message}`,
        );
      }
      const intervalS = flags.interval ?? config.intervalS;
      const trapPort = flags.trapPort ?? config.trapPort;
      const trapAddress = flags.trapAddress ?? config.trapAddress ?? '127.0.0.1';
      if (!/^\d{1,3}(\.\d{1,3}){3}$/.test(trapAddress))
        fail(`--trap-address must be an IPv4 address, got "${trapAddress}"`);
      const concurrency = flags.concurrency ?? config.concurrency;
      const statusPeriodS = flags.statusPeriod ?? config.statusPeriodS;
      const { inventory, topology } = loaded;

      const intervals = new Map<number, number>();
      for (const node of inventory.nodes) {
        const s = intervalS ?? node.pollIntervalS;
        intervals.set(s, (intervals.get(s) ?? 0) + 1);
      }
      const inManifest = manifest
        ? inventory.nodes.filter((n) => manifest.some((m) => m.id === n.id)).length
        : 0;
      console.log(
        `egov-noc collect: ${topology.network.name} (${topology.network.id}) — ${inventory.nodes.length} nodes` +
          (manifest ? ` (${inManifest} at simulated agents from ${manifestFile})` : '') +
          `; intervals ${[...intervals]
            .sort((a, b) => a[0] - b[0])
            .map(([s, n]) => `${s}s×${n}`)
            .join(', ')}` +
          `; store ${describeMetricsSpec(parseMetricsSpec(storeSpec))}` +
          `; traps ${trapPort === undefined ? 'off' : `udp/${trapPort} on ${trapAddress}`}; concurrency ${concurrency ?? 100}`,
      );

      const busSpec = flags.bus ?? config.bus ?? process.env.EGOV_NOC_BUS;
      let bus: EventBus;
      try {
        bus = await openEventBus(busSpec);
      } catch (error) {
        await store.close();
        fail(`event bus ${busSpec ?? 'memory'}: ${(error as Error).message}`);
      }
      if (busSpec && busSpec !== 'memory') console.log(`egov-noc collect: events go to ${busSpec}`);

      let collector: Awaited<ReturnType<typeof startCollector>>;
      try {
        collector = await startCollector({
          topology,
          inventory,
          ...(manifest === undefined ? {} : { manifest }),
          store,
          bus,
          logger,
          ...(intervalS === undefined ? {} : { intervalS }),
          ...(trapPort === undefined ? {} : { trapPort, trapAddress }),
          ...(config.trapCommunities === undefined ? {} : { trapCommunities: config.trapCommunities }),
          ...(concurrency === undefined ? {} : { concurrency }),
          ...(statusPeriodS === undefined ? {} : { statusPeriodS }),
          ...(config.timeoutMs === undefined && config.retries === undefined
            ? {}
            : {
                timing: {
                  ...(config.timeoutMs === undefined ? {} : { timeoutMs: config.timeoutMs }),
                  ...(config.retries === undefined ? {} : { retries: config.retries }),
                },
              }),
          onStatus: (status) => console.log(formatStatusLine(status)),
        });
      } catch (error) {
        await store.close();
        fail((error as Error).message);
      }

      await new Promise<void>((resolveStop) => {
        const stop = (signal: string) => {
          console.log(`egov-noc collect: ${signal}, stopping — flushing the store`);
          process.off('SIGINT', onInt);
          process.off('SIGTERM', onTerm);
          void collector
            .stop()
            .then(() => store.close())
            .then(() => (bus instanceof NatsBus ? bus.close() : undefined))
            .then(() => {
              const s = collector.stats();
              console.log(
                `egov-noc collect: stopped after ${s.polls} polls, ${s.values} values; store pending=${s.store.pendingPoints} dropped=${s.store.droppedPoints}`,
              );
              resolveStop();
            });
        };
        const onInt = () => stop('SIGINT');
        const onTerm = () => stop('SIGTERM');
        process.on('SIGINT', onInt);
        process.on('SIGTERM', onTerm);
      });
    });
}

import { existsSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import type { Command } from 'commander';
import { fail } from '../fail';

interface DiscoverFlags {
  range: string[];
  credentials: string;
  seed: string[];
  rate: number;
  port: number;
  timeout: number;
  retries: number;
  concurrency: number;
  addressMap: 'none' | 'loopback';
  out?: string;
  write?: boolean;
  diff?: string;
}

const collect = (value: string, previous: string[]) => [
  ...previous,
  ...value
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean),
];

const integer = (name: string, min: number, max: number) => (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max)
    fail(`${name}: expected an integer ${min}–${max}, got "${value}"`, 2);
  return n;
};

/** `500`, `500/s`: datagrams per second. */
const rate = (value: string) => {
  const match = /^(\d{1,6}(?:\.\d{1,3})?)(?:\/s)?$/.exec(value.trim());
  const n = match ? Number(match[1]) : NaN;
  if (!(n >= 1 && n <= 100_000))
    fail(`--rate: expected datagrams per second 1–100000 such as 500/s, got "${value}"`, 2);
  return n;
};

const addressMap = (value: string): 'none' | 'loopback' => {
  if (value !== 'none' && value !== 'loopback')
    fail(`--address-map: expected none or loopback, got "${value}"`, 2);
  return value;
};

export function registerDiscoverCommand(program: Command): void {
  program
    .command('discover')
    .description(
      'sweep address ranges at a bounded rate with each credential set, identify devices (profile, ENTITY-MIB, LLDP) and propose an inventory or a diff',
    )
    .requiredOption(
      '--credentials <file>',
      'credentials YAML (name → v1/v2c community or v3 user) to try on every address',
    )
    .option(
      '--range <cidr>',
      'IPv4 range to sweep, e.g. 10.41.0.0/16 (repeatable, or comma-separated)',
      collect,
      [],
    )
    .option(
      '--seed <address|node>',
      'start here: probed first, the root of the proposed tree; LLDP neighbours followed (a node id needs --diff)',
      collect,
      [],
    )
    .option('--rate <n/s>', 'datagrams per second, every probe and request counted', rate, 500)
    .option('--port <port>', 'UDP port of the agents', integer('--port', 1, 65535), 161)
    .option('--timeout <ms>', 'per-request timeout', integer('--timeout', 50, 60_000), 1000)
    .option('--retries <n>', 'retries of an unanswered probe or request', integer('--retries', 0, 5), 1)
    .option('--concurrency <n>', 'devices identified at once', integer('--concurrency', 1, 1024), 32)
    .option(
      '--address-map <mode>',
      'none: probe the addresses as they are; loopback: reach 10.a.b.c at 127.a.b.c (egov-noc simulate --addresses loopback)',
      addressMap,
      'none',
    )
    .option('--out <file>', 'write the proposed inventory YAML here (default: stdout, unless --diff)')
    .option('--write', 'replace --out if it exists (never overwritten without it)')
    .option(
      '--diff <inventory>',
      'print what differs from this inventory (added, removed, changed nodes and parents, links)',
    )
    .action(async (flags: DiscoverFlags) => {
      await runDiscover(flags);
    });
}

async function runDiscover(flags: DiscoverFlags): Promise<void> {
  const inventoryPart = await import('../../inventory');
  const { loopbackAddressOf } = await import('../../domain');
  const collector = await import('../../collector');

  if (flags.range.length === 0 && flags.seed.length === 0)
    fail('give --range CIDR (what to sweep) or --seed ADDRESS (where to start), or both', 2);
  const ranges = flags.range.map((text) => {
    const parsed = collector.parseRange(text);
    if (!parsed.ok) fail(`--range: ${parsed.message}`, 2);
    return parsed.range;
  });
  if (collector.totalAddresses(ranges) > collector.MAX_ADDRESSES)
    fail(
      `--range: ${collector.totalAddresses(ranges)} addresses in all; at most ${collector.MAX_ADDRESSES}`,
      2,
    );
  if (flags.out && existsSync(flags.out) && !flags.write)
    fail(`--out ${flags.out} exists: pass --write to replace it (discover never overwrites without it)`, 2);

  const loadedCredentials = inventoryPart.loadCredentialsFile(flags.credentials);
  if (!loadedCredentials.ok) {
    for (const error of loadedCredentials.errors)
      process.stderr.write(`${inventoryPart.formatInventoryError(error)}\n`);
    fail(`${loadedCredentials.errors.length} error(s) in ${flags.credentials}`, 2);
  }
  let existing = null;
  if (flags.diff) {
    const loaded = inventoryPart.loadInventory(flags.diff);
    if (!loaded.ok) {
      for (const error of loaded.errors)
        process.stderr.write(`${inventoryPart.formatInventoryError(error)}\n`);
      fail(`${loaded.errors.length} error(s) in ${flags.diff}`, 2);
    }
    existing = loaded.inventory;
  }
  const seeds = flags.seed.map((seed) => {
    if (collector.parseRange(seed).ok && !seed.includes('/')) return seed;
    const node = existing?.nodes.find((n) => n.id === seed);
    if (!node) fail(`--seed: "${seed}" is neither an IPv4 address nor a node of --diff's inventory`, 2);
    return node.address;
  });
  if (flags.addressMap === 'loopback') {
    const outside = [...ranges.map((r) => r.cidr.split('/')[0] as string), ...seeds].find(
      (a) => loopbackAddressOf(a) === null,
    );
    if (outside)
      fail(`--address-map loopback reaches only 10.0.0.0/8 (as 127/8); ${outside} is outside it`, 2);
  }

  const credentials = loadedCredentials.credentials;
  const outDir = flags.out ? dirname(resolve(flags.out)) : process.cwd();
  const credentialsFileRef = relative(outDir, resolve(flags.credentials)) || flags.credentials;
  const progress = collector.newDiscoverProgress(ranges, seeds.length);
  const total = progress.sweep.addressesTotal;
  const probesPerAddress =
    credentials.filter((c) => c.version !== '3').length +
    (credentials.some((c) => c.version === '3') ? 1 : 0);
  process.stderr.write(
    `discover: sweeping ${total.toLocaleString('en')} addresses (${[...ranges.map((r) => r.cidr), ...seeds].join(', ')}) with ${credentials.length} credential set(s) (${credentials.map((c) => c.name).join(', ')}) at ≤${flags.rate}/s: ${probesPerAddress} probe(s) an address, at least ${formatDuration((total * probesPerAddress) / flags.rate)}\n`,
  );

  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const startedMs = performance.now();
  const ticker = setInterval(() => process.stderr.write(`${progressLine(progress, startedMs)}\n`), 2000);
  ticker.unref();
  let result;
  try {
    result = await collector.discover(
      {
        ranges,
        seeds,
        credentials,
        ratePerS: flags.rate,
        port: flags.port,
        addressMap: flags.addressMap,
        timeoutMs: flags.timeout,
        retries: flags.retries,
        concurrency: flags.concurrency,
        existing,
        credentialsFileRef,
        signal: controller.signal,
      },
      progress,
    );
  } finally {
    clearInterval(ticker);
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
  const elapsedS = (performance.now() - startedMs) / 1000;
  const s = progress.sweep;
  if (result.stopped) {
    process.stderr.write(
      `discover: stopped after ${formatDuration(elapsedS)}: ${s.addressesStarted.toLocaleString('en')} of ${s.addressesTotal.toLocaleString('en')} addresses swept, ${result.devices.size} identified; nothing written\n`,
    );
    process.exit(130);
  }
  process.stderr.write(
    `discover: ${s.addressesStarted.toLocaleString('en')} addresses swept in ${formatDuration(elapsedS)}, ${result.datagrams.toLocaleString('en')} datagrams (${Math.round(result.datagrams / Math.max(elapsedS, 0.001)).toLocaleString('en')}/s, bound ${flags.rate}/s); ${s.answered} answered, ${s.silent.toLocaleString('en')} silent (no agent, unreachable or no matching community); ${result.devices.size} identified, ${result.failures.length} refused our credentials\n`,
  );
  for (const failure of result.failures.slice(0, 20))
    process.stderr.write(`discover: ${failure.address} answered but could not be read: ${failure.reason}\n`);
  if (result.tree.extraRoots.length > 0)
    process.stderr.write(
      `discover: ${result.tree.extraRoots.length} device(s) not joined to the rest by LLDP, each the root of its own tree: ${result.tree.extraRoots.slice(0, 10).join(', ')}\n`,
    );

  const header = [
    `Proposed by egov-noc discover at ${new Date().toISOString()}: ${result.devices.size} devices in ${[...ranges.map((r) => r.cidr), ...seeds].join(', ')}.`,
    'Fields marked "guessed" are not reported by the devices (tier, zone, name of new nodes; medium and capacity of new links): check them.',
  ];
  const yaml = collector.renderProposal(result.proposal, header);
  if (flags.out) {
    const tmp = `${flags.out}.${process.pid}.tmp`;
    writeFileSync(tmp, yaml, { mode: 0o644 });
    renameSync(tmp, flags.out);
    process.stderr.write(
      `discover: proposal written to ${flags.out} (check it: egov-noc inventory check ${flags.out})\n`,
    );
  } else if (!existing) process.stdout.write(yaml);
  if (existing && flags.diff) {
    const diff = collector.diffInventory(result.proposal, existing);
    const lines = collector.formatDiff(diff);
    for (const line of lines) process.stdout.write(`${line}\n`);
    process.stdout.write(
      collector.diffIsEmpty(diff)
        ? `no differences from ${flags.diff}\n`
        : `${diff.added.length} added, ${diff.removed.length} removed, ${diff.changed.length} changed, links +${diff.linksAdded.length} -${diff.linksRemoved.length} against ${flags.diff}\n`,
    );
  }
}

function progressLine(p: import('../../collector').DiscoverProgress, startedMs: number): string {
  const elapsedS = (performance.now() - startedMs) / 1000;
  const s = p.sweep;
  const pct = s.addressesTotal > 0 ? Math.floor((100 * s.addressesStarted) / s.addressesTotal) : 100;
  return `discover: ${formatDuration(elapsedS)} swept ${s.addressesStarted.toLocaleString('en')}/${s.addressesTotal.toLocaleString('en')} (${pct} %), ${Math.round(p.datagrams() / Math.max(elapsedS, 0.001))} datagrams/s, ${s.answered} answered, ${s.silent.toLocaleString('en')} silent; identified ${p.identified}/${p.identifyTotal}${p.failed > 0 ? `, ${p.failed} refused` : ''}`;
}

function formatDuration(seconds: number): string {
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  const m = Math.floor(seconds / 60);
  return `${m} min ${Math.round(seconds - 60 * m)} s`;
}

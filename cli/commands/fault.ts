import type { Command } from 'commander';
import type { ActiveFault, Fault } from '../../simulator';
import { DEFAULT_CONTROL_FILE } from '../../simulator/control-file-path';
import { readEnvironment } from '../environment';
import { fail } from '../fail';

/**
 * `egov-noc fault …`: inject, list and clear faults in a running simulator through its loopback
 * control endpoint (printed by `egov-noc simulate`).
 */

interface ControlOption {
  control?: string;
  controlFile?: string;
}

interface Control {
  base: string;
  token: string;
}

/**
 * The endpoint and its bearer token: both from the control file `egov-noc simulate` wrote (0600),
 * the URL overridable by --control / EGOV_NOC_SIM_CONTROL, the token by EGOV_NOC_SIM_TOKEN.
 */
async function controlOf(opts: ControlOption): Promise<Control> {
  const { simulator } = readEnvironment();
  const file = opts.controlFile ?? simulator.controlFile ?? DEFAULT_CONTROL_FILE;
  const envToken = simulator.token;
  const { readControlFile } = await import('../../simulator/control-file');
  const fromFile = readControlFile(file);
  const raw = opts.control ?? simulator.control ?? ('url' in fromFile ? fromFile.url : undefined);
  const token = envToken ?? ('token' in fromFile ? fromFile.token : undefined);
  if (!raw || !token)
    fail(
      `${'error' in fromFile ? fromFile.error : 'no control endpoint'}: pass --control-file FILE (written by \`egov-noc simulate\`), or --control URL with EGOV_NOC_SIM_TOKEN`,
    );
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    fail(`--control "${raw}" is not a URL (expected e.g. http://127.0.0.1:18999)`);
  }
  if (!['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname))
    fail(`--control must be a loopback URL (the simulator listens on 127.0.0.1 only), got ${url.hostname}`);
  return { base: url.origin, token };
}

async function call(control: Control, method: string, path: string, body?: unknown): Promise<unknown> {
  const { base, token } = control;
  let res: Response;
  try {
    res = await fetch(`${base}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(5000),
    });
  } catch (error) {
    fail(
      `cannot reach the simulator at ${base}: ${(error as Error).message} (is \`egov-noc simulate\` running?)`,
    );
  }
  const json = (await res.json().catch(() => ({}))) as { error?: string };
  if (!res.ok) fail(json.error ?? `${method} ${path}: HTTP ${res.status}`);
  return json;
}

function describe(fault: Fault): string {
  switch (fault.kind) {
    case 'node-down':
    case 'reboot':
    case 'counter-wrap':
    case 'fan-fail':
    case 'psu-fail':
    case 'overheat':
    case 'firmware-upgrade':
      return `${fault.kind} ${fault.node}`;
    case 'module-swap':
    case 'module-insert':
      return `${fault.kind} ${fault.node}${fault.slot ? ` ${fault.slot}` : ''}`;
    case 'module-remove':
      return `${fault.kind} ${fault.node} ${fault.slot}`;
    case 'optic-degraded':
      return `${fault.kind} ${fault.node}${fault.interface ? ` ${fault.interface}` : ''}`;
    case 'link-down':
    case 'link-saturated':
      return `${fault.kind} ${fault.link ?? `${fault.a ?? '?'} <-> ${fault.b ?? '?'}`}`;
    case 'video-degraded':
      return `${fault.kind} ${fault.videoLink} loss ${fault.lossPct}% jitter ${fault.jitterMs} ms`;
    case 'zone-bridge':
      return `${fault.kind} ${fault.a} -> ${fault.b}`;
    case 'login-attack':
      return `${fault.kind} ${fault.node} from ${fault.source ?? 'an outside address'} × ${fault.count ?? 'default'}`;
    case 'config-change':
      return `${fault.kind} ${fault.node}${fault.user ? ` by ${fault.user}` : ''}`;
  }
}

const HARDWARE_FAULTS = [
  ['fan-fail', 'a fan stops (the vendor MIB shows it failed)'],
  ['psu-fail', 'a power supply stops supplying'],
  ['overheat', 'the main board reads 86 °C'],
] as const;

const number = (value: string) => {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) fail(`expected a non-negative number, got "${value}"`);
  return n;
};

export function registerFaultCommand(program: Command): void {
  const fault = program
    .command('fault')
    .description('inject, list and clear faults in a running simulator (egov-noc simulate)')
    .option('--control <url>', 'simulator control endpoint (or EGOV_NOC_SIM_CONTROL)')
    .option(
      '--control-file <file>',
      `URL and token written by egov-noc simulate (or EGOV_NOC_SIM_CONTROL_FILE; default ${DEFAULT_CONTROL_FILE})`,
    );

  const inject = async (cmd: Command, body: Fault) => {
    const control = await controlOf(cmd.optsWithGlobals<ControlOption>());
    const result = (await call(control, 'POST', '/faults', body)) as { id: string };
    console.log(`${result.id}: ${describe(body)}`);
  };

  for (const kind of ['node-down', 'reboot', 'counter-wrap'] as const)
    fault
      .command(kind)
      .description(
        kind === 'node-down'
          ? 'the node (and the subtree behind it) stops answering; its neighbours see the port go down'
          : kind === 'reboot'
            ? 'the node restarts: sysUpTime and counters reset, coldStart trap'
            : "the node's 32-bit octet counters jump near 2^32 and wrap",
      )
      .argument('<node>', 'node id')
      .option('--control <url>', 'simulator control endpoint')
      .option('--control-file <file>', 'URL and token written by egov-noc simulate')
      .action(async (node: string, _opts: unknown, cmd: Command) => inject(cmd, { kind, node }));

  for (const [kind, description] of HARDWARE_FAULTS)
    fault
      .command(kind)
      .description(description)
      .argument('<node>', 'node id (a network device: hosts report no fans, supplies or optics)')
      .option('--control <url>', 'simulator control endpoint')
      .option('--control-file <file>', 'URL and token written by egov-noc simulate')
      .action(async (node: string, _opts: unknown, cmd: Command) => inject(cmd, { kind, node }));

  fault
    .command('optic-degraded')
    .description("an optical module's received power drops to −28 dBm (dirty or bent fibre)")
    .argument('<node>', 'node id')
    .argument('[interface]', "the port's name (default: the node's uplink port)")
    .option('--control <url>', 'simulator control endpoint')
    .option('--control-file <file>', 'URL and token written by egov-noc simulate')
    .action(async (node: string, ifName: string | undefined, _opts: unknown, cmd: Command) =>
      inject(cmd, { kind: 'optic-degraded', node, ...(ifName === undefined ? {} : { interface: ifName }) }),
    );

  fault
    .command('module-swap')
    .description('a part is replaced: the slot reports a new serial number (the asset register records it)')
    .argument('<node>', 'node id (a network device)')
    .argument(
      '[slot]',
      'the part\'s entPhysicalName (e.g. "MPU 0", PWR1, a port) or index (default: the main board)',
    )
    .option('--control <url>', 'simulator control endpoint')
    .option('--control-file <file>', 'URL and token written by egov-noc simulate')
    .action(async (node: string, slot: string | undefined, _opts: unknown, cmd: Command) =>
      inject(cmd, { kind: 'module-swap', node, ...(slot === undefined ? {} : { slot }) }),
    );

  fault
    .command('module-remove')
    .description('a part is pulled: it leaves entPhysicalTable (the asset register records module removed)')
    .argument('<node>', 'node id (a network device)')
    .argument('<slot>', 'the part\'s entPhysicalName (e.g. PWR2, FAN1, a port, "LPU 1") or index')
    .option('--control <url>', 'simulator control endpoint')
    .option('--control-file <file>', 'URL and token written by egov-noc simulate')
    .action(async (node: string, slot: string, _opts: unknown, cmd: Command) =>
      inject(cmd, { kind: 'module-remove', node, slot }),
    );

  fault
    .command('module-insert')
    .description('a part is inserted: a pulled one put back, or a new line card in a spare slot')
    .argument('<node>', 'node id (a network device)')
    .argument('[slot]', "a pulled part's entPhysicalName or index (default: a new line card, LPU n)")
    .option('--control <url>', 'simulator control endpoint')
    .option('--control-file <file>', 'URL and token written by egov-noc simulate')
    .action(async (node: string, slot: string | undefined, _opts: unknown, cmd: Command) =>
      inject(cmd, { kind: 'module-insert', node, ...(slot === undefined ? {} : { slot }) }),
    );

  fault
    .command('firmware-upgrade')
    .description('the device is upgraded: its software and board firmware revisions move on one release')
    .argument('<node>', 'node id (a network device)')
    .option('--control <url>', 'simulator control endpoint')
    .option('--control-file <file>', 'URL and token written by egov-noc simulate')
    .action(async (node: string, _opts: unknown, cmd: Command) =>
      inject(cmd, { kind: 'firmware-upgrade', node }),
    );

  for (const kind of ['link-down', 'link-saturated'] as const)
    fault
      .command(kind)
      .description(
        kind === 'link-down'
          ? 'both ends down (linkDown traps); an uplink cuts off its subtree'
          : 'the link runs at ~98% of capacity both ways',
      )
      .argument('<link-or-node>', 'link id, or the node at one end')
      .argument('[other-node]', 'the node at the other end')
      .option('--control <url>', 'simulator control endpoint')
      .option('--control-file <file>', 'URL and token written by egov-noc simulate')
      .action(async (first: string, second: string | undefined, _opts: unknown, cmd: Command) =>
        inject(cmd, second === undefined ? { kind, link: first } : { kind, a: first, b: second }),
      );

  fault
    .command('video-degraded')
    .description("loss and jitter on a video-conference link (seen by the probe at the link's 'a' end)")
    .argument('<video-link>', 'video link id')
    .requiredOption('--loss-pct <pct>', 'packet loss in %', number)
    .requiredOption('--jitter-ms <ms>', 'jitter in ms', number)
    .option('--control <url>', 'simulator control endpoint')
    .option('--control-file <file>', 'URL and token written by egov-noc simulate')
    .action(async (videoLink: string, opts: { lossPct: number; jitterMs: number }, cmd: Command) =>
      inject(cmd, { kind: 'video-degraded', videoLink, lossPct: opts.lossPct, jitterMs: opts.jitterMs }),
    );

  fault
    .command('zone-bridge')
    .description(
      "a cable across isolated zones (三网): the first node's LLDP shows the second as a neighbour on a spare port",
    )
    .argument('<internal-node>', 'node whose LLDP table shows the neighbour (e.g. an internal router)')
    .argument('<external-node>', 'the neighbour it shows, on a network isolated from the first')
    .option('--control <url>', 'simulator control endpoint')
    .option('--control-file <file>', 'URL and token written by egov-noc simulate')
    .action(async (a: string, b: string, _opts: unknown, cmd: Command) =>
      inject(cmd, { kind: 'zone-bridge', a, b }),
    );

  fault
    .command('login-attack')
    .description('a burst of failed SSH logins on the node from one outside address (syslog), then it stops')
    .argument('<node>', 'node id')
    .option('--source <address>', 'the attacking IPv4 address (default 203.0.113.57)')
    .option('--count <n>', 'failed logins, all within 45 s (default 8, at most 500)', number)
    .option('--control <url>', 'simulator control endpoint')
    .option('--control-file <file>', 'URL and token written by egov-noc simulate')
    .action(async (node: string, opts: { source?: string; count?: number }, cmd: Command) =>
      inject(cmd, {
        kind: 'login-attack',
        node,
        ...(opts.source === undefined ? {} : { source: opts.source }),
        ...(opts.count === undefined ? {} : { count: opts.count }),
      }),
    );

  fault
    .command('config-change')
    .description("an operator changes the node's configuration: one config-change line in its syslog")
    .argument('<node>', 'node id')
    .option('--user <name>', 'who changed it (default one of the network centre operators)')
    .option('--source <address>', 'from where (default a management station)')
    .option('--control <url>', 'simulator control endpoint')
    .option('--control-file <file>', 'URL and token written by egov-noc simulate')
    .action(async (node: string, opts: { user?: string; source?: string }, cmd: Command) =>
      inject(cmd, {
        kind: 'config-change',
        node,
        ...(opts.user === undefined ? {} : { user: opts.user }),
        ...(opts.source === undefined ? {} : { source: opts.source }),
      }),
    );

  fault
    .command('clear')
    .description('clear one fault by id, or all of them with --all')
    .argument('[id]', 'fault id (from `egov-noc fault list`)')
    .option('--all', 'clear every active fault')
    .option('--control <url>', 'simulator control endpoint')
    .option('--control-file <file>', 'URL and token written by egov-noc simulate')
    .action(async (id: string | undefined, opts: { all?: boolean }, cmd: Command) => {
      if (!id && !opts.all) fail('say which fault to clear: an id, or --all');
      if (id && opts.all) fail('give either an id or --all, not both');
      const control = await controlOf(cmd.optsWithGlobals<ControlOption>());
      const result = (await call(
        control,
        'DELETE',
        id ? `/faults/${encodeURIComponent(id)}` : '/faults',
      )) as {
        cleared: string[];
      };
      console.log(result.cleared.length > 0 ? `cleared ${result.cleared.join(', ')}` : 'no active faults');
    });

  fault
    .command('list')
    .description('list active faults')
    .option('--control <url>', 'simulator control endpoint')
    .option('--control-file <file>', 'URL and token written by egov-noc simulate')
    .action(async (_opts: unknown, cmd: Command) => {
      const control = await controlOf(cmd.optsWithGlobals<ControlOption>());
      const faults = (await call(control, 'GET', '/faults')) as ActiveFault[];
      if (faults.length === 0) console.log('no active faults');
      for (const f of faults)
        console.log(`${f.id}\t${new Date(f.sinceMs).toISOString()}\t${describe(f.fault)}`);
    });
}

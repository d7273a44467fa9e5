import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AgentEndpoint } from '../../domain';

export interface SimulatorProcess {
  readonly pid: number;
  readonly manifest: AgentEndpoint[];
  stop(): Promise<void>;
}

function readManifest(file: string): AgentEndpoint[] | null {
  if (!existsSync(file)) return null;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as AgentEndpoint[];
  } catch {
    return null; // still being written
  }
}

/** The simulated province in a process of its own, as `egov-noc simulate` runs it; resolves once its manifest is written. */
export async function startSimulatorProcess(
  dir: string,
  inventoryFile: string,
  readyWithinMs = 180_000,
): Promise<SimulatorProcess> {
  const manifestFile = join(dir, 'manifest.json');
  const child = spawn(
    process.execPath,
    ['bin/egov-noc.js', 'simulate', '--inventory', inventoryFile, '--manifest', manifestFile],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderrTail = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderrTail = (stderrTail + chunk.toString()).slice(-400)));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  };
  const deadline = Date.now() + readyWithinMs;
  for (;;) {
    const manifest = readManifest(manifestFile);
    if (manifest) return { pid: child.pid as number, manifest, stop };
    if (child.exitCode !== null) throw new Error(`simulator exited with ${child.exitCode}: ${stderrTail}`);
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`simulator not ready within ${readyWithinMs / 1000} s: ${stderrTail}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Reading the docker/ files the way Docker and docker compose would, for tests that cannot run Docker. */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

export const repoRoot = join(import.meta.dirname, '..', '..');
export const dockerDir = join(repoRoot, 'docker');

export interface ComposeService {
  image?: string;
  build?: { context: string; dockerfile: string };
  command?: string[];
  environment?: Record<string, string>;
  env_file?: string[];
  volumes?: string[];
  ports?: string[];
  profiles?: string[];
  depends_on?: Record<string, { condition: string }>;
  init?: boolean;
  read_only?: boolean;
  healthcheck?: { test: string[] };
}

export interface ComposeFile {
  name: string;
  services: Record<string, ComposeService>;
  volumes: Record<string, unknown>;
}

export const composeText = (): string => readFileSync(join(dockerDir, 'compose.yaml'), 'utf8');

/** compose.yaml with YAML merge keys (`<<: *egov-noc`) resolved, as docker compose reads it. */
export function loadCompose(): ComposeFile {
  return parse(composeText(), { merge: true }) as ComposeFile;
}

/** KEY=VALUE lines of an env file (comments and blanks skipped). */
export function readEnvFile(path: string): Map<string, string> {
  const env = new Map<string, string>();
  for (const raw of readFileSync(path, 'utf8').split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    if (eq <= 0) throw new Error(`${path}: not KEY=VALUE: ${line}`);
    env.set(line.slice(0, eq), line.slice(eq + 1));
  }
  return env;
}

export interface DockerInstruction {
  stage: string;
  keyword: string;
  args: string;
}

/** Dockerfile instructions (continuations joined), each tagged with its build stage name. */
export function readDockerfile(): DockerInstruction[] {
  const text = readFileSync(join(dockerDir, 'Dockerfile'), 'utf8').replace(/\\\n/g, ' ');
  const instructions: DockerInstruction[] = [];
  let stage = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const match = /^(\w+)\s+(.*)$/.exec(line);
    if (match === null) continue;
    const keyword = (match[1] ?? '').toUpperCase();
    const args = (match[2] ?? '').replace(/\s+/g, ' ').trim();
    if (keyword === 'FROM') stage = / AS (\S+)$/i.exec(args)?.[1] ?? '';
    instructions.push({ stage, keyword, args });
  }
  return instructions;
}

export const exists = (...parts: string[]): boolean => existsSync(join(...parts));

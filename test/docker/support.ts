/** Reading the docker/ files the way Docker and docker compose would, for tests that cannot run Docker. */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
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

let stagedApp: string | null = null;

/** What the build stage makes itself (the build context leaves out any local copy). */
const BUILD_OUTPUTS = ['dist', 'console/web/dist'];

/**
 * The runtime image's /app, staged without Docker: exactly what the runtime stage's
 * `COPY --from=build /app/X /app/Y` lines take, from this checkout (the build context's dockerignore
 * applies, except to the build's outputs: dist/ is compiled by the tests' global setup), and
 * `COPY --from=deps` node_modules as a link to this checkout's. No TypeScript sources, no test/.
 */
export function stageImageApp(): string {
  if (stagedApp !== null) return stagedApp;
  const app = mkdtempSync(join(tmpdir(), 'egov-noc-image-app-'));
  const ignored = dockerignored();
  for (const copy of readDockerfile().filter((i) => i.stage === 'runtime' && i.keyword === 'COPY')) {
    const [from, source = '', target = ''] = copy.args.split(' ');
    if (!from?.startsWith('--from=')) continue;
    const inRepo = source.replace(/^\/app\/?/, '');
    const staged = join(app, target.replace(/^\/app\/?/, ''));
    mkdirSync(dirname(staged), { recursive: true });
    if (from === '--from=deps') symlinkSync(join(repoRoot, inRepo), staged);
    else if (existsSync(join(repoRoot, inRepo)))
      cpSync(join(repoRoot, inRepo), staged, {
        recursive: true,
        filter: (path) => {
          const file = relative(repoRoot, path);
          return BUILD_OUTPUTS.some((o) => file === o || file.startsWith(`${o}/`)) || !ignored(file);
        },
      });
  }
  stagedApp = app;
  return app;
}

/** The build context's exclusions: `dir/*` patterns with their `!dir/name` exceptions, and exact paths. */
function dockerignored(): (path: string) => boolean {
  const lines = readFileSync(join(dockerDir, 'Dockerfile.dockerignore'), 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
  const kept = new Set(lines.filter((l) => l.startsWith('!')).map((l) => l.slice(1)));
  const excluded = lines.filter((l) => !l.startsWith('!'));
  return (path) =>
    excluded.some((pattern) => {
      if (pattern.endsWith('/*')) {
        const dir = pattern.slice(0, -2);
        const top = path.split('/').slice(0, 2).join('/');
        return path.startsWith(`${dir}/`) && !kept.has(top);
      }
      return path === pattern || path.startsWith(`${pattern}/`);
    });
}

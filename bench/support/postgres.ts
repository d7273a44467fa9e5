/**
 * A real PostgreSQL server for tests and benchmarks, on a free loopback port: initdb into a temp folder, password
 * authentication (scram) for TCP, started and stopped with pg_ctl. PostgreSQL refuses to run as
 * root, so when the tests run as root every command runs as the `postgres` user.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  chownSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { freePort } from './influxd';

export interface Postgres {
  host: '127.0.0.1';
  port: number;
  /** The superuser created by initdb, and its password. */
  user: 'postgres';
  password: string;
  /** The postmaster's process id (its backends are its children), read from postmaster.pid. */
  serverPid(): number;
  /** Create an empty database and return its name. */
  createDatabase(): string;
  /** Stop the server (fast shutdown), keeping its data; start it again on the same port. */
  stop(): void;
  start(): void;
  /** Stop the server (fast shutdown) and remove its folder. */
  destroy(): Promise<void>;
}

function binDir(): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).sort((a, b) => Number(b) - Number(a)) : [];
  const version = versions.find((v) => existsSync(join(root, v, 'bin', 'initdb')));
  if (version === undefined) throw new Error('PostgreSQL is not installed (apt-get install postgresql)');
  return join(root, version, 'bin');
}

const asPostgresUser = userInfo().uid === 0;

function run(bin: string, args: string[], dir: string): string {
  const command = asPostgresUser ? 'runuser' : bin;
  const fullArgs = asPostgresUser ? ['-u', 'postgres', '--', bin, ...args] : args;
  const result = spawnSync(command, fullArgs, { encoding: 'utf8', cwd: dir, timeout: 60_000 });
  if (result.status !== 0) {
    throw new Error(`${bin} ${args.join(' ')} failed (${result.status}): ${result.stderr}${result.stdout}`);
  }
  return result.stdout;
}

function chownToPostgres(path: string): void {
  if (!asPostgresUser) return;
  const id = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
  const gid = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
  chownSync(path, Number(id.stdout.trim()), Number(gid.stdout.trim()));
}

export async function startPostgres(): Promise<Postgres> {
  const bin = binDir();
  const dir = mkdtempSync(join(tmpdir(), 'egov-pg-'));
  chownToPostgres(dir);
  const data = join(dir, 'data');
  const password = randomBytes(12).toString('hex');
  const pwfile = join(dir, 'pwfile');
  writeFileSync(pwfile, `${password}\n`, { mode: 0o600 });
  chownToPostgres(pwfile);
  run(
    join(bin, 'initdb'),
    [
      '-D',
      data,
      '-U',
      'postgres',
      `--pwfile=${pwfile}`,
      '--auth-host=scram-sha-256',
      '--auth-local=trust',
      '-E',
      'UTF8',
      '--locale=C.UTF-8',
    ],
    dir,
  );
  const port = await freePort();
  const start = (): void => {
    run(
      join(bin, 'pg_ctl'),
      [
        'start',
        '-w',
        '-D',
        data,
        '-l',
        join(dir, 'server.log'),
        '-o',
        `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`,
      ],
      dir,
    );
    run(join(bin, 'pg_isready'), ['-h', '127.0.0.1', '-p', String(port), '-t', '30'], dir);
  };
  const stop = (): void => {
    run(join(bin, 'pg_ctl'), ['stop', '-w', '-m', 'fast', '-D', data], dir);
  };
  try {
    start();
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  let databases = 0;
  return {
    host: '127.0.0.1',
    port,
    user: 'postgres',
    password,
    stop,
    start,
    serverPid: () => Number(readFileSync(join(data, 'postmaster.pid'), 'utf8').split('\n')[0]),
    createDatabase() {
      databases += 1;
      const name = `logs_test_${databases}`;
      run(join(bin, 'createdb'), ['-h', dir, '-p', String(port), '-U', 'postgres', name], dir);
      return name;
    },
    destroy() {
      try {
        // Already stopped by a test: nothing to stop.
        if (existsSync(join(data, 'postmaster.pid'))) stop();
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
      return Promise.resolve();
    },
  };
}
